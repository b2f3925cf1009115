// Issue 14 §5, the files read back: XLSX date cells and names (excelts and the raw XML), the
// 报告正文 sheet, the CSV's names, and the DOCX's page, fonts and sizes in its XML (fflate).
import { beforeAll, describe, expect, test } from 'vitest';
import { Workbook, type Worksheet } from '@cj-tech-master/excelts';
import { strFromU8, unzipSync } from 'fflate';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import type { LedgerEvent } from '../../../src/domain/event';
import { buildReportBundle, type ReportBundle } from '../../../src/app/export/report-bundle';
import { DATE_FORMAT, DATE_TIME_FORMAT, reportXlsxBytes, SHEET_NAMES } from '../../../src/app/export/xlsx';
import { reportDocxBytes, OFFICIAL_PAGE, mmToTwip } from '../../../src/app/export/docx';
import { eventDetailCsv } from '../../../src/app/export/csv';
import { parseCsvText } from '../../../src/app/import/read-table';
import { DETAIL_HEADERS, wallDate, wallTime, chineseDate } from '../../../src/app/export/event-detail';
import { narrativeRows } from '../../../src/app/export/report-sheets';
import { reportDocument, signatureIndents, DOC_SECTIONS } from '../../../src/app/export/report-document';
import { mergeNames, namesFromImports, peopleOf, personName, reviewerName, THIS_DEVICE, UNKNOWN_PERSON } from '../../../src/app/export/people';
import { pack, seedLedger, SEED_BATCH } from '../import/seed-ledger';

const VALUE_DATE = 4; // excelts ValueType.Date
const VALUE_NUMBER = 2;
const col = (h: (typeof DETAIL_HEADERS)[number]) => DETAIL_HEADERS.indexOf(h) + 1;
const ISSUED = Date.parse('2024-01-15T10:00:00+08:00');

let events: LedgerEvent[];
let bundle: ReportBundle;
beforeAll(async () => {
  const { db } = await seedLedger('reviewed');
  events = await db.events.toArray();
  bundle = buildReportBundle(events, [], {
    year: 2023,
    reviewedOnly: true,
    round: true,
    taxonomy: DEFAULT_TAXONOMY,
    pack,
    orgName: '惠东县科学技术协会',
    issuedAt: ISSUED,
  });
});

describe('people by name, never by id', () => {
  test('the importer approves what it imports as approved, and the batch names them', () => {
    expect(events).toHaveLength(53);
    for (const e of events) {
      expect([e.status, e.createdBy, e.reviewedBy, e.reviewedAt]).toEqual(['reviewed', 'u-staff-1', 'u-staff-1', e.createdAt]);
    }
    expect(peopleOf(bundle).names.get('u-staff-1')).toBe(SEED_BATCH.by);
  });

  test('a name the phone knows wins over the batch; unknown ids, no id and this phone read as words', () => {
    const names = mergeNames(new Map([['u-staff-1', '李审核']]), namesFromImports(events));
    expect(personName(names, 'u-staff-1')).toBe('李审核');
    expect(personName(names, 'u-other')).toBe(UNKNOWN_PERSON);
    expect(personName(names, '')).toBe(THIS_DEVICE);
    expect(personName(names, null)).toBe('');
  });

  test('an approved row imported before imports recorded a reviewer names its importer', () => {
    const legacy = { ...events[0]!, reviewedBy: null, reviewedAt: null };
    expect(reviewerName(legacy, new Map())).toBe(SEED_BATCH.by);
    expect(reviewerName({ ...legacy, status: 'submitted' }, new Map())).toBe('');
    expect(reviewerName({ ...legacy, importBatch: undefined }, new Map())).toBe('');
  });
});

describe('the XLSX', () => {
  let wb: Workbook;
  let detail: Worksheet;
  beforeAll(async () => {
    wb = new Workbook();
    await wb.xlsx.load(await reportXlsxBytes(bundle));
    detail = wb.getWorksheet('活动明细')!;
  });

  test('has 报告正文 second, one paragraph a row in the narrative order', () => {
    expect(SHEET_NAMES.slice(0, 2)).toEqual(['汇总', '报告正文']);
    const ws = wb.getWorksheet('报告正文')!;
    const rows: unknown[][] = [];
    ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    expect(rows[0]![0]).toBe('惠东县2023年科普工作情况（报告正文）');
    expect(rows[2]).toEqual(['段落', '正文', '说明']);
    const body = rows.slice(3).map((r) => [r[0], r[1]]);
    expect(body).toEqual(narrativeRows(bundle).map((r) => [r[0], r[1]]));
    expect(body[0]![1]).toBe(bundle.narrative.summary);
    expect(body.slice(1, -1).map((r) => r[1])).toEqual(bundle.narrative.clauses.map((c, i, all) => `${c.text}${i === all.length - 1 ? '。' : '；'}`));
    expect(body.at(-1)![1]).toBe(bundle.narrative.coverage);
    // The clauses joined are the narrative the DOCX prints.
    expect(
      body
        .slice(1, -1)
        .map((r) => r[1])
        .join(''),
    ).toBe(bundle.narrative.activities);
    expect(ws.getCell('B4').alignment).toMatchObject({ wrapText: true });
  });

  test('活动明细 writes times as date cells in the region clock, with a date format', () => {
    for (const [i, e] of bundle.events.entries()) {
      const row = detail.getRow(i + 2);
      for (const [h, iso] of [
        ['开始时间', e.startAt],
        ['结束时间', e.endAt],
        ['审核时间', e.reviewedAt],
        ['填报时间', e.createdAt],
      ] as const) {
        const cell = row.getCell(col(h));
        expect(cell.type).toBe(VALUE_DATE);
        expect(cell.numFmt).toBe(DATE_TIME_FORMAT);
        expect((cell.value as Date).toISOString().slice(0, 16).replace('T', ' ')).toBe(wallTime(iso, 'Asia/Shanghai'));
      }
    }
    expect(detail.getRow(2).getCell(col('惠及人次')).type).toBe(VALUE_NUMBER);
  });

  test('活动明细 names 填报人 and 审核人, never an id', () => {
    for (let r = 2; r <= 54; r++) {
      expect(detail.getRow(r).getCell(col('填报人')).value).toBe('王科协');
      expect(detail.getRow(r).getCell(col('审核人')).value).toBe('王科协');
    }
    const ids = new Set(events.flatMap((e) => [e.createdBy, e.reviewedBy]));
    detail.eachRow((row) => row.eachCell((c) => expect(ids.has(String(c.value))).toBe(false)));
  });

  test('志愿者名册 dates are date cells (a day)', () => {
    const ro = wb.getWorksheet('志愿者名册')!;
    const cell = ro.getCell('C2');
    expect([cell.type, cell.numFmt]).toEqual([VALUE_DATE, DATE_FORMAT]);
    expect((cell.value as Date).toISOString()).toMatch(/^2023-\d\d-\d\dT00:00:00\.000Z$/);
  });

  test('in the XML a date is a number with a date style, not text', async () => {
    const files = unzipSync(await reportXlsxBytes(bundle));
    const sheet = strFromU8(files[`xl/worksheets/sheet${SHEET_NAMES.indexOf('活动明细') + 1}.xml`]!);
    const styles = strFromU8(files['xl/styles.xml']!);
    const c2 = sheet.match(/<c r="C2"([^>]*)>([\s\S]*?)<\/c>/)!;
    expect(c2[1]).not.toMatch(/t="(s|str|inlineStr)"/);
    const serial = Number(c2[2]!.match(/<v>([^<]+)<\/v>/)![1]);
    const wall = wallDate(bundle.events[0]!.startAt, 'Asia/Shanghai') as Date;
    expect(serial).toBeCloseTo(wall.getTime() / 86_400_000 + 25_569, 6);
    const xf = [...styles.match(/<cellXfs[\s\S]*?<\/cellXfs>/)![0].matchAll(/<xf [^>]*>/g)][Number(c2[1]!.match(/s="(\d+)"/)![1])]![0];
    const fmtId = xf.match(/numFmtId="(\d+)"/)![1];
    expect(styles).toContain(`<numFmt numFmtId="${fmtId}" formatCode="${DATE_TIME_FORMAT}"/>`);
  });
});

describe('the CSV', () => {
  test('names 填报人 and 审核人 and writes times as the region clock', async () => {
    const rows = parseCsvText(new TextDecoder().decode(new Uint8Array(await (await eventDetailCsv(bundle)).arrayBuffer())));
    const first = rows[1]!;
    expect(first[col('填报人') - 1]).toBe('王科协');
    expect(first[col('审核人') - 1]).toBe('王科协');
    expect(first[col('开始时间') - 1]).toBe(wallTime(bundle.events[0]!.startAt, 'Asia/Shanghai'));
  });
});

describe('wall dates', () => {
  test('carry the region clock in their UTC fields', () => {
    expect((wallDate('2023-12-31T15:30:00Z', 'Asia/Shanghai') as Date).toISOString()).toBe('2023-12-31T23:30:00.000Z');
    expect((wallDate('2023-07-01T12:00:00Z', 'Europe/Berlin') as Date).toISOString()).toBe('2023-07-01T14:00:00.000Z');
    expect(wallDate(null, 'Asia/Shanghai')).toBe('');
    expect(chineseDate(Date.parse('2024-01-14T16:30:00Z'), 'Asia/Shanghai')).toBe('2024年1月15日');
  });
});

describe('the document model', () => {
  test('numbers sections, sub-headings and tables, and ends with the 落款', () => {
    const doc = reportDocument(bundle);
    expect(doc.sections.map((s) => s.heading)).toEqual(['一、总体情况', '二、活动开展情况', '三、镇街覆盖情况', '四、绩效目标完成情况']);
    // The optional sections (publicity, training, awards, 自评表, 群众意见) are left out without their data;
    // given it, a section takes the next number.
    expect(DOC_SECTIONS.length).toBe(9);
    const withFeedback = reportDocument({ ...bundle, feedbackSentence: '全年通过群众意见反映渠道收到意见建议2条，均在规定时限内办理答复。' });
    expect(withFeedback.sections.at(-1)).toEqual({
      id: 'feedback',
      heading: '五、群众意见办理情况',
      blocks: [{ kind: 'para', text: '全年通过群众意见反映渠道收到意见建议2条，均在规定时限内办理答复。' }],
    });
    const h2 = doc.sections.flatMap((s) => s.blocks.filter((b) => b.kind === 'h2').map((b) => (b as { text: string }).text));
    expect(h2).toEqual(['（一）按统计口径统计', '（二）按活动形式与专项统计']);
    const captions = doc.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'table' ? [b.caption] : [])));
    expect(captions.map((c) => c.split('　')[0])).toEqual(['表1', '表2', '表3', '表4']);
    expect(doc.signature).toEqual({ org: '惠东县科学技术协会', date: '2024年1月15日' });
    // 落款: the date 右空四字, the (longer) organisation centred over it.
    expect(signatureIndents(doc.signature)).toEqual({ date: 4, org: 4 + (6.5 - 9) / 2 });
    expect(signatureIndents({ org: '科协', date: '2024年12月15日' })).toEqual({ date: 2, org: 2 + (7 - 2) / 2 });
  });
});

describe('the DOCX XML', () => {
  let files: Record<string, Uint8Array>;
  const part = (name: string) => strFromU8(files[name]!);
  beforeAll(async () => {
    files = unzipSync(await reportDocxBytes(bundle));
  });

  test('an A4 page with the 天头 37 mm and 订口 28 mm of GB/T 9704', () => {
    const sect = part('word/document.xml').match(/<w:sectPr[\s\S]*?<\/w:sectPr>/)![0];
    expect(sect).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const margin = Object.fromEntries([...sect.match(/<w:pgMar [^>]*>/)![0].matchAll(/w:(\w+)="(\d+)"/g)].map((m) => [m[1], Number(m[2])]));
    expect(margin).toMatchObject({ top: mmToTwip(37), left: mmToTwip(28), right: mmToTwip(26), bottom: mmToTwip(35) });
    expect([margin.top, margin.left]).toEqual([2098, 1587]);
    // 版心 156 mm × 225 mm.
    expect(Math.abs(11906 - margin.left! - margin.right! - mmToTwip(156))).toBeLessThanOrEqual(2);
    expect(Math.abs(16838 - margin.top! - margin.bottom! - mmToTwip(225))).toBeLessThanOrEqual(2);
    expect(OFFICIAL_PAGE.footer).toBeLessThan(margin.bottom!);
  });

  test('body 3号 仿宋_GB2312 at a fixed 28.95 pt; title 2号 方正小标宋简体; headings 黑体 and 楷体_GB2312', () => {
    const styles = part('word/styles.xml');
    const defaults = styles.match(/<w:docDefaults>[\s\S]*?<\/w:docDefaults>/)![0];
    expect(defaults).toMatch(/<w:rFonts [^>]*w:eastAsia="仿宋_GB2312"/);
    expect(defaults).toMatch(/<w:sz w:val="32"\/>/);
    expect(defaults).toMatch(/<w:spacing [^>]*w:line="579" w:lineRule="exact"|<w:spacing [^>]*w:lineRule="exact"[^>]*w:line="579"/);
    const style = (id: string) => styles.match(new RegExp(`<w:style [^>]*w:styleId="${id}"[\\s\\S]*?</w:style>`))![0];
    expect(style('Title')).toMatch(/w:eastAsia="方正小标宋简体"/);
    expect(style('Title')).toMatch(/<w:sz w:val="44"\/>/);
    expect(style('Heading1')).toMatch(/w:eastAsia="黑体"/);
    expect(style('Heading1')).toMatch(/<w:sz w:val="32"\/>/);
    expect(style('Heading2')).toMatch(/w:eastAsia="楷体_GB2312"/);
    expect(style('Heading2')).toMatch(/<w:sz w:val="32"\/>/);
    const fonts = part('word/fontTable.xml');
    expect(fonts).toContain('<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>');
    expect(fonts).toContain('<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>');
  });

  test('page numbers — PAGE — in 4号 宋体, odd pages right, even pages left', () => {
    expect(part('word/settings.xml')).toContain('<w:evenAndOddHeaders/>');
    const doc = part('word/document.xml');
    const rel = part('word/_rels/document.xml.rels');
    const footer = (type: string) => {
      const id = doc.match(new RegExp(`<w:footerReference w:type="${type}" r:id="(\\w+)"`))![1];
      return part(`word/${rel.match(new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`))?.[1] ?? rel.match(new RegExp(`Target="([^"]+)"[^>]*Id="${id}"`))![1]}`);
    };
    for (const [type, jc] of [
      ['default', 'right'],
      ['even', 'left'],
    ] as const) {
      const f = footer(type);
      expect(f).toContain(`<w:jc w:val="${jc}"/>`);
      expect(f).toMatch(/PAGE/);
      expect(f).toMatch(/<w:t xml:space="preserve">— <\/w:t>/);
      expect(f).toMatch(/<w:t xml:space="preserve"> —<\/w:t>/);
      expect(f).toMatch(/w:eastAsia="宋体"/);
      expect(f).toMatch(/<w:sz w:val="28"\/>/);
    }
  });

  test('the text: title, headings as heading styles, narrative, the 落款 last and right-aligned', () => {
    const doc = part('word/document.xml');
    const paras = [...doc.matchAll(/<w:p>[\s\S]*?<\/w:p>|<w:p [\s\S]*?<\/w:p>/g)].map((m) => ({
      xml: m[0],
      text: [...m[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
    }));
    const withText = paras.filter((p) => p.text !== '');
    expect(withText[0]!.text).toBe('惠东县2023年科普活动统计报告');
    expect(withText[0]!.xml).toContain('<w:pStyle w:val="Title"/>');
    expect(withText.filter((p) => p.xml.includes('<w:pStyle w:val="Heading1"/>')).map((p) => p.text)).toEqual(
      reportDocument(bundle).sections.map((s) => s.heading),
    );
    expect(withText.some((p) => p.text === bundle.narrative.activities.replace(/"/g, '&quot;'))).toBe(true);
    const [org, date] = withText.slice(-2);
    expect([org!.text, date!.text]).toEqual(['惠东县科学技术协会', '2024年1月15日']);
    for (const p of [org!, date!]) expect(p.xml).toContain('<w:jc w:val="right"/>');
    expect(date!.xml).toMatch(/<w:ind w:right="1280"\/>/);
  });
});
