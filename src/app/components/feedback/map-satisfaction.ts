/**
 * 满意度 on the coverage map (staff, online): asks the server for the ratings of the events that
 * match the map's filter (GET /api/feedback/township-satisfaction) and makes the map's picture from
 * them over the coverage of the same filter (domain/satisfaction-map.ts). Loaded on demand by the
 * map view through parts.ts, so a volunteer's map never carries it.
 */
import type { CoverageResult } from '../../../domain/coverage';
import type { EventFilter } from '../../../domain/counts';
import { coverageOfSatisfaction, type TownshipSatisfactionAnswer } from '../../../domain/satisfaction-map';
import { useFeedbackApi } from '../../composables/useFeedbackApi';
import { mergeFeatureMessages } from '../../i18n';
import messages from '../../i18n/messages/feedback';

mergeFeatureMessages(messages);

/** The server's answer for a filter; throws the API's error (offline, refused …). */
export function fetchTownshipSatisfaction(filter: EventFilter & { readonly year: number }): Promise<TownshipSatisfactionAnswer> {
  return useFeedbackApi().townshipSatisfaction(filter);
}

/** The map's picture for 满意度 (see domain/satisfaction-map.ts). */
export function satisfactionCoverage(base: CoverageResult, answer: TownshipSatisfactionAnswer): CoverageResult {
  return coverageOfSatisfaction(base, answer);
}
