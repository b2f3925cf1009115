// A seeded year of ledger rows (as IndexedDB holds them, with year/ym) for the report bench,
// made the same way in Node and in Chromium.
import type { LedgerEvent } from '../../src/domain/event';
import type { RegionPack } from '../../src/domain/region';
import type { Target } from '../../src/domain/targets';
import type { Taxonomy } from '../../src/domain/taxonomy';
import { toZonedIso, yearMonthOf } from '../../src/domain/year';

const NAMES = ['陈志强', '李秀梅', '王海燕', '张伟', '刘丽娟', '黄建国', '林小红', '吴晓东', '郑文静', '何俊杰'];

/** n events spread over `year`, reproducible from `seed`. */
export function makeBenchEvents(pack: RegionPack, t: Taxonomy, n: number, year: number, seed = 12345): (LedgerEvent & { year: number; ym: string })[] {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const start = Date.UTC(year, 0, 1) - 8 * 3600_000;
  const out: (LedgerEvent & { year: number; ym: string })[] = [];
  for (let i = 0; i < n; i++) {
    const ms = start + Math.floor(rnd() * 365 * 86400_000);
    const startAt = toZonedIso(ms);
    const nv = Math.floor(rnd() * 4);
    out.push({
      id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
      title: `${pick(['科普大篷车', '防灾减灾', '急救培训'])}活动${i}`,
      notes: '',
      startAt,
      endAt: startAt,
      format: pick(t.formats).code,
      venue: pick(t.venues).code,
      campaign: rnd() < 0.2 ? pick(t.campaigns).code : null,
      themes: [pick(t.themes).code],
      townshipCode: pick(pack.townships).code,
      villageCode: null,
      venueName: `场所${i % 500}`,
      point: null,
      attendance: 20 + Math.floor(rnd() * 500),
      onlineAttendance: rnd() < 0.1 ? Math.floor(rnd() * 1000) : null,
      audience: [],
      materials: rnd() < 0.7 ? [{ kind: pick(t.materialKinds).code, count: 1 + Math.floor(rnd() * 800) }] : [],
      volunteers: Array.from({ length: nv }, (_, k) => ({ name: NAMES[(i + k) % NAMES.length]!, userId: null, hours: 1 + Math.floor(rnd() * 6) / 2 })),
      volunteerCount: null,
      partners: [],
      distanceKm: null,
      photos: [],
      status: rnd() < 0.9 ? 'reviewed' : 'submitted',
      reviewNote: null,
      reviewedBy: null,
      reviewedAt: null,
      orgId: 'org',
      createdBy: 'u',
      createdAt: startAt,
      updatedBy: 'u',
      updatedAt: startAt,
      deleted: false,
      rev: 1,
      year,
      ym: yearMonthOf(ms),
    });
  }
  return out;
}

/** Three targets of the year: a count along an axis, a total, a coverage rule. */
export function benchTargets(year: number): Target[] {
  const base = {
    orgId: 'org',
    createdBy: 'u',
    createdAt: '2023-01-01T00:00:00+08:00',
    updatedBy: 'u',
    updatedAt: '2023-01-01T00:00:00+08:00',
    deleted: false,
    rev: 1,
  };
  return [
    {
      year,
      kind: 'count',
      measure: 'events',
      axis: 'format',
      axisCode: 'caravan',
      min: 5,
      level1: '产出指标',
      level2: '数量指标',
      level3: '科普大篷车',
      unit: '场次',
    },
    { year, kind: 'count', measure: 'materials', axis: 'all', axisCode: null, min: 20000, level1: '产出指标', level2: '数量指标', level3: '资料', unit: '份' },
    { year, kind: 'coverage', measure: 'events', axis: 'all', axisCode: null, min: 2, level1: '效益指标', level2: '社会效益', level3: '覆盖', unit: '场次' },
  ].map((x, i) => ({ ...(x as Omit<Target, keyof typeof base | 'id'>), ...base, id: `00000000-0000-7000-9000-${String(i).padStart(12, '0')}` }));
}

/** Median of timed runs after one warm-up (ms). */
export async function medianMs(fn: () => unknown, reps: number): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]!;
}

/** The aggregation figures for n events: index-only count baseline, tables, whole bundle. */
export async function aggregationFigures(
  m: {
    buildReport: typeof import('../../src/domain/report').buildReport;
    buildReportBundle: typeof import('../../src/app/export/report-bundle').buildReportBundle;
  },
  pack: RegionPack,
  t: Taxonomy,
  n: number,
  reps: number,
): Promise<{ baseline: number; tables: number; bundle: number }> {
  const events = makeBenchEvents(pack, t, n, 2023);
  const targets = benchTargets(2023);
  const index = events.map((e) => [e.year, e.ym] as const);
  let sink = 0;
  // Fifty counts per timing: one count is below the browser's timer resolution.
  const baseline =
    (await medianMs(() => {
      for (let r = 0; r < 50; r++) {
        let c = 0;
        for (const k of index) if (k[0] === 2023) c++;
        sink += c;
      }
    }, reps)) / 50;
  const tables = await medianMs(() => {
    sink += m.buildReport(events, [], { year: 2023, reviewedOnly: true, taxonomy: t, pack }).report.total.events;
  }, reps);
  const bundle = await medianMs(() => {
    sink += m.buildReportBundle(events, targets, { year: 2023, reviewedOnly: true, round: true, taxonomy: t, pack }).report.total.events;
  }, reps);
  if (sink < 0) throw new Error('unreachable');
  return { baseline, tables, bundle };
}
