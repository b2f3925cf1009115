/**
 * The year's report as a Word document (docx, loaded only when asked) in the layout of
 * GB/T 9704-2012 《党政机关公文格式》: A4; 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, 版心
 * 156 mm × 225 mm; body 3号 (16 pt) 仿宋_GB2312 at a fixed 28.95 pt line pitch, 22 lines of 28
 * characters a page (exact line spacing, character spacing −0.25 pt); title 2号 (22 pt) 方正小标宋简体; level-1 headings
 * 3号 黑体, level-2 3号 楷体_GB2312; page numbers "— 1 —" in 4号 宋体 below the 版心, odd pages on the
 * right and even pages on the left, one character in; the 落款 (organisation over the date,
 * "2024年1月15日") at the end. Font names in the file are those a government PC has; the font
 * table names the common substitutes (仿宋, 楷体, 黑体, 宋体) for a PC without them.
 * The content is report-document.ts's, the same model the print view renders.
 */
import type { Paragraph as ParagraphT, Table as TableT } from 'docx';
import type { ReportBundle } from './report-bundle';
import { reportDocument, signatureIndents, type DocBlock, type DocTable, type ReportDocument } from './report-document';

/** Twips (1/20 pt) of a length in millimetres. */
export const mmToTwip = (mm: number): number => Math.round((mm * 1440) / 25.4);

/** The page of GB/T 9704-2012 in twips: A4, the margins that leave a 156 × 225 mm 版心. */
export const OFFICIAL_PAGE = {
  width: mmToTwip(210),
  height: mmToTwip(297),
  top: mmToTwip(37),
  bottom: mmToTwip(35),
  left: mmToTwip(28),
  right: mmToTwip(26),
  // The page number's 一字线 7 mm below the 版心: the footer's baseline ~23 mm above the edge.
  footer: mmToTwip(23),
  header: mmToTwip(15),
} as const;

/** The fonts of an official document, and the substitute each names for a PC without it. */
export const OFFICIAL_FONTS = {
  body: { name: '仿宋_GB2312', alt: '仿宋' },
  title: { name: '方正小标宋简体', alt: '宋体' },
  h1: { name: '黑体', alt: 'SimHei' },
  h2: { name: '楷体_GB2312', alt: '楷体' },
  pageNumber: { name: '宋体', alt: 'SimSun' },
} as const;

/** Sizes in half-points (docx's unit): 2号 22 pt, 3号 16 pt, 4号 14 pt, 五号 10.5 pt, 小四 12 pt. */
export const SIZE = { title: 44, body: 32, pageNumber: 28, table: 24, tableWide: 21, caption: 28, note: 24 } as const;

/** The fixed line pitch: 225 mm of 版心 over 22 lines = 28.95 pt. */
export const LINE_PITCH = 579;
/** Character spacing (twips) that fits 28 3号 characters in the 版心's 156 mm. */
export const CHAR_SPACING = -5;
/** One 3号 character, the unit of indents (首行缩进二字, 落款右空四字). */
const CHAR = 320;
/** 版心 width in twips (156 mm): what tables span. */
const TEXT_WIDTH = OFFICIAL_PAGE.width - OFFICIAL_PAGE.left - OFFICIAL_PAGE.right;

const fontOf = (name: string, latin = 'Times New Roman') => ({ ascii: latin, hAnsi: latin, eastAsia: name, cs: latin, hint: 'eastAsia' });

/** Builds the document's bytes (a .docx zip). */
export async function reportDocxBytes(b: ReportBundle): Promise<Uint8Array> {
  return packDocument(reportDocument(b));
}

async function packDocument(model: ReportDocument): Promise<Uint8Array> {
  const d = await import('docx');
  const { Document, Packer, Paragraph, TextRun, Table, TableRow, TableCell, WidthType, AlignmentType, LineRuleType, Footer, PageNumber, BorderStyle } = d;
  const { HeadingLevel, TableLayoutType, VerticalAlignTable } = d;

  const exact = { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 };
  const body = (text: string) =>
    new Paragraph({ spacing: exact, indent: { firstLine: 2 * CHAR }, alignment: AlignmentType.JUSTIFIED, children: [new TextRun({ text })] });
  const note = (text: string) =>
    new Paragraph({
      spacing: { line: 360, lineRule: LineRuleType.EXACT, before: 60, after: 0 },
      indent: { firstLine: 2 * 240 },
      children: [new TextRun({ text, size: SIZE.note })],
    });
  // keepNext: the blank lines before the 落款 and its organisation stay on the page of its date.
  const blank = (keepNext = false) => new Paragraph({ spacing: exact, keepNext, children: [] });

  const line = '000000';
  const border = { style: BorderStyle.SINGLE, size: 4, color: line };
  const table = (t: DocTable): (ParagraphT | TableT)[] => {
    const cols = t.headers.length;
    const size = cols > 5 ? SIZE.tableWide : SIZE.table;
    const weights = t.widths ?? t.headers.map(() => 1);
    const sum = weights.reduce((a, w) => a + w, 0);
    const widths = weights.map((w) => Math.floor((TEXT_WIDTH * w) / sum));
    const cellLine = Math.round(size * 10 * 1.45);
    const cell = (c: Cell, i: number, bold: boolean) =>
      new TableCell({
        width: { size: widths[i]!, type: WidthType.DXA },
        verticalAlign: VerticalAlignTable.CENTER,
        margins: { top: 60, bottom: 60, left: 80, right: 80 },
        children: [
          new Paragraph({
            spacing: { line: cellLine, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
            indent: { firstLine: 0 },
            alignment: bold && typeof c !== 'number' ? AlignmentType.CENTER : typeof c === 'number' ? AlignmentType.RIGHT : AlignmentType.LEFT,
            children: [new TextRun({ text: String(c), size, bold, font: bold ? fontOf(OFFICIAL_FONTS.h1.name) : undefined })],
          }),
        ],
      });
    return [
      new Paragraph({
        spacing: { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 120, after: 0 },
        alignment: AlignmentType.CENTER,
        keepNext: true,
        children: [new TextRun({ text: t.caption, size: SIZE.caption, font: fontOf(OFFICIAL_FONTS.h1.name) })],
      }),
      new Table({
        width: { size: TEXT_WIDTH, type: WidthType.DXA },
        columnWidths: widths,
        layout: TableLayoutType.FIXED,
        alignment: AlignmentType.CENTER,
        borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
        rows: [
          new TableRow({ tableHeader: true, cantSplit: true, children: t.headers.map((h, i) => cell(h, i, true)) }),
          ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, false)) })),
          ...(t.total ? [new TableRow({ cantSplit: true, children: t.total.map((c, i) => cell(c, i, true)) })] : []),
        ],
      }),
    ];
  };
  type Cell = DocTable['rows'][number][number];

  const block = (x: DocBlock): (ParagraphT | TableT)[] => {
    switch (x.kind) {
      case 'h2':
        return [new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun({ text: x.text })] })];
      case 'para':
        return [body(x.text)];
      case 'note':
        return [note(x.text)];
      case 'table':
        return table(x);
    }
  };

  const indents = signatureIndents(model.signature);
  const children: (ParagraphT | TableT)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun({ text: model.title })] }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: exact,
      children: [new TextRun({ text: model.subtitle, font: fontOf(OFFICIAL_FONTS.h2.name) })],
    }),
    blank(),
    ...model.sections.flatMap((s) => [
      new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun({ text: s.heading })] }),
      ...s.blocks.flatMap(block),
    ]),
    blank(true),
    blank(true),
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      spacing: exact,
      keepNext: true,
      indent: { right: Math.round(indents.org * CHAR) },
      children: [new TextRun({ text: model.signature.org })],
    }),
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      spacing: exact,
      indent: { right: Math.round(indents.date * CHAR) },
      children: [new TextRun({ text: model.signature.date })],
    }),
  ];

  // 单页码居右空一字，双页码居左空一字 (one 4号 character = 280 twips).
  const pageNumber = (side: 'odd' | 'even') =>
    new Footer({
      children: [
        new Paragraph({
          alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
          indent: side === 'odd' ? { right: 280 } : { left: 280 },
          spacing: { line: 280, lineRule: LineRuleType.AT_LEAST, before: 0, after: 0 },
          children: [
            new TextRun({
              children: ['— ', PageNumber.CURRENT, ' —'],
              size: SIZE.pageNumber,
              font: fontOf(OFFICIAL_FONTS.pageNumber.name, OFFICIAL_FONTS.pageNumber.name),
            }),
          ],
        }),
      ],
    });

  const heading = (font: string, size: number) => ({
    run: { font: fontOf(font), size, bold: false, italics: false, color: '000000' },
    paragraph: { spacing: exact, indent: { firstLine: 2 * CHAR }, keepNext: true, keepLines: true },
  });
  const document = new Document({
    creator: '科普台账',
    title: model.title,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          // 28 characters a line: 156 mm holds 27.6 characters of 16 pt; 0.25 pt less pitch makes 28
          // (Word's templates do it with a character grid, which LibreOffice lays out differently).
          run: { font: fontOf(OFFICIAL_FONTS.body.name), size: SIZE.body, color: '000000', characterSpacing: CHAR_SPACING },
          paragraph: { spacing: exact },
        },
        title: {
          run: { font: fontOf(OFFICIAL_FONTS.title.name), size: SIZE.title, bold: false, color: '000000' },
          paragraph: { alignment: AlignmentType.CENTER, spacing: { line: 700, lineRule: LineRuleType.EXACT, before: 0, after: 0 } },
        },
        heading1: heading(OFFICIAL_FONTS.h1.name, SIZE.body),
        heading2: heading(OFFICIAL_FONTS.h2.name, SIZE.body),
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: OFFICIAL_PAGE.width, height: OFFICIAL_PAGE.height },
            margin: {
              top: OFFICIAL_PAGE.top,
              bottom: OFFICIAL_PAGE.bottom,
              left: OFFICIAL_PAGE.left,
              right: OFFICIAL_PAGE.right,
              header: OFFICIAL_PAGE.header,
              footer: OFFICIAL_PAGE.footer,
            },
          },
          // 22 lines a page come from the paragraphs' exact 28.95 pt spacing, not a document grid:
          // LibreOffice snaps table lines to a grid's pitch too, which doubles every table row.
        },
        footers: { default: pageNumber('odd'), even: pageNumber('even') },
        children,
      },
    ],
  });
  return Packer.pack(document, 'uint8array', false, [{ path: 'word/fontTable.xml', data: fontTableXml() }]);
}

/**
 * word/fontTable.xml naming each font's substitute (w:altName), the way Word's own files do, so
 * a PC without 仿宋_GB2312 or 方正小标宋简体 shows 仿宋 or 宋体 rather than a font of its choosing.
 */
export function fontTableXml(): string {
  const entries = Object.values(OFFICIAL_FONTS)
    .map((f) => `<w:font w:name="${f.name}"><w:altName w:val="${f.alt}"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${entries}</w:fonts>`;
}

/** The document as a file to download. */
export async function reportDocx(b: ReportBundle): Promise<Blob> {
  const bytes = await reportDocxBytes(b);
  return new Blob([bytes as BlobPart], { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
}
