/**
 * Issue 14 §2: the narrative says what happened, exactly. The fixture test compares every clause
 * with the seed report's sentence (/work/shared/seed, 二、…七是); each difference is listed with
 * its reason. Then one case per defect seen on the reconstruction.
 */
import { describe, expect, test } from 'vitest';
import type { LedgerEvent } from '../../src/domain/event';
import { buildReport } from '../../src/domain/report';
import { DEFAULT_REPORT_LINES } from '../../src/domain/report-lines';
import { applyClauseEdits, seriesSentence } from '../../src/domain/report-text';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { loadHuidongPack } from '../fixtures/region-pack';
import { seed2023Events } from '../fixtures/seed-2023';

const pack = loadHuidongPack();
const events = seed2023Events('reviewed');
const report = (evs: LedgerEvent[] = events, round = true) => buildReport(evs, [], { year: 2023, reviewedOnly: true, taxonomy: DEFAULT_TAXONOMY, pack, round });
const townCode = (name: string) => pack.townships.find((t) => t.name === name)!.code;
let idn = 0;
const ev = (over: Partial<LedgerEvent>): LedgerEvent => ({ ...events[0]!, id: `00000000-0000-7000-8000-9${String(idn++).padStart(11, '0')}`, ...over });

/** The seed report's clauses, word for word (clause 二 of 重点分析). */
const SEED = [
  '一是在平山街道、九龙峰、吉隆、黄埠、稔山、梁化等镇街开展了以传统文化、科技知识、防灾减灾、应急救护、养生保健、雷锋精神、食品安全等为主题的各类进村、进社区科学普及志愿服务活动24场次',
  '二是在九龙峰平江村、县新时代文明实践中心、宝口镇马山学校、吉隆实验学校、平山第三小学等单位开展科普大篷车进乡村、进社区、进校园巡展活动5场次',
  '三是在黄埠镇王公社区、吉隆镇吉隆中心小学、宝口马山学校、巽寮金融街正泽学校等单位开展2023年益智机械积木拼装公开课7场次',
  '四是在惠东县人民政府大院、广东省惠东绿康西枝家园（惠东县长者服务中心）、平山街道南湖公园、县新时代文明实践中心开展“终身学急求 救护伴我行”急救技术科普活动共4场次',
  '五是开展“热爱科学 崇尚科学”2023年全国科技活动周主题活动3场次',
  '六是开展干冰实验、磁悬浮实验、努利现象实验等实验互动课堂课程5场次',
  '七是营造浓厚2023年“全国科普日”氛围，期间在电视台、电台等媒体播放公益宣传口号，开展2023年惠东县全国科普日广场集中宣传活动2场次，开展“全国科普日”系列活动——科普进社区、进校园活动3场次，活动共派发各类科普宣传小册子、折页、环保袋等资料20000多份，惠及群众3500多',
];

/**
 * Where the app's clause differs from the seed's, and why: applying `seed → app` to the seed's
 * sentence must give the app's clause exactly. Nothing else may differ.
 */
const DIFFERENCES: { clause: number; seed: string; app: string; why: string }[] = [
  {
    clause: 4,
    seed: '县新时代文明实践中心开展',
    app: '县新时代文明实践中心等单位开展',
    why: 'the seed itself is inconsistent: clauses 二 and 三 write 等单位 after a list of places, 四 does not; the app always does',
  },
  { clause: 4, seed: '急求', app: '急救', why: "a typo in the seed; the event's title (the fixture) has 急救" },
  { clause: 4, seed: '活动共4场次', app: '活动4场次', why: 'the seed adds 共 in this clause only; the other six state the count without it' },
  { clause: 6, seed: '努利现象实验', app: '伯努利现象实验', why: "a typo in the seed; the event's title has 伯努利" },
  {
    clause: 7,
    seed: '营造浓厚2023年“全国科普日”氛围，期间在电视台、电台等媒体播放公益宣传口号，',
    app: '',
    why: 'the fixture has no media-format event in 全国科普日 (the data is missing); with them the sentence comes out (test below)',
  },
  { clause: 7, seed: '惠及群众3500多', app: '惠及群众3500多人次', why: 'the seed drops the unit at the end of the clause; the app always writes 人次' },
];

function seedWithDifferences(): string[] {
  return SEED.map((s, i) => DIFFERENCES.filter((d) => d.clause === i + 1).reduce((t, d) => (expect(t).toContain(d.seed), t.replace(d.seed, d.app)), s));
}

describe('the 2023 fixture against the seed report', () => {
  test('every clause equals the seed sentence except the listed, justified differences', () => {
    expect(report().narrative.clauses.map((c) => c.text)).toEqual(seedWithDifferences());
  });

  test('clauses 一, 二, 三 and 五 come out word for word', () => {
    const clauses = report().narrative.clauses.map((c) => c.text);
    for (const i of [0, 1, 2, 4]) expect(clauses[i]).toBe(SEED[i]);
  });

  test('with the media work recorded, clause 七 names it as the seed does', () => {
    const media = [
      ev({
        title: '全国科普日公益宣传口号（电视）',
        format: 'media',
        venue: 'other',
        campaign: 'science-day',
        venueName: '惠东电视台',
        startAt: '2023-09-10T20:40:00+08:00',
        attendance: 0,
        materials: [],
        audience: [],
      }),
      ev({
        title: '全国科普日公益宣传口号（电台）',
        format: 'media',
        venue: 'other',
        campaign: 'science-day',
        venueName: '惠东电台',
        startAt: '2023-09-11T08:15:00+08:00',
        attendance: 0,
        materials: [],
        audience: [],
      }),
    ];
    const seven = report([...events, ...media]).narrative.clauses[6]!.text;
    expect(seven).toBe(SEED[6]!.replace('惠及群众3500多', '惠及群众3500多人次'));
  });
});

describe('the defects seen on the reconstruction (issue 14 §2)', () => {
  test('clause 五 follows its line: one title over two formats says 3, not 1 + 2', () => {
    const mixed = events.map((e, i) => (i === 40 ? { ...e, format: 'square-campaign' } : e));
    expect(mixed[40]!.campaign).toBe('sci-tech-week');
    const five = report(mixed).narrative.clauses.find((c) => c.key === 'line:sci-tech-week')!;
    expect(five.text).toBe('五是开展“热爱科学 崇尚科学”2023年全国科技活动周主题活动3场次');
  });

  test('five schools called 中心小学 in five townships are qualified by township, never merged', () => {
    const towns = ['多祝镇', '白花镇', '铁涌镇', '安墩镇', '高潭镇'];
    const schools = towns.map((t, i) =>
      ev({
        title: `实验课${i}`,
        format: 'experiment-class',
        venue: 'school',
        venueName: '中心小学',
        townshipCode: townCode(t),
        villageCode: null,
        startAt: `2023-0${i + 1}-03T15:00:00+08:00`,
      }),
    );
    const text = report([...events.filter((e) => e.format !== 'experiment-class'), ...schools]).narrative.clauses.find(
      (c) => c.key === 'line:experiment-class',
    )!.text;
    expect(text).toContain('在多祝镇中心小学、白花镇中心小学、铁涌镇中心小学、安墩镇中心小学、高潭镇中心小学等单位开展');
    expect(text).not.toContain('在中心小学');
    // A name already starting with its township is not qualified twice; one school of a name stays as it is.
    const one = report([...events.filter((e) => e.format !== 'experiment-class'), schools[0]!, { ...schools[1]!, venueName: '白花镇中心小学' }]);
    expect(one.narrative.clauses.find((c) => c.key === 'line:experiment-class')!.text).toContain('在中心小学、白花镇中心小学等单位');
  });

  test('the venue words come from the venues the events had (schools → 进校园)', () => {
    const held = events.map((e) => (e.format === 'volunteer-service' ? { ...e, venue: e.venue === 'village' ? 'school' : e.venue } : e));
    const one = report(held).narrative.clauses[0]!.text;
    expect(one).toContain('各类进社区、进校园科学普及志愿服务活动24场次');
    expect(one).not.toContain('进村');
  });

  test('a clause leaves out what is zero: never 派发…0份 or 惠及群众0人次', () => {
    const bare = events.map((e) => ({ ...e, materials: [], attendance: 0, audience: [] }));
    const r = report(bare);
    expect(r.narrative.text).not.toMatch(/[^0-9]0份|[^0-9]0人次/);
    expect(r.narrative.summary).toBe('2023年共开展各类科普活动53场次。');
    const ctx = { taxonomy: DEFAULT_TAXONOMY, pack, round: true };
    expect(seriesSentence(bare, { year: 2023, campaigns: ['science-day'] }, '2023年“全国科普日”系列活动', ctx)).toBe('2023年“全国科普日”系列活动共5场次。');
    const noMaterials = events.map((e) => ({ ...e, materials: [] }));
    expect(seriesSentence(noMaterials, { year: 2023, campaigns: ['science-day'] }, '2023年“全国科普日”系列活动', ctx)).toBe(
      '2023年“全国科普日”系列活动共5场次，活动共惠及群众3500多人次。',
    );
  });

  test('media-format events outside a campaign make the publicity section, not a clause of 二', () => {
    const media = ev({
      title: '科普园地',
      format: 'media',
      venue: 'other',
      campaign: null,
      venueName: '惠东电视台',
      startAt: '2023-03-04T20:40:00+08:00',
      attendance: 0,
      materials: [],
    });
    const r = report([...events, media]);
    expect(r.narrative.clauses).toHaveLength(7);
    expect(r.narrative.clauses.some((c) => c.text.includes('媒体'))).toBe(false);
    expect(r.narrative.publicity).toBe('三、开展科普宣传，完善阵地建设。一是依托电视台媒体，完善了“科普园地”电视节目，每周六晚20：40分在惠东电视台播出。');
    expect(r.narrative.text.split('\n').at(-1)).toBe(r.narrative.publicity);
  });

  test('a staff edit is kept for its year, marked, with the generated text beside it; stale when the numbers change', () => {
    const n = report().narrative;
    const key = n.clauses[4]!.key;
    const edit = { year: 2023, key, text: '五是开展“热爱科学 崇尚科学”主题活动3场次', generated: n.clauses[4]!.generated };
    const edited = applyClauseEdits(n, 2023, [edit, { ...edit, year: 2022, text: '别的年份' }]);
    expect(edited.clauses[4]).toMatchObject({ text: edit.text, generated: n.clauses[4]!.text, edited: true, stale: false });
    expect(edited.activities).toContain('五是开展“热爱科学 崇尚科学”主题活动3场次；六是');
    expect(edited.clauses[3]!.edited).toBe(false);
    // The other year's edit does nothing to 2023.
    expect(applyClauseEdits(n, 2023, [{ ...edit, year: 2022 }])).toBe(n);
    // One more 科技活动周 event: the generated text now says 4, the edit stays and is flagged.
    const more = [...events, ev({ ...events[40]!, id: '00000000-0000-7000-8000-999999999999', startAt: '2023-05-27T09:00:00+08:00' })];
    const later = applyClauseEdits(report(more).narrative, 2023, [edit]);
    expect(later.clauses[4]).toMatchObject({ text: edit.text, edited: true, stale: true });
    expect(later.clauses[4]!.generated).toContain('主题活动4场次');
  });
});

/** The seed's sections 三 (publicity) and 四 (trainings), word for word (重点分析 (1)). */
const SEED_PUBLICITY =
  '三、开展科技进步活动月活动、科普交流活动、“全国科普日”主题活动、购买科普宣传资料、制作、更新科普宣传栏，完善阵地建设。一是依托电台、电视台媒体，完善了“科普大篷车”“科普园地”等电视、电台节目，每周六晚20：40分和周日下午17：15分在惠东电视台播出，每周六、日上午8：15分在惠东电台播出；二是依托县人民政府门户网站设立了“科普园地”专栏，定期更新最新前沿科技、医疗救护防灾减灾等科普内容。三是制作一批科普宣传宣传袋、科普宣传伞等群众喜爱的科普宣传品。';
const SEED_TRAINING =
  '四、组织开展、参加专业素质提升培训活动。为促进我县教师队伍中的科技人才队伍建设，进一步提高科技辅导员和机器人教练员的业务水平，县科协组织各中小学科技辅导员、教练员前往参加“惠州市青少年无人机创新大赛暨模型科普教育竞赛教练员培训班”，“2023年惠州市青少年机器人竞赛专项培训（第一期）暨天宫建设项目技术研讨会”，“2023年惠州市青少年机器人竞赛专项培训（第二期）暨使命召唤项目技术研讨会”，召开4期我县的“科技兴国 人才兴邦”二十大理论宣讲暨青少年机器人教练员培训班、2023年惠东县青少年机器人教练员能力提升培训活动等，提高学校内的科技工作者的科普能力和专业技术水平。';

/** Where the app's section differs from the seed's, and why (applied to the seed's text as above). */
const SECTION_DIFFERENCES: { section: 'publicity' | 'training'; seed: string; app: string; why: string }[] = [
  {
    section: 'publicity',
    seed: '开展科技进步活动月活动、科普交流活动、“全国科普日”主题活动、购买科普宣传资料、制作、更新科普宣传栏，',
    app: '开展科普宣传，',
    why: "the seed's heading lists the year's programme (活动月, 交流, purchases, notice boards), which no publicity event records; the app heads the section with what it states",
  },
  {
    section: 'publicity',
    seed: '最新前沿科技、医疗救护防灾减灾等',
    app: '防灾减灾、应急救护、前沿科技等',
    why: "the web column's contents are the events' themes in the taxonomy's words and order; 最新 and 医疗救护 are the seed's own wording",
  },
  {
    section: 'publicity',
    seed: '科普内容。三是',
    app: '科普内容；三是',
    why: 'the seed ends 二是 with 。 but separates 一是/二是 with ；; the app separates every part with ；',
  },
  { section: 'publicity', seed: '科普宣传宣传袋', app: '科普宣传袋', why: 'a stutter in the seed; the event is titled 制作科普宣传袋、科普宣传伞' },
  {
    section: 'training',
    seed: '能力提升培训活动等，提高',
    app: '能力提升培训活动等，全年共组织、参加培训7期，参训160多人次，提高',
    why: 'the issue asks the section to state the number of 期 and participants (166, written in the report manner as elsewhere); the seed gives neither',
  },
];

describe('the publicity and training sections (issue 14 §4)', () => {
  const at = (day: string, time: string) => `2023-01-${day}T${time}:00+08:00`;
  const base = { venue: 'other', campaign: null, attendance: 0, materials: [], audience: [], themes: [] };
  // 2023-01-07 is a Saturday, 01-08 a Sunday.
  const publicity = [
    ev({ ...base, title: '科普大篷车', format: 'media', venueName: '惠东电台', startAt: at('07', '08:15') }),
    ev({ ...base, title: '科普大篷车', format: 'media', venueName: '惠东电视台', startAt: at('07', '20:40') }),
    ev({ ...base, title: '“科普园地”', format: 'media', venueName: '惠东电台', startAt: at('08', '08:15') }),
    ev({ ...base, title: '科普园地', format: 'media', venueName: '惠东电视台', startAt: at('08', '17:15') }),
    ev({ ...base, title: '科普园地', format: 'media', venueName: '惠东电视台', startAt: '2023-01-14T20:40:00+08:00' }),
    ev({
      ...base,
      title: '科普园地专栏更新',
      format: 'media',
      venueName: '县人民政府门户网站',
      startAt: at('10', '10:00'),
      themes: ['frontier-tech', 'emergency-rescue', 'disaster-prevention'],
    }),
    ev({ ...base, title: '制作科普宣传袋、科普宣传伞', format: 'media', venueName: '县科协', startAt: at('12', '10:00') }),
  ].map((e, i) => (i === 5 ? { ...e, title: '“科普园地”专栏' } : e));
  const training = [
    ['惠州市青少年无人机创新大赛暨模型科普教育竞赛教练员培训班', '2023-03-10', 6],
    ['2023年惠州市青少年机器人竞赛专项培训（第一期）暨天宫建设项目技术研讨会', '2023-04-14', 5],
    ['2023年惠州市青少年机器人竞赛专项培训（第二期）暨使命召唤项目技术研讨会', '2023-05-19', 5],
    ['“科技兴国 人才兴邦”二十大理论宣讲暨青少年机器人教练员培训班', '2023-06-03', 40],
    ['“科技兴国 人才兴邦”二十大理论宣讲暨青少年机器人教练员培训班', '2023-06-10', 40],
    ['“科技兴国 人才兴邦”二十大理论宣讲暨青少年机器人教练员培训班', '2023-06-17', 40],
    ['2023年惠东县青少年机器人教练员能力提升培训活动', '2023-10-21', 30],
  ].map(([title, day, n]) =>
    ev({
      ...base,
      title: title as string,
      format: 'coach-training',
      venue: 'school',
      venueName: '县青少年活动中心',
      startAt: `${day}T09:00:00+08:00`,
      attendance: n as number,
    }),
  );
  const seedWith = (text: string, section: 'publicity' | 'training') =>
    SECTION_DIFFERENCES.filter((d) => d.section === section).reduce((t, d) => (expect(t).toContain(d.seed), t.replace(d.seed, d.app)), text);

  test("each section equals the seed's except the listed, justified differences; clauses 一–七 are untouched", () => {
    const r = report([...events, ...publicity, ...training]).narrative;
    expect(r.publicity).toBe(seedWith(SEED_PUBLICITY, 'publicity'));
    expect(r.training).toBe(seedWith(SEED_TRAINING, 'training'));
    expect(r.clauses.map((c) => c.text)).toEqual(report().narrative.clauses.map((c) => c.text));
    expect(r.text.split('\n').slice(-2)).toEqual([r.publicity, r.training]);
  });

  test('a section comes only with its events, numbered in turn; a part without events and a participant count of 0 are left out', () => {
    expect(report().narrative).toMatchObject({ publicity: '', training: '' });
    const onlyTraining = report([...events, ...training.slice(3).map((e) => ({ ...e, attendance: 0 }))]).narrative;
    expect(onlyTraining.publicity).toBe('');
    expect(onlyTraining.training).toBe(
      '三、组织开展、参加专业素质提升培训活动。为促进我县教师队伍中的科技人才队伍建设，进一步提高科技辅导员和机器人教练员的业务水平，县科协召开4期我县的“科技兴国 人才兴邦”二十大理论宣讲暨青少年机器人教练员培训班、2023年惠东县青少年机器人教练员能力提升培训活动等，全年共组织、参加培训4期，提高学校内的科技工作者的科普能力和专业技术水平。',
    );
    const onlyWeb = report([...events, publicity[5]!]).narrative;
    expect(onlyWeb.publicity).toBe(
      '三、开展科普宣传，完善阵地建设。一是依托县人民政府门户网站设立了“科普园地”专栏，定期更新防灾减灾、应急救护、前沿科技等科普内容。',
    );
  });

  test('media work of a campaign stays in its clause (七), trainings in a report line stay in the line', () => {
    const campaignMedia = { ...publicity[1]!, campaign: 'science-day' };
    const r = report([...events, campaignMedia]).narrative;
    expect(r.publicity).toBe('');
    expect(r.clauses[6]!.text).toContain('期间在电视台等媒体播放公益宣传口号');
    const lines = [...DEFAULT_REPORT_LINES, { ...DEFAULT_REPORT_LINES[1]!, code: 'training', name: '教练员培训', formats: ['coach-training'], phrase: '' }];
    const inLine = buildReport([...events, ...training], [], {
      year: 2023,
      reviewedOnly: true,
      taxonomy: DEFAULT_TAXONOMY,
      pack,
      round: true,
      lines,
    }).narrative;
    expect(inLine.training).toBe('');
    expect(inLine.clauses.at(-1)!.lines).toEqual(['training']);
  });
});
