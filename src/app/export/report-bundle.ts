/**
 * One report of a year, shared by the screen and every export (XLSX, CSV, DOCX, print): the
 * tables, the targets against actuals, coverage and the narrative, all read off one selection and
 * one counting pass by domain/report.ts buildReport, so a figure on screen is the figure in the file.
 */
import type { LedgerEvent } from '../../domain/event';
import type { RegionPack } from '../../domain/region';
import { buildReport, type ReportParts } from '../../domain/report';
import type { ReportLine } from '../../domain/report-lines';
import type { ClauseEdit } from '../../domain/report-text';
import type { Award } from '../../domain/awards';
import type { FeedbackListItem } from '../../domain/feedback';
import type { Target } from '../../domain/targets';
import type { Taxonomy } from '../../domain/taxonomy';
import type { PeopleNames } from './people';

/** Everything a report shows or writes for one year. */
export interface ReportBundle extends ReportParts<LedgerEvent> {
  readonly round: boolean;
  readonly taxonomy: Taxonomy;
  readonly pack: RegionPack;
  /** e.g. 惠东县 — from the region pack. */
  readonly regionName: string;
  /** The year's competition awards, when the export reads them (awards-sheet.ts withYearAwards). */
  readonly awards?: readonly Award[];
  /** The staff's clause edits the narrative was built with: withYearAwards applies them to the awards sentence it adds. */
  readonly clauseEdits: readonly ClauseEdit[];
  /** The organisation that signs the report (落款), e.g. 惠东县科学技术协会; the region's name when unknown. */
  readonly orgName: string;
  /** When the report is issued (ms): the 落款's date. */
  readonly issuedAt: number;
  /** Names of 填报人 and 审核人 by user id the phone knows; the exports add the import batches' (people.ts peopleOf). */
  readonly names: PeopleNames;
  /** The 群众意见 sentence (domain/feedback-report.ts), when the screen has read the year's feedback figures. */
  readonly feedbackSentence?: string;
  /**
   * The year's 群众意见办理台账 rows, when the export could read them from the server (staff, online:
   * feedback-register.ts withFeedbackRegister); absent, the workbook has no such sheet.
   */
  readonly feedbackRows?: readonly FeedbackListItem[];
}

/** What building a bundle needs besides the events and targets. */
export interface ReportBundleOptions {
  readonly year: number;
  readonly reviewedOnly: boolean;
  readonly round: boolean;
  readonly taxonomy: Taxonomy;
  readonly pack: RegionPack;
  /** The org's report lines (default: the seed's eight). */
  readonly lines?: readonly ReportLine[];
  /** Staff edits of narrative clauses (the awards sentence's too). */
  readonly clauseEdits?: readonly ClauseEdit[];
  /** The year's generated awards sentence, when the screen holds the awards (staff): the narrative's awards clause. */
  readonly awardsSentence?: string;
  /** External figures for indicators that take one (domain/external-figures.ts). */
  readonly externals?: Readonly<Record<string, number>>;
  /** The signing organisation (the session's org name); default: the region's name. */
  readonly orgName?: string;
  /** The 落款's date (ms); default: now. */
  readonly issuedAt?: number;
  /** Names by user id the phone knows (session, staff list). */
  readonly names?: PeopleNames;
  /** The 群众意见 sentence, when the year's feedback figures were read. */
  readonly feedbackSentence?: string;
}

/** Builds a year's bundle from every event of the ledger (any year; tombstones are skipped). */
export function buildReportBundle(events: readonly LedgerEvent[], targets: readonly Target[], o: ReportBundleOptions): ReportBundle {
  const parts = buildReport(events, targets, o);
  return {
    ...parts,
    round: o.round,
    taxonomy: o.taxonomy,
    pack: o.pack,
    regionName: o.pack.meta.name,
    orgName: o.orgName?.trim() || o.pack.meta.name,
    issuedAt: o.issuedAt ?? Date.now(),
    names: o.names ?? new Map(),
    clauseEdits: o.clauseEdits ?? [],
    ...(o.feedbackSentence ? { feedbackSentence: o.feedbackSentence } : {}),
  };
}

/** The file name stem of a year's exports: 惠东县科普活动统计_2023. */
export function exportFileStem(b: Pick<ReportBundle, 'regionName' | 'year'>): string {
  return `${b.regionName}科普活动统计_${b.year}`;
}
