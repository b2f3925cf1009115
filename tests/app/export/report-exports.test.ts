import { beforeAll, describe, expect, test } from 'vitest';
import { Workbook, type Worksheet } from '@cj-tech-master/excelts';
import JSZip from 'jszip';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { buildReportBundle, type ReportBundle } from '../../../src/app/export/report-bundle';
import { reportXlsxBytes, SHEET_NAMES } from '../../../src/app/export/xlsx';
import { reportDocxBytes } from '../../../src/app/export/docx';
import { eventDetailCsv, UTF8_BOM } from '../../../src/app/export/csv';
import { parseCsvText } from '../../../src/app/import/read-table';
import { DETAIL_HEADERS } from '../../../src/app/export/event-detail';
import { summaryRows, townshipRows, monthRows, targetRows, lineRows, crossRows } from '../../../src/app/export/report-sheets';
import type { Target } from '../../../src/domain/targets';
import { pack, seedLedger } from '../import/seed-ledger';

const target = (i: number, over: Partial<Target>): Target => ({
  year: 2023,
  kind: 'count',
  measure: 'events',
  axis: 'all',
  axisCode: null,
  min: 1,
  level1: '产出指标',
  level2: '数量指标',
  level3: '',
  unit: '场次',
  id: `00000000-0000-7000-9000-${String(i).padStart(12, '0')}`,
  orgId: 'org-huidong',
  createdBy: 'u-staff-1',
  createdAt: '2023-01-02T09:00:00+08:00',
  updatedBy: 'u-staff-1',
  updatedAt: '2023-01-02T09:00:00+08:00',
  deleted: false,
  rev: 0,
  ...over,
});
const TARGETS: Target[] = [
  target(1, { axis: 'format', axisCode: 'caravan', min: 5, level3: '科普大篷车巡展场次' }),
  target(2, { axis: 'campaign', axisCode: 'science-day', min: 10, level3: '全国科普日专题活动场次' }),
  target(3, { measure: 'materials', min: 20000, unit: '份', level3: '发放科普宣传资料' }),
  target(4, { kind: 'coverage', min: 2, level2: '社会效益指标', level3: '每个镇街至少开展活动2场次' }),
];

let bundle: ReportBundle;
beforeAll(async () => {
  const { db } = await seedLedger('reviewed');
  bundle = buildReportBundle(await db.events.toArray(), TARGETS, { year: 2023, reviewedOnly: true, round: true, taxonomy: DEFAULT_TAXONOMY, pack });
});

describe('the 2023 report from the seed fixture imported through the real import path', () => {
  test('counts what the seed report says', () => {
    expect(bundle.report.total.events).toBe(53);
    expect(bundle.report.byFormat.find((r) => r.key === 'volunteer-service')!.tally.events).toBe(24);
    expect(bundle.narrative.clauses[0]!.text).toBe(
      '一是在平山街道、九龙峰、吉隆、黄埠、稔山、梁化等镇街开展了以传统文化、科技知识、防灾减灾、应急救护、养生保健、雷锋精神、食品安全等为主题的各类进村、进社区科学普及志愿服务活动24场次',
    );
    expect(bundle.narrative.clauses[6]!.text.endsWith('资料20000多份，惠及群众3500多人次')).toBe(true);
    expect(bundle.targets.map((t) => [t.goal, t.actual, t.met])).toEqual([
      [5, 5, true],
      [10, 5, false],
      [20000, 28680, true],
      [14, 6, false],
    ]);
  });
});

describe('the XLSX read back with excelts', () => {
  let wb: Workbook;
  const values = (ws: Worksheet) => {
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows;
  };
  beforeAll(async () => {
    wb = new Workbook();
    await wb.xlsx.load(await reportXlsxBytes(bundle));
  });

  test('has the sheets in order', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual([...SHEET_NAMES]);
  });

  test("汇总 carries the screen's totals and breakdowns", () => {
    const rows = values(wb.getWorksheet('汇总')!);
    for (const [label, n] of summaryRows(bundle)) expect(rows.find((r) => r[0] === label)).toEqual([label, n]);
    expect(rows.find((r) => r[0] === '进村/进社区志愿服务')).toEqual(['进村/进社区志愿服务', 24, 3252, 6000]);
    expect(rows.find((r) => r[0] === '全国科普日')).toEqual(['全国科普日', 5, 3530, 20400]);
  });

  test('目标完成情况 has the 自评表 columns and the evaluated numbers', () => {
    const rows = values(wb.getWorksheet('目标完成情况')!);
    const head = rows.findIndex((r) => r[0] === '一级指标');
    expect(rows[head]).toEqual(['一级指标', '二级指标', '三级指标', '单位', '目标值', '实际值', '完成率', '完成情况', '说明']);
    expect(rows.slice(head + 1).map((r) => r.slice(0, 8))).toEqual(targetRows(bundle.targets).map((r) => r.slice(0, 8)));
    expect(rows[head + 3]!.slice(4, 7)).toEqual([20000, 28680, 1.434]);
    expect(String(rows[head + 4]![8])).toContain('白花镇(0)');
  });

  test("按乡镇 and 按月 equal the screen's tables and add up to the year", () => {
    const tw = values(wb.getWorksheet('按乡镇')!);
    expect(tw.slice(1, -1)).toEqual(townshipRows(bundle));
    expect(tw.at(-1)!.slice(0, 4)).toEqual(['合计', 53, 11617, 28680]);
    const mo = values(wb.getWorksheet('按月')!);
    expect(mo.slice(1, -1)).toEqual(monthRows(bundle));
    expect(mo.at(-1)!.slice(0, 4)).toEqual(['合计', 53, 11617, 28680]);
  });

  test('活动明细 has every field and one row per event', () => {
    const rows = values(wb.getWorksheet('活动明细')!);
    expect(rows[0]).toEqual([...DETAIL_HEADERS]);
    expect(rows).toHaveLength(54);
    const sum = (col: string) => rows.slice(1).reduce((s: number, r) => s + Number(r[DETAIL_HEADERS.indexOf(col as (typeof DETAIL_HEADERS)[number])] ?? 0), 0);
    expect([sum('惠及人次'), sum('资料份数')]).toEqual([11617, 28680]);
  });

  test('志愿者名册 lists names and hours per event and no ID number', () => {
    const rows = values(wb.getWorksheet('志愿者名册')!);
    expect(rows[0]).toEqual(['姓名', '活动名称', '活动日期', '服务时长（小时）', '乡镇/街道', '场所名称']);
    expect(rows).toHaveLength(1 + 154);
    expect(rows.slice(1).reduce((s: number, r) => s + Number(r[3]), 0)).toBe(452.5);
    expect(rows.some((r) => r.some((c) => /\d{15}/.test(String(c))))).toBe(false);
  });
  test('keeps the styles: bold title and headers, header fill, widths, frozen header rows, the rate as a percentage', () => {
    const sum = wb.getWorksheet('汇总')!;
    expect(sum.getCell('A1').font).toMatchObject({ bold: true, size: 14 });
    expect(sum.model.merges).toEqual(['A1:D1']);
    expect([1, 2, 3, 4].map((c) => sum.getColumn(c).width)).toEqual([34, 12, 12, 12]);
    const head = sum.getRow(4);
    expect([head.getCell(1).value, head.getCell(1).font?.bold, head.getCell(2).font?.bold]).toEqual(['指标', true, true]);
    expect(head.getCell(1).fill).toEqual({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F0FB' } });
    expect(head.getCell(1).border?.bottom).toEqual({ style: 'thin' });
    const tg = wb.getWorksheet('目标完成情况')!;
    const rate = tg.getRow(4).getCell(7);
    expect([rate.value, rate.numFmt]).toEqual([1, '0.0%']);
    for (const name of ['活动明细', '志愿者名册']) {
      expect(wb.getWorksheet(name)!.views).toEqual([expect.objectContaining({ state: 'frozen', ySplit: 1 })]);
    }
    expect((wb.getWorksheet('按乡镇')!.views ?? []).some((v) => v.state === 'frozen')).toBe(false);
  });

  test('按统计口径 has each report line from its one definition, with the seed numbers, numbers as number cells', () => {
    const ws = wb.getWorksheet('按统计口径')!;
    const rows = values(ws);
    expect(rows[0]![0]).toBe('惠东县2023年科普活动按统计口径统计');
    expect(rows[1]).toEqual(['统计口径：仅计审核通过的活动']);
    expect(rows[2]).toEqual(['统计口径', '定义', '场次', '惠及人次', '资料份数', '同时计入']);
    const body = rows.slice(3, 11);
    expect(body).toEqual(lineRows(bundle));
    expect(body.map((r) => [r[0], r[2]])).toEqual([
      ['进村、进社区志愿服务', 24],
      ['科普大篷车巡展', 5],
      ['益智机械积木拼装公开课', 7],
      ['急救技术科普活动', 4],
      ['全国科技活动周主题活动', 3],
      ['实验互动课堂课程', 5],
      ['全国科普日广场集中宣传活动', 2],
      ['科普日进社区进校园', 3],
    ]);
    expect(body[0]![1]).toBe('活动形式：进村/进社区志愿服务；不含专项：全国科普日');
    expect(ws.getCell('C4').type).toBe(2); // ValueType.Number
    expect(ws.getCell('C4').value).toBe(24);
    expect(String(rows[11]![0])).toContain('一场活动可同时计入多个统计口径');
    expect(ws.getCell('A1').font).toMatchObject({ bold: true, size: 14 });
    expect(ws.getRow(3).getCell(1).font?.bold).toBe(true);
  });

  test('形式×专项 crosses format and campaign, its totals the year', () => {
    const ws = wb.getWorksheet('形式×专项')!;
    const rows = values(ws);
    const cross = crossRows(bundle);
    expect(rows[2]).toEqual(['活动形式 / 专项', '全国科普日', '全国科技活动周', '无专项', '合计']);
    expect(rows.slice(3, -1)).toEqual(cross.rows);
    expect(rows.find((r) => r[0] === '科普讲座/报告会')).toEqual(['科普讲座/报告会', 3, 3, 0, 6]);
    expect(rows.find((r) => r[0] === '进村/进社区志愿服务')).toEqual(['进村/进社区志愿服务', 0, 0, 24, 24]);
    expect(rows.at(-1)).toEqual(['合计', 5, 3, 45, 53]);
    expect(ws.getCell('E4').type).toBe(2);
  });
});

describe('the XLSX as any spreadsheet reads it (its XML, not our library)', () => {
  let zip: JSZip;
  const part = (name: string) => zip.file(name)!.async('string');
  beforeAll(async () => {
    zip = await JSZip.loadAsync(await reportXlsxBytes(bundle));
  });

  test('names the sheets in order and freezes the header of the two long ones', async () => {
    const names = [...(await part('xl/workbook.xml')).matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual([...SHEET_NAMES]);
    const frozen = await Promise.all(
      SHEET_NAMES.map(async (_, i) => /<pane [^>]*ySplit="1"[^>]*state="frozen"/.test(await part(`xl/worksheets/sheet${i + 1}.xml`))),
    );
    expect(frozen).toEqual(SHEET_NAMES.map((n) => n === '活动明细' || n === '志愿者名册'));
  });

  test('merges the title across the table and sets the widths', async () => {
    const sheet1 = await part('xl/worksheets/sheet1.xml');
    expect([...sheet1.matchAll(/<mergeCell ref="([^"]+)"/g)].map((m) => m[1])).toEqual(['A1:D1']);
    expect(sheet1).toMatch(/<col min="1" max="1" width="34"/);
  });

  test('styles the header row bold on the fill and the rate as 0.0%', async () => {
    const styles = await part('xl/styles.xml');
    const fonts = [...styles.match(/<fonts[\s\S]*?<\/fonts>/)![0].matchAll(/<font>[\s\S]*?<\/font>|<font\/>/g)].map((m) => m[0]);
    const fills = [...styles.match(/<fills[\s\S]*?<\/fills>/)![0].matchAll(/<fill>[\s\S]*?<\/fill>/g)].map((m) => m[0]);
    const xfs = [...styles.match(/<cellXfs[\s\S]*?<\/cellXfs>/)![0].matchAll(/<xf [^>]*>/g)].map((m) => m[0]);
    const numFmts = Object.fromEntries([...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]+)"/g)].map((m) => [m[1], m[2]]));
    const attr = (xf: string, a: string) => xf.match(new RegExp(`${a}="(\\d+)"`))?.[1];
    // 汇总 row 4 is the first header row (title, scope, blank line above it).
    const sheet1 = await part('xl/worksheets/sheet1.xml');
    const a4 = xfs[Number(sheet1.match(/<c r="A4" s="(\d+)"/)![1])]!;
    expect(fonts[Number(attr(a4, 'fontId'))]).toContain('<b/>');
    expect(fills[Number(attr(a4, 'fillId'))]).toContain('rgb="FFE8F0FB"');
    const targetSheet = await part(`xl/worksheets/sheet${SHEET_NAMES.indexOf('目标完成情况') + 1}.xml`);
    const g4 = xfs[Number(targetSheet.match(/<c r="G4" s="(\d+)"/)![1])]!;
    expect(numFmts[attr(g4, 'numFmtId')!]).toBe('0.0%');
  });
});

describe('the DOCX read back from word/document.xml', () => {
  let text: string;
  let cells: string[];
  beforeAll(async () => {
    const zip = await JSZip.loadAsync(await reportDocxBytes(bundle));
    const xml = await zip.file('word/document.xml')!.async('string');
    const paras = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => [...m[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
    text = paras.join('\n');
    cells = [...xml.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((m) => [...m[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
  });

  test('has the title, the narrative and the coverage sentence', () => {
    expect(text).toContain('惠东县2023年科普活动统计报告');
    expect(text).toContain(bundle.narrative.activities.replace(/"/g, '&quot;'));
    expect(text).toContain(bundle.narrative.coverage);
    expect(text).toContain('未覆盖镇街（6个）：白花镇、铁涌镇、多祝镇、安墩镇、高潭镇、白盆珠镇');
  });

  test("has the summary, township and target tables with the screen's numbers", () => {
    const at = (label: string) => cells.indexOf(label);
    for (const [label, n] of summaryRows(bundle)) expect(cells[at(label) + 1]).toBe(String(n));
    const ps = at('平山街道');
    expect(cells.slice(ps, ps + 7)).toEqual(townshipRows(bundle)[0]!.map(String));
    const caravan = at('科普大篷车巡展场次');
    expect(cells.slice(caravan + 2, caravan + 6)).toEqual(['5', '5', '100%', '已完成']);
  });
});

describe('the detail CSV', () => {
  test('starts with the UTF-8 BOM and its Chinese survives a round trip', async () => {
    const blob = await eventDetailCsv(bundle);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    const rows = parseCsvText(text);
    expect(rows[0]).toEqual([...DETAIL_HEADERS]);
    expect(rows).toHaveLength(54);
    const first = rows[1]!;
    expect([first[1], first[4], first[8], first[10]]).toEqual(['传统文化科普进社区志愿服务', '进村/进社区志愿服务', '平山街道', '平山街道南湖社区']);
    const fa = rows.find((r) => r[1] === '“终身学急救 救护伴我行”急救技术科普活动')!;
    expect(fa[10]).toBe('惠东县人民政府大院');
  });
});

describe('wall times in the files', () => {
  test("are the region's clock time whatever offset the stamp was written with", async () => {
    const { wallTime } = await import('../../../src/app/export/event-detail');
    expect(wallTime('2023-12-31T15:30:00Z', 'Asia/Shanghai')).toBe('2023-12-31 23:30');
    expect(wallTime('2023-05-20T09:00:00+08:00', 'Asia/Shanghai')).toBe('2023-05-20 09:00');
    expect(wallTime('2023-07-01T12:00:00Z', 'Europe/Berlin')).toBe('2023-07-01 14:00');
    expect(wallTime('2023-01-01T12:00:00Z', 'Europe/Berlin')).toBe('2023-01-01 13:00');
    expect(wallTime(null, 'Asia/Shanghai')).toBe('');
  });
});
