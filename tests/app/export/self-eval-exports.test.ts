/**
 * The scored 整体绩效自评表 in the exports: the XLSX sheet read back with excelts (values and
 * types) and the DOCX table read back from word/document.xml, on the seed ledger imported through
 * the real path with the seed's indicators (tests/fixtures/self-eval-2023.ts): total 93.5.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { Workbook, ValueType, type Worksheet } from '@cj-tech-master/excelts';
import JSZip from 'jszip';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { buildReportBundle, type ReportBundle } from '../../../src/app/export/report-bundle';
import { reportXlsxBytes, SHEET_NAMES } from '../../../src/app/export/xlsx';
import { reportDocxBytes } from '../../../src/app/export/docx';
import { mergeRuns, SELF_EVAL_HEADERS, SELF_EVAL_SHEET, selfEvalRows } from '../../../src/app/export/self-eval-sheet';
import { buildSelfEval } from '../../../src/domain/self-eval';
import { seedIndicators } from '../../fixtures/self-eval-2023';
import { pack, seedLedger } from '../import/seed-ledger';

let bundle: ReportBundle;
beforeAll(async () => {
  const { db } = await seedLedger('reviewed');
  bundle = buildReportBundle(await db.events.toArray(), seedIndicators(), { year: 2023, reviewedOnly: true, round: true, taxonomy: DEFAULT_TAXONOMY, pack });
});

describe('the 整体绩效自评表 sheet read back with excelts', () => {
  let ws: Worksheet;
  const values = (w: Worksheet) => {
    const rows: unknown[][] = [];
    w.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows;
  };
  beforeAll(async () => {
    const wb = new Workbook();
    await wb.xlsx.load(await reportXlsxBytes(bundle));
    expect(wb.worksheets.map((w) => w.name)).toEqual([...SHEET_NAMES]);
    expect(SHEET_NAMES.at(-1)).toBe(SELF_EVAL_SHEET);
    ws = wb.getWorksheet(SELF_EVAL_SHEET)!;
  });

  test('has the title, the usual columns and one row per indicator, 分值 and 得分 as numbers', () => {
    const rows = values(ws);
    expect(rows[0]![0]).toBe('惠东县2023年整体绩效自评表');
    expect(rows[2]).toEqual([...SELF_EVAL_HEADERS]);
    expect(rows[3]).toEqual(['预算编制', '预算编制', '预算编制完整性与规范性', 23, '100%', '100%', 23, '佐证：2023年部门决算报表（档案号 2024-01）']);
    const spend = rows.find((r) => r[2] === '部门预算资金支出率')!;
    expect(spend.slice(2)).toEqual([
      '部门预算资金支出率',
      9,
      '100%',
      '98.6%',
      8.5,
      '无转移支付调分，扣0.5分；加快资金支出进度。佐证：2023年部门决算报表（档案号 2024-01）',
    ]);
    const volunteer = rows.find((r) => r[2] === '进村、进社区志愿服务场次')!;
    expect(volunteer.slice(3, 7)).toEqual([5, '≥24场次', '24场次', 5]);
    const xinfang = rows.find((r) => r[2] === '群众信访办理情况')!;
    expect(xinfang.slice(3, 7)).toEqual([3, '按时办结率100%', '未取得', 0]);
    const r = rows.findIndex((x) => x[2] === '政府采购执行率') + 1;
    expect(ws.getRow(r).getCell(4).type).toBe(ValueType.Number);
    expect(ws.getRow(r).getCell(7).type).toBe(ValueType.Number);
    expect(ws.getRow(r).getCell(7).value).toBe(1);
  });

  test('totals 93.5 of 100 in number cells, with the conclusion line naming each 一级指标', () => {
    const rows = values(ws);
    const total = rows.findIndex((r) => r[0] === '合计');
    expect(rows[total]!.slice(0, 7)).toEqual(['合计', '', '', 100, '', '', 93.5]);
    const cell = ws.getRow(total + 1).getCell(7);
    expect([cell.type, cell.value]).toEqual([ValueType.Number, 93.5]);
    expect(ws.getRow(total + 1).font?.bold).toBe(true);
    expect(rows.at(-1)).toEqual(['自评结论：93.5分（预算编制23/23分；预算执行39.5/43分；预算使用效益31/34分）']);
  });

  test('merges the title and the 一级/二级指标 cells of consecutive rows', () => {
    const merges = ws.model.merges;
    expect(merges).toContain('A1:H1');
    // 预算执行 spans rows 5–10 (资金管理 5–8); 预算使用效益 rows 11–18 (履职效能 11–16, 社会效应 17–18).
    expect(merges).toEqual(expect.arrayContaining(['A5:A10', 'B5:B8', 'A11:A18', 'B11:B16', 'B17:B18']));
    expect(mergeRuns(selfEvalRows(buildSelfEval(bundle.targets)), 0)).toEqual([
      [1, 6],
      [7, 14],
    ]);
  });
});

describe('the 整体绩效自评表 DOCX table', () => {
  let text: string;
  let cells: string[];
  beforeAll(async () => {
    const zip = await JSZip.loadAsync(await reportDocxBytes(bundle));
    const xml = await zip.file('word/document.xml')!.async('string');
    const paras = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => [...m[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
    text = paras.join('\n');
    cells = [...xml.matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((m) => [...m[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
  });

  test('has its heading, the usual columns, the rows with their scores and the total', () => {
    // A section of the document model (report-document.ts), numbered among the others, with its table's caption.
    expect(text).toMatch(/^[一二三四五六七八九十]+、整体绩效自评$/m);
    expect(text).toMatch(/^表\d+　整体绩效自评表$/m);
    const head = cells.lastIndexOf('偏差原因及改进措施');
    expect(cells.slice(head - 7, head + 1)).toEqual([...SELF_EVAL_HEADERS]);
    // The 目标完成情况 table comes first; the 自评表 is the last table.
    const buy = cells.lastIndexOf('政府采购执行率');
    expect(cells.slice(buy, buy + 5)).toEqual(['政府采购执行率', '2', '100%', '50%', '1']);
    const xinfang = cells.lastIndexOf('群众信访办理情况');
    expect(cells.slice(xinfang, xinfang + 5)).toEqual(['群众信访办理情况', '3', '按时办结率100%', '未取得', '0']);
    const total = cells.lastIndexOf('合计');
    expect(cells.slice(total, total + 7)).toEqual(['合计', '', '', '100', '', '', '93.5']);
    expect(text).toContain('自评结论：93.5分（预算编制23/23分；预算执行39.5/43分；预算使用效益31/34分）。');
  });
});
