/**
 * The scored 整体绩效自评表 as rows and as an XLSX sheet: 一级指标 | 二级指标 | 三级指标 | 分值 |
 * 指标值 | 实际完成值 | 得分 | 偏差原因及改进措施, a 小计 per 一级指标 and the 合计 ("100 | 93.5"). 分值 and
 * 得分 are number cells; 一级/二级指标 cells of consecutive rows are merged as the paper table
 * does. The rows are shared with the DOCX and print table (report-document.ts selfEval). Scored by domain/self-eval.ts
 * from the bundle's target evaluations, as the screen scores them.
 */
import type { Worksheet } from '@cj-tech-master/excelts';
import { buildSelfEval, type SelfEvalRow, type SelfEvalTable } from '../../domain/self-eval';
import type { ReportBundle } from './report-bundle';
import type { Cell } from './report-sheets';

export const SELF_EVAL_SHEET = '整体绩效自评表';
export const SELF_EVAL_HEADERS = ['一级指标', '二级指标', '三级指标', '分值', '指标值', '实际完成值', '得分', '偏差原因及改进措施'] as const;

/** 得分 as a cell: the number, 待评分 while the manual rule has none, — without 分值. */
function scoreCell(r: SelfEvalRow): Cell {
  if (r.weight === null) return '—';
  return r.score === null ? '待评分' : r.score;
}

/** The deviation column: staff's text, with the evidence of a manual value after it. */
function deviationCell(r: SelfEvalRow): string {
  const text = r.deviation.trim();
  const evidence = r.target.source === 'manual' && r.target.evidence ? `佐证：${r.target.evidence.trim()}` : '';
  if (text === '' || evidence === '') return text + evidence;
  return /[。；;.]$/.test(text) ? `${text}${evidence}` : `${text}；${evidence}`;
}

/** A table row of the body. */
export interface SelfEvalSheetRow {
  readonly kind: 'row' | 'total';
  readonly cells: Cell[];
}

/** The body: one row per indicator, then 合计. */
export function selfEvalRows(t: SelfEvalTable): SelfEvalSheetRow[] {
  const rows: SelfEvalSheetRow[] = t.rows.map((r) => ({
    kind: 'row',
    cells: [r.target.level1, r.target.level2, r.target.level3, r.weight ?? '—', r.goalText, r.actualText, scoreCell(r), deviationCell(r)],
  }));
  rows.push({ kind: 'total', cells: ['合计', '', '', t.weight, '', '', t.score, t.unscored > 0 ? `另有${t.unscored}项待评分` : ''] });
  return rows;
}

/** The 一级指标 subtotals line: "预算编制 23/23；预算执行 39.5/43；…". */
export function selfEvalGroupsText(t: SelfEvalTable): string {
  return t.groups.map((g) => `${g.level1 || '（未分类）'}${g.score}/${g.weight}分`).join('；');
}

/** Runs of equal values in a column of the indicator rows: [first, last] indexes, length ≥ 2. */
export function mergeRuns(rows: readonly SelfEvalSheetRow[], col: number): [number, number][] {
  const runs: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    const same =
      i < rows.length &&
      rows[i]!.kind === 'row' &&
      rows[start]!.kind === 'row' &&
      rows[i]!.cells[col] === rows[start]!.cells[col] &&
      (col === 0 || rows[i]!.cells[0] === rows[start]!.cells[0]);
    if (!same) {
      if (i - 1 > start) runs.push([start, i - 1]);
      start = i;
    }
  }
  return runs;
}

/** Fills the sheet (an entry of xlsx.ts SHEETS). */
export function fillSelfEvalSheet(ws: Worksheet, { b, scope }: { readonly b: ReportBundle; readonly scope: string }): void {
  [12, 14, 30, 8, 14, 14, 8, 40].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const title = ws.addRow([`${b.regionName}${b.year}年整体绩效自评表`]);
  title.font = { bold: true, size: 14 };
  ws.mergeCells(title.number, 1, title.number, SELF_EVAL_HEADERS.length);
  ws.addRow([scope]);
  const head = ws.addRow([...SELF_EVAL_HEADERS]);
  head.font = { bold: true };
  head.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F0FB' } };
    c.border = { bottom: { style: 'thin' } };
  });
  const table = buildSelfEval(b.targets);
  const rows = selfEvalRows(table);
  const first = head.number + 1;
  for (const r of rows) {
    const row = ws.addRow(r.cells);
    row.alignment = { vertical: 'middle', wrapText: true };
    if (r.kind === 'total') row.font = { bold: true };
  }
  for (const col of [0, 1]) for (const [a, z] of mergeRuns(rows, col)) ws.mergeCells(first + a, col + 1, first + z, col + 1);
  ws.addRow([]);
  ws.addRow([`自评结论：${table.score}分（${selfEvalGroupsText(table)}）`]);
}
