/**
 * The year's report as a document: title, numbered sections of headings, paragraphs and tables,
 * and the 落款 (signing organisation and date). The DOCX (docx.ts) and the print view
 * (components/report/ReportDocument.vue) both render this one model, so the printed page and the
 * Word file have the same sections in the same order under the same headings. A new section is
 * one more builder in DOC_SECTIONS; sections and sub-headings are numbered here (一、 / （一）), so
 * adding one renumbers the rest. Pure: the Chinese is the report's wording, not UI text.
 */
import { chineseOrdinal } from '../../domain/report-text';
import { chineseDate } from './event-detail';
import type { ReportBundle } from './report-bundle';
import { TARGET_HEADERS, TOWNSHIP_HEADERS, crossRows, lineNotes, rateText, summaryRows, targetRows, townshipRows, type Cell } from './report-sheets';
import { buildSelfEval } from '../../domain/self-eval';
import { SELF_EVAL_HEADERS, selfEvalGroupsText, selfEvalRows } from './self-eval-sheet';
import { AWARD_COUNT_HEADERS, awardCountRows, awardsParagraphOf } from './awards-export';

/** A table of the document; `widths` are relative column widths (default: equal). */
export interface DocTable {
  readonly kind: 'table';
  /** Centred above the table: 表1 … (numbered by reportDocument). */
  readonly caption: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** A 合计 row, set bold. */
  readonly total?: readonly Cell[];
  readonly widths?: readonly number[];
}

/** What a section holds, in order. */
export type DocBlock =
  | { readonly kind: 'h2'; readonly text: string }
  | { readonly kind: 'para'; readonly text: string }
  /** Smaller text under a table (how to read it). */
  | { readonly kind: 'note'; readonly text: string }
  | DocTable;

/** A section as a builder makes it: its heading (without the number) and its blocks. */
export interface DocSection {
  /** A stable id (print view test ids, other code). */
  readonly id: string;
  readonly heading: string;
  readonly blocks: readonly DocBlock[];
}

/** The whole document, numbered. */
export interface ReportDocument {
  readonly title: string;
  /** Under the title: which events count. */
  readonly subtitle: string;
  /** Sections with their headings numbered "一、…". */
  readonly sections: readonly DocSection[];
  /** The 落款: organisation and date ("2024年1月15日"). */
  readonly signature: { readonly org: string; readonly date: string };
}

/** Makes one section of a bundle, or null to leave it out. */
export type SectionBuilder = (b: ReportBundle) => DocSection | null;

/** The report's title: 惠东县2023年科普活动统计报告. */
export function reportTitle(b: Pick<ReportBundle, 'regionName' | 'year'>): string {
  return `${b.regionName}${b.year}年科普活动统计报告`;
}

const overview: SectionBuilder = (b) => ({
  id: 'overview',
  heading: '总体情况',
  blocks: [
    { kind: 'para', text: b.narrative.summary },
    { kind: 'table', caption: '年度汇总', headers: ['指标', '数值'], rows: summaryRows(b), widths: [3, 2] },
  ],
});

const activities: SectionBuilder = (b) => {
  const cross = crossRows(b);
  const blocks: DocBlock[] = [];
  if (b.narrative.activities) blocks.push({ kind: 'para', text: b.narrative.activities });
  blocks.push(
    { kind: 'h2', text: '按统计口径统计' },
    {
      kind: 'table',
      caption: '按统计口径统计',
      headers: ['统计口径', '定义', '场次', '惠及人次', '资料份数'],
      rows: b.lines.map((l) => [l.label, l.definition, l.tally.events, l.tally.attendance, l.tally.materials]),
      widths: [3, 4.4, 1.2, 1.6, 1.6],
    },
    ...lineNotes(b).map((text): DocBlock => ({ kind: 'note', text })),
  );
  if (cross.rows.length > 0) {
    blocks.push(
      { kind: 'h2', text: '按活动形式与专项统计' },
      {
        kind: 'table',
        caption: '活动场次（活动形式×专项）',
        headers: cross.headers,
        rows: cross.rows,
        total: cross.total,
        widths: [3, ...cross.headers.slice(1).map(() => 1.3)],
      },
    );
  }
  return { id: 'activities', heading: '活动开展情况', blocks };
};

const coverage: SectionBuilder = (b) => {
  const gaps = b.coverage.gaps.map((g) => g.name);
  const t = b.report.total;
  return {
    id: 'coverage',
    heading: '镇街覆盖情况',
    blocks: [
      { kind: 'para', text: b.narrative.coverage },
      {
        kind: 'table',
        caption: '按乡镇（街道）统计',
        headers: TOWNSHIP_HEADERS,
        rows: townshipRows(b),
        total: ['合计', t.events, t.attendance, t.materials, t.volunteers, t.volunteerHours, `${b.coverage.coveredCount}/${b.coverage.areaCount}`],
        widths: [2.6, 1, 1.4, 1.4, 1.2, 1.5, 1.5],
      },
      { kind: 'para', text: gaps.length > 0 ? `未覆盖镇街（${gaps.length}个）：${gaps.join('、')}。` : '未覆盖镇街：无。' },
    ],
  };
};

const targets: SectionBuilder = (b) => ({
  id: 'targets',
  heading: '绩效目标完成情况',
  blocks:
    b.targets.length > 0
      ? [
          {
            kind: 'table',
            caption: '绩效目标完成情况',
            headers: TARGET_HEADERS,
            rows: targetRows(b.targets).map((r) => r.map((c, i) => (i === 6 ? rateText(c) : c))),
            // In points of the 156 mm 版心 at 五号: four characters for the levels, two for 单位, room for 42.9%.
            widths: [50, 50, 80, 29, 40, 40, 40, 40, 73],
          },
        ]
      : [{ kind: 'para', text: '本年度尚未设置绩效目标。' }],
});

/**
 * A narrative section the text generator numbers itself ("三、开展科普宣传，完善阵地建设。一是…"): the
 * document numbers its sections, so the generator's number goes and its first sentence is the heading.
 */
function narrativeSection(id: string, text: string): DocSection | null {
  if (text === '') return null;
  const bare = text.replace(/^[一二三四五六七八九十]+、/, '');
  const cut = bare.indexOf('。');
  if (cut < 0) return { id, heading: bare, blocks: [] };
  const rest = bare.slice(cut + 1).trim();
  return { id, heading: bare.slice(0, cut), blocks: rest === '' ? [] : [{ kind: 'para', text: rest }] };
}

const publicity: SectionBuilder = (b) => narrativeSection('publicity', b.narrative.publicity);
const training: SectionBuilder = (b) => narrativeSection('training', b.narrative.training);

/** The scored 整体绩效自评表 (self-eval-sheet.ts rows); left out while no indicator has 分值. */
const selfEval: SectionBuilder = (b) => {
  const scored = buildSelfEval(b.targets);
  if (scored.weight === 0) return null;
  const rows = selfEvalRows(scored);
  // 一级/二级指标 said once per run of equal rows, as the paper table's merged cells do.
  const body = rows
    .filter((r) => r.kind === 'row')
    .map((r, i, all) =>
      r.cells.map((c, col) => (col < 2 && i > 0 && all[i - 1]!.cells[col] === c && (col === 0 || all[i - 1]!.cells[0] === r.cells[0]) ? '' : c)),
    );
  const total = rows.find((r) => r.kind === 'total')?.cells;
  return {
    id: 'self-eval',
    heading: '整体绩效自评',
    blocks: [
      {
        kind: 'table',
        caption: '整体绩效自评表',
        headers: SELF_EVAL_HEADERS,
        rows: body,
        ...(total ? { total } : {}),
        widths: [40, 44, 72, 26, 40, 44, 26, 76],
      },
      { kind: 'para', text: `自评结论：${scored.score}分（${selfEvalGroupsText(scored)}）。` },
    ],
  };
};

/**
 * 竞赛获奖: the awards sentence as the report prints it (the staff's edit when there is one) and the
 * counts by level and prize; left out without awards.
 */
const awards: SectionBuilder = (b) => {
  const text = awardsParagraphOf(b);
  if (text === '' || !b.awards?.length) return null;
  const rows = awardCountRows(b.awards, b.year);
  return {
    id: 'awards',
    heading: '竞赛获奖情况',
    blocks: [
      { kind: 'para', text },
      {
        kind: 'table',
        caption: '竞赛获奖（按级别和奖项）',
        headers: AWARD_COUNT_HEADERS,
        rows: rows.slice(0, -1),
        total: rows.at(-1)!,
        widths: [2, 1, 1, 1, 1, 1.4, 1.4, 1],
      },
    ],
  };
};

/** 群众意见办理: the channel's sentence, when the screen has read the year's figures (staff, online). */
const feedback: SectionBuilder = (b) =>
  b.feedbackSentence ? { id: 'feedback', heading: '群众意见办理情况', blocks: [{ kind: 'para', text: b.feedbackSentence }] } : null;

/** The report's sections, in order. */
export const DOC_SECTIONS: readonly SectionBuilder[] = [overview, activities, publicity, training, awards, coverage, targets, selfEval, feedback];

/** The document of a bundle: sections numbered 一、二、…, sub-headings （一）（二）… and tables 表1, 表2, …. */
export function reportDocument(b: ReportBundle, builders: readonly SectionBuilder[] = DOC_SECTIONS): ReportDocument {
  let table = 0;
  const sections = builders
    .map((make) => make(b))
    .filter((s): s is DocSection => s !== null)
    .map((s, i): DocSection => {
      let h2 = 0;
      const blocks = s.blocks.map((x): DocBlock => {
        if (x.kind === 'h2') return { ...x, text: `（${chineseOrdinal(++h2)}）${x.text}` };
        if (x.kind === 'table') return { ...x, caption: `表${++table}　${x.caption}` };
        return x;
      });
      return { ...s, heading: `${chineseOrdinal(i + 1)}、${s.heading}`, blocks };
    });
  return {
    title: reportTitle(b),
    subtitle: b.reviewedOnly ? '（统计口径：仅计审核通过的活动）' : '（统计口径：全部活动，含未审核）',
    sections,
    signature: { org: b.orgName, date: chineseDate(b.issuedAt, b.pack.meta.timeZone) },
  };
}

/** Width of text in character cells: a CJK character is one, an ASCII one half (the 落款's placement). */
export function charCells(text: string): number {
  let n = 0;
  for (const ch of text) n += ch.charCodeAt(0) < 0x80 ? 0.5 : 1;
  return n;
}

/**
 * Right indents (in characters) of the 落款 as GB/T 9704-2012 §7.3.5.1 places it: the date 右空四字
 * (二字 when it is longer than the organisation's name), the organisation centred over the date.
 */
export function signatureIndents(s: ReportDocument['signature']): { org: number; date: number } {
  const orgW = charCells(s.org);
  const dateW = charCells(s.date);
  const date = dateW > orgW ? 2 : 4;
  return { org: Math.max(0, date + (dateW - orgW) / 2), date };
}
