/**
 * The year's report as a Word document (docx, loaded only when asked): title, summary table,
 * the narrative, the township coverage table with the list of townships not reached, and the
 * targets table. Numbers come from the same report bundle as the screen.
 */
import type { Paragraph as ParagraphT, Table as TableT } from 'docx';
import type { ReportBundle } from './report-bundle';
import { TARGET_HEADERS, TOWNSHIP_HEADERS, rateText, summaryRows, targetRows, townshipRows, type Cell } from './report-sheets';
import { selfEvalDocxBlocks } from './self-eval-docx';

/** Builds the document's bytes (a .docx zip). */
export async function reportDocxBytes(b: ReportBundle): Promise<Uint8Array> {
  const d = await import('docx');
  const { Document, Packer, Paragraph, TextRun, Table, TableRow, TableCell, HeadingLevel, WidthType, AlignmentType } = d;

  const para = (text: string, opts: { bold?: boolean } = {}) =>
    new Paragraph({ spacing: { after: 120, line: 360 }, indent: { firstLine: 480 }, children: [new TextRun({ text, bold: opts.bold })] });
  const heading = (text: string) => new Paragraph({ heading: HeadingLevel.HEADING_2, spacing: { before: 240, after: 120 }, children: [new TextRun({ text })] });
  const cell = (c: Cell, bold = false) =>
    new TableCell({
      children: [
        new Paragraph({ alignment: typeof c === 'number' ? AlignmentType.RIGHT : AlignmentType.LEFT, children: [new TextRun({ text: String(c), bold })] }),
      ],
    });
  const table = (headers: readonly string[], rows: readonly (readonly Cell[])[]): TableT =>
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, true)) }),
        ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
      ],
    });

  const gaps = b.coverage.gaps.map((g) => g.name);
  const children: (ParagraphT | TableT)[] = [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text: `${b.regionName}${b.year}年科普活动统计报告` })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [new TextRun({ text: b.reviewedOnly ? '统计口径：仅计审核通过的活动' : '统计口径：全部活动（含未审核）', size: 20 })],
    }),
    heading('一、总体情况'),
    table(['指标', '数值'], summaryRows(b)),
    heading('二、活动开展情况'),
    para(b.narrative.summary),
    ...(b.narrative.activities ? [para(b.narrative.activities)] : []),
    heading('三、镇街覆盖情况'),
    para(b.narrative.coverage),
    ...[b.narrative.publicity, b.narrative.training].filter((x) => x !== '').map((x) => para(x)),
    table(TOWNSHIP_HEADERS, townshipRows(b)),
    para(gaps.length > 0 ? `未覆盖镇街（${gaps.length}个）：${gaps.join('、')}` : '未覆盖镇街：无', { bold: true }),
    heading('四、绩效目标完成情况'),
    b.targets.length > 0
      ? table(
          TARGET_HEADERS,
          targetRows(b.targets).map((r) => r.map((c, i) => (i === 6 ? rateText(c) : c))),
        )
      : para('本年度尚未设置绩效目标。'),
    ...selfEvalDocxBlocks(d, b),
  ];
  const doc = new Document({
    creator: '科普台账',
    title: `${b.regionName}${b.year}年科普活动统计报告`,
    styles: { default: { document: { run: { font: { ascii: 'Times New Roman', eastAsia: 'SimSun', hAnsi: 'Times New Roman' }, size: 24 } } } },
    sections: [{ children }],
  });
  return Packer.pack(doc, 'uint8array');
}

/** The document as a file to download. */
export async function reportDocx(b: ReportBundle): Promise<Blob> {
  const bytes = await reportDocxBytes(b);
  return new Blob([bytes as BlobPart], { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
}
