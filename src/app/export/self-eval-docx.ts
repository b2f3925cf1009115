/**
 * The scored 整体绩效自评表 as a DOCX table in the usual layout (一级指标 | 二级指标 | 三级指标 | 分值 |
 * 指标值 | 实际完成值 | 得分 | 偏差原因及改进措施), 一级/二级指标 merged down their rows, the 合计 row and
 * the 自评结论 line. The rows are the XLSX sheet's (self-eval-sheet.ts). The docx module comes
 * from the caller, which loads it only when asked.
 */
import type { Paragraph as ParagraphT, Table as TableT } from 'docx';
import { buildSelfEval } from '../../domain/self-eval';
import type { ReportBundle } from './report-bundle';
import { mergeRuns, SELF_EVAL_HEADERS, selfEvalGroupsText, selfEvalRows } from './self-eval-sheet';

type Docx = typeof import('docx');

/** The table's title, the table and the conclusion, to put in a document's body; none when no target has 分值. */
export function selfEvalDocxBlocks(d: Docx, b: ReportBundle, headingText = '五、整体绩效自评表'): (ParagraphT | TableT)[] {
  const { Paragraph, TextRun, Table, TableRow, TableCell, HeadingLevel, WidthType, AlignmentType, VerticalMergeType, VerticalAlign } = d;
  const scored = buildSelfEval(b.targets);
  if (scored.weight === 0) return [];
  const rows = selfEvalRows(scored);
  // Which cells of columns 0 and 1 start or continue a merged run.
  const merge = new Map<string, 'restart' | 'continue'>();
  for (const col of [0, 1]) {
    for (const [a, z] of mergeRuns(rows, col)) {
      merge.set(`${a}:${col}`, 'restart');
      for (let i = a + 1; i <= z; i++) merge.set(`${i}:${col}`, 'continue');
    }
  }
  const cell = (text: string, opts: { bold?: boolean; right?: boolean; merge?: 'restart' | 'continue' } = {}) =>
    new TableCell({
      verticalAlign: VerticalAlign.CENTER,
      ...(opts.merge ? { verticalMerge: opts.merge === 'restart' ? VerticalMergeType.RESTART : VerticalMergeType.CONTINUE } : {}),
      children: [
        new Paragraph({
          alignment: opts.right ? AlignmentType.RIGHT : AlignmentType.LEFT,
          children: opts.merge === 'continue' ? [] : [new TextRun({ text, bold: opts.bold, size: 21 })],
        }),
      ],
    });
  const table = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: SELF_EVAL_HEADERS.map((h) => cell(h, { bold: true })) }),
      ...rows.map(
        (r, i) =>
          new TableRow({
            children: r.cells.map((c, col) => cell(String(c), { bold: r.kind === 'total', right: typeof c === 'number', merge: merge.get(`${i}:${col}`) })),
          }),
      ),
    ],
  });
  return [
    new Paragraph({ heading: HeadingLevel.HEADING_2, spacing: { before: 240, after: 120 }, children: [new TextRun({ text: headingText })] }),
    table,
    new Paragraph({
      spacing: { before: 120, after: 120 },
      children: [new TextRun({ text: `自评结论：${scored.score}分（${selfEvalGroupsText(scored)}）。` })],
    }),
  ];
}
