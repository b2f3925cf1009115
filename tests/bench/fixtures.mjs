/**
 * Realistic ledger events for the benchmarks, made from the real domain code (compiled to
 * dist-server/domain) and the Huidong region pack, with a seeded generator so every run and every
 * variant writes exactly the same records.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A small seeded PRNG (mulberry32): same seed, same events. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}

const TITLE_PARTS = [
  ['科普大篷车', '防灾减灾', '反诈宣传', '健康讲座', '急救培训', '科技周', '全国科普日', '青少年科技', '垃圾分类', '食品安全'],
  ['进校园', '进社区', '进村', '进企业', '广场宣传', '主题活动', '公开课', '体验活动', '宣讲', '巡展'],
];
const NOTES = [
  '活动现场发放宣传资料，志愿者讲解科普知识，群众参与互动问答，反响热烈。',
  '邀请县人民医院医生讲解心肺复苏和AED使用方法，学员分组实操练习。',
  '结合全国科普日主题，开展科技展品展示和科学实验表演，吸引大量学生参与。',
  '联合镇综治办开展防诈骗宣传，现场解答群众疑问，并指导下载国家反诈中心App。',
  '',
];
const NAMES = ['陈小明', '李华', '张伟', '王芳', '刘洋', '黄丽', '林志强', '吴敏', '郑伟', '何静', '罗刚', '谢婷'];
const PARTNERS = ['县卫健局', '县教育局', '平山街道办', '县应急管理局', '县图书馆', '县红十字会', '惠东县第一中学'];

/** Loads what the generator needs: taxonomy codes, township and village codes, year helpers. */
export async function loadDomain(serverDir, root) {
  const taxonomy = (await import(join(serverDir, 'domain/taxonomy.js'))).DEFAULT_TAXONOMY;
  const year = await import(join(serverDir, 'domain/year.js'));
  const ids = await import(join(serverDir, 'domain/ids.js'));
  const event = await import(join(serverDir, 'domain/event.js'));
  const pack = join(root, 'public/regions/huidong');
  const townships = JSON.parse(readFileSync(join(pack, 'townships.geojson'), 'utf8')).features.map((f) => ({
    code: f.properties.code,
    seat: f.properties.seat,
  }));
  const villages = JSON.parse(readFileSync(join(pack, 'villages.json'), 'utf8'));
  const villagesOf = new Map();
  for (const v of villages) {
    if (!villagesOf.has(v.townshipCode)) villagesOf.set(v.townshipCode, []);
    villagesOf.get(v.townshipCode).push(v.code);
  }
  const codes = (list) => taxonomy[list].filter((e) => !e.retired).map((e) => e.code);
  return { taxonomy, codes, townships, villagesOf, year, ids, event };
}

const pad = (n) => String(n).padStart(2, '0');

/**
 * n whole events (LedgerEvent, every key present), valid by validateLedgerEvent, spread over
 * 2023–2025 and the 16 townships, as a volunteer would log them.
 */
export function makeEvents(domain, n, seed = 1) {
  const r = rng(seed);
  const formats = domain.codes('formats');
  const venues = domain.codes('venues');
  const campaigns = domain.codes('campaigns');
  const themes = domain.codes('themes');
  const materials = domain.codes('materialKinds');
  const audiences = domain.codes('audienceKinds');
  const users = Array.from({ length: 20 }, (_, i) => `u-${String(i + 1).padStart(4, '0')}`);
  const base = Date.UTC(2023, 0, 1);
  const out = [];
  for (let i = 0; i < n; i++) {
    // 08:00–17:00 in Asia/Shanghai (UTC midnight is 08:00 there) on a day in 2023–2025.
    const startMs = base + r.int(0, 3 * 365 - 1) * 86_400_000 + r.int(0, 18) * 1_800_000;
    const endMs = startMs + r.int(1, 8) * 1_800_000;
    const created = endMs + r.int(5, 600) * 60_000;
    const ts = r.pick(domain.townships);
    const vs = domain.villagesOf.get(ts.code) ?? [];
    const attendance = r.int(20, 800);
    const a1 = r.int(0, Math.floor(attendance / 2));
    const a2 = r.int(0, attendance - a1);
    const user = r.pick(users);
    const nVol = r.int(0, 5);
    const themePick = [...new Set(Array.from({ length: r.int(1, 3) }, () => r.pick(themes)))];
    const at = domain.year.toZonedIso(created, 'Asia/Shanghai');
    const ev = {
      title: `${r.pick(TITLE_PARTS[0])}${r.pick(TITLE_PARTS[1])}（第${r.int(1, 30)}期）`,
      notes: r.pick(NOTES),
      startAt: domain.year.toZonedIso(startMs, 'Asia/Shanghai'),
      endAt: domain.year.toZonedIso(endMs, 'Asia/Shanghai'),
      format: r.pick(formats),
      venue: r.pick(venues),
      campaign: r.chance(0.3) ? r.pick(campaigns) : null,
      themes: themePick,
      townshipCode: ts.code,
      villageCode: vs.length && r.chance(0.6) ? r.pick(vs) : null,
      venueName: r.chance(0.7) ? `${r.pick(['镇文化站', '村委会广场', '中心小学', '社区服务中心', '县科技馆'])}` : '',
      point: r.chance(0.8)
        ? {
            lat: +(ts.seat[1] + (r.next() - 0.5) * 0.02).toFixed(6),
            lon: +(ts.seat[0] + (r.next() - 0.5) * 0.02).toFixed(6),
            accuracyM: r.int(5, 60),
            source: 'gps',
          }
        : null,
      attendance,
      onlineAttendance: r.chance(0.15) ? r.int(10, 5000) : null,
      audience: [
        { kind: audiences[0], count: a1 },
        { kind: r.pick(audiences.slice(1)), count: a2 },
      ],
      materials: Array.from({ length: r.int(0, 3) }, (_, k) => ({ kind: materials[k], count: r.int(50, 2000) })),
      volunteers: Array.from({ length: nVol }, () => ({ name: r.pick(NAMES), userId: null, hours: r.int(1, 8) })),
      volunteerCount: nVol ? nVol : r.chance(0.5) ? r.int(1, 20) : null,
      partners: r.chance(0.4) ? [r.pick(PARTNERS)] : [],
      distanceKm: r.chance(0.5) ? r.int(1, 80) : null,
      // No photos: blobs travel on their own route, and a push naming a blob the server lacks is refused.
      photos: [],
      status: r.chance(0.8) ? 'reviewed' : 'submitted',
      reviewNote: null,
      reviewedBy: null,
      reviewedAt: null,
      id: domain.ids.createUuidV7(created, r.bytes(16)),
      orgId: 'huidong-kx',
      createdBy: user,
      createdAt: at,
      updatedBy: user,
      updatedAt: at,
      deleted: false,
      rev: 0,
    };
    if (ev.status === 'reviewed') {
      ev.reviewedBy = 'u-staff-01';
      ev.reviewedAt = domain.year.toZonedIso(created + 86_400_000, 'Asia/Shanghai');
    }
    out.push(ev);
  }
  return out;
}

/** Asserts that every generated event passes the domain's own validation (a bench on bad data is worthless). */
export function assertValid(domain, events) {
  for (const e of events) {
    const r = domain.event.validateLedgerEvent(e);
    if (!r.ok) throw new Error(`fixture event ${e.id} invalid: ${JSON.stringify(r.problems)}`);
  }
}

/** The phone's stored row (EventRow): the event plus its calendar keys. */
export function toRow(domain, e) {
  return { ...e, year: domain.year.yearOf(e.startAt, 'Asia/Shanghai'), ym: domain.year.yearMonthOf(e.startAt, 'Asia/Shanghai') };
}

/** The fields a volunteer types (EventContent). */
export function toContent(domain, e) {
  const out = {};
  for (const k of Object.keys(domain.event.eventContentEntries)) out[k] = e[k];
  return out;
}

/** The same event as a PouchDB document. */
export function toPouchDoc(e) {
  const { id, ...rest } = e;
  return { _id: id, ...rest };
}

export { pad };
