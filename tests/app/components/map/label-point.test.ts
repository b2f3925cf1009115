/**
 * Township labels sit inside their polygons (pole of inaccessibility), for every township of the
 * Huidong pack, 大岭街道 included, and for shapes whose seat or centre lies outside them.
 */
import { describe, expect, it } from 'vitest';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon } from 'geojson';
import { labelPointOf } from '../../../../src/app/components/map/label-point';
import { hasArea } from '../../../../src/domain/region';
import { loadHuidongPack } from '../../../fixtures/region-pack';

/** Distance in degrees from a point to the nearest edge of a polygon's rings. */
function edgeDistance([x, y]: [number, number], g: Polygon): number {
  let best = Infinity;
  for (const ring of g.coordinates) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[j]! as [number, number];
      const [bx, by] = ring[i]! as [number, number];
      const dx = bx - ax;
      const dy = by - ay;
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
      best = Math.min(best, Math.hypot(x - (ax + t * dx), y - (ay + t * dy)));
    }
  }
  return best;
}

describe('township label placement', () => {
  it('puts every township label of the region pack inside its polygon, 大岭街道 included', () => {
    const pack = loadHuidongPack();
    const areas = pack.townships.filter(hasArea);
    expect(areas.length).toBe(14);
    expect(areas.map((t) => t.name)).toContain('大岭街道');
    for (const t of areas) {
      const p = labelPointOf(t.geometry as Polygon | MultiPolygon);
      expect(booleanPointInPolygon(p, t.geometry as Polygon | MultiPolygon), t.name).toBe(true);
      // Not merely inside: off the edges (at least 500 m at this latitude for these townships).
      const part = t.geometry.type === 'Polygon' ? t.geometry : { type: 'Polygon' as const, coordinates: (t.geometry as MultiPolygon).coordinates[0]! };
      expect(edgeDistance(p, part), t.name).toBeGreaterThan(0.005);
    }
  });

  it('keeps the label inside a C-shaped township whose centre is outside it', () => {
    const c: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [3, 1],
          [1, 1],
          [1, 2],
          [3, 2],
          [3, 3],
          [0, 3],
          [0, 0],
        ],
      ],
    };
    expect(booleanPointInPolygon([1.5, 1.5], c)).toBe(false);
    const p = labelPointOf(c);
    expect(booleanPointInPolygon(p, c)).toBe(true);
    expect(p[0]).toBeLessThan(1);
  });

  it('labels the largest part of a township in several pieces', () => {
    const m: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [10, 10],
            [10.1, 10],
            [10.1, 10.1],
            [10, 10.1],
            [10, 10],
          ],
        ],
        [
          [
            [0, 0],
            [2, 0],
            [2, 2],
            [0, 2],
            [0, 0],
          ],
        ],
      ],
    };
    const [x, y] = labelPointOf(m);
    expect(x).toBeCloseTo(1, 2);
    expect(y).toBeCloseTo(1, 2);
  });
});
