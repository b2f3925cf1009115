/**
 * Where a township's name sits on the map: the pole of inaccessibility of its polygon (the point
 * inside it farthest from every edge, found by `polylabel`), so the label is always inside the
 * township however thin or bent it is, unlike its seat or its box's centre. For a MultiPolygon,
 * the largest part. Longitudes are scaled by cos(latitude) first, so "farthest" is measured in
 * near-metres rather than in degrees.
 */
import polylabel from 'polylabel';
import type { MultiPolygon, Polygon, Position } from 'geojson';

/** About 10 m: finer than any label needs, a few milliseconds per township. */
const PRECISION_DEG = 0.0001;

function ringArea(ring: readonly Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return Math.abs(a / 2);
}

/** The part of a (Multi)Polygon a label belongs in: the one with the largest outer ring. */
function largestPart(g: Polygon | MultiPolygon): Position[][] {
  if (g.type === 'Polygon') return g.coordinates;
  let best = g.coordinates[0]!;
  for (const p of g.coordinates) if (ringArea(p[0]!) > ringArea(best[0]!)) best = p;
  return best;
}

const cache = new WeakMap<Polygon | MultiPolygon, [number, number]>();

/** The [lon, lat] to put a township's label at: inside its polygon, as far from the edges as possible. */
export function labelPointOf(g: Polygon | MultiPolygon): [number, number] {
  const hit = cache.get(g);
  if (hit) return hit;
  const rings = largestPart(g);
  const lat0 = rings[0]!.reduce((s, p) => s + p[1]!, 0) / rings[0]!.length;
  const k = Math.cos((lat0 * Math.PI) / 180) || 1;
  const [x, y] = polylabel(
    rings.map((r) => r.map((p) => [p[0]! * k, p[1]!])),
    PRECISION_DEG,
  );
  const out: [number, number] = [x / k, y];
  cache.set(g, out);
  return out;
}
