/**
 * The 竞赛获奖 sheet (issue 14 §4), read back from the workbook's bytes: counts by level and prize,
 * the report's sentence and one row per record, as numbers where they are numbers. A bundle
 * without awards (a volunteer's phone) has no such sheet.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { Workbook } from '@cj-tech-master/excelts';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import type { Award } from '../../../src/domain/awards';
import { buildReportBundle, type ReportBundle } from '../../../src/app/export/report-bundle';
import { reportXlsxBytes, SHEET_NAMES } from '../../../src/app/export/xlsx';
import { AWARDS_SHEET_NAME } from '../../../src/app/export/awards-export';
import { withAwards } from '../../../src/app/export/awards-sheet';
import { reportDocxBytes } from '../../../src/app/export/docx';
import { awardsSentence } from '../../../src/domain/award-report';
import { AWARDS_CLAUSE_KEY } from '../../../src/domain/report-text';
import { strFromU8, unzipSync } from 'fflate';
import { mount } from '@vue/test-utils';
import ReportDocument from '../../../src/app/components/report/ReportDocument.vue';
import { SEED_AWARDS_2023, SEED_AWARDS_SENTENCE } from '../../fixtures/awards-2023';
import { reportDocument, type DocTable } from '../../../src/app/export/report-document';
import { pack } from '../import/seed-ledger';

const AWARDS: Award[] = SEED_AWARDS_2023.map((a, i) => ({
  ...a,
  recipients: i === 0 ? '平山第三小学、吉隆中心小学' : '',
  id: `00000000-0000-7000-9000-${String(i + 1).padStart(12, '0')}`,
  orgId: 'org-huidong',
  createdBy: 'u-staff-1',
  createdAt: `2023-05-0${1 + (i % 9)}T09:00:00+08:00`,
  updatedBy: 'u-staff-1',
  updatedAt: '2023-05-10T09:00:00+08:00',
  deleted: false,
  rev: i + 1,
}));

let bundle: ReportBundle;
beforeAll(() => {
  bundle = buildReportBundle([], [], { year: 2023, reviewedOnly: true, round: true, taxonomy: DEFAULT_TAXONOMY, pack });
});

async function readBack(b: ReportBundle): Promise<Workbook> {
  const wb = new Workbook();
  await wb.xlsx.load((await reportXlsxBytes(b)) as unknown as ArrayBuffer);
  return wb;
}

describe('the 竞赛获奖 sheet', () => {
  test('follows the other sheets and holds the counts, the sentence and the records', async () => {
    const deleted = { ...AWARDS[0]!, id: '00000000-0000-7000-9000-0000000000ff', deleted: true, count: 100 };
    const wb = await readBack({ ...bundle, awards: [...AWARDS, deleted] });
    expect(wb.worksheets.map((w) => w.name)).toEqual([...SHEET_NAMES, AWARDS_SHEET_NAME]);
    const ws = wb.getWorksheet(AWARDS_SHEET_NAME)!;
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]![0]).toBe('惠东县2023年竞赛获奖情况');
    const at = (label: string) => rows.findIndex((r) => r[0] === label);
    const counts = rows.slice(at('级别') + 1, at('合计') + 1);
    expect(counts).toEqual([
      ['市级', 8, 29, 18, 0, 2, 2, 59],
      ['省级', 1, 2, 1, 0, 0, 0, 4],
      ['合计', 9, 31, 19, 0, 2, 2, 63],
    ]);
    const sentence = String(rows[at('报告表述') + 1]![0]);
    expect(
      sentence.startsWith(
        '一是在2月份第21届惠州市青少年科技创新大赛中，获得各类项目一等奖8项、二等奖29项、三等奖18项，同时评选出了2名优秀科技辅导员、2个优秀组织奖单位；二是',
      ),
    ).toBe(true);
    const detail = rows.slice(at('年份') + 1);
    expect(detail).toHaveLength(SEED_AWARDS_2023.length);
    expect(detail[0]).toEqual([2023, 2, '第21届惠州市青少年科技创新大赛', '市级', '学生项目', '一等奖', 8, '平山第三小学、吉隆中心小学', '', '', 0]);
    expect(detail.find((r) => r[8] === '全省16项')).toEqual([
      2023,
      4,
      '第38届广东省青少年科技创新大赛',
      '省级',
      '辅导员项目',
      '一等奖',
      1,
      '',
      '全省16项',
      '',
      0,
    ]);
    expect(detail.find((r) => r[9] !== '')).toEqual([
      2023,
      4,
      '第38届广东省青少年科技创新大赛',
      '省级',
      '辅导员项目',
      '二等奖',
      1,
      '',
      '',
      '其中有一个项目推荐进入国赛',
      0,
    ]);
    expect(detail.find((r) => r[4] === '优秀组织奖')![5]).toBe('');
  });

  test('is left out when the bundle carries no awards', async () => {
    const wb = await readBack(bundle);
    expect(wb.worksheets.map((w) => w.name)).toEqual([...SHEET_NAMES]);
  });
});

describe('the 竞赛获奖 section of the DOCX and print document', () => {
  test('says the seed’s city clause and counts by level and prize; none without awards', () => {
    const doc = reportDocument({ ...bundle, awards: AWARDS });
    const section = doc.sections.find((s) => s.id === 'awards')!;
    expect(section.heading).toMatch(/^[一二三四五六七八九十]+、竞赛获奖情况$/);
    const para = section.blocks.find((b) => b.kind === 'para') as { text: string };
    expect(para.text.startsWith(SEED_AWARDS_SENTENCE.split('；')[0]!)).toBe(true);
    const table = section.blocks.find((b) => b.kind === 'table') as DocTable;
    expect(table.total?.[0]).toBe('合计');
    expect(table.rows.map((r) => r[0])).toEqual(['市级', '省级']);
    expect(reportDocument(bundle).sections.some((s) => s.id === 'awards')).toBe(false);
  });
});

describe('the staff’s edit of the awards sentence in every output', () => {
  const generated = awardsSentence(AWARDS, 2023);
  const edit = { year: 2023, key: AWARDS_CLAUSE_KEY, text: SEED_AWARDS_SENTENCE, generated };
  const edited = () =>
    withAwards(buildReportBundle([], [], { year: 2023, reviewedOnly: true, round: true, taxonomy: DEFAULT_TAXONOMY, pack, clauseEdits: [edit] }), AWARDS);
  const docxParagraphs = async (b: ReportBundle) => {
    const xml = strFromU8(unzipSync(await reportDocxBytes(b))['word/document.xml']!);
    return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => [...m[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
  };
  const sheetRows = async (b: ReportBundle, name: string) => {
    const rows: unknown[][] = [];
    (await readBack(b)).getWorksheet(name)!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    return rows;
  };

  test('the bundle’s narrative carries the edit, with the generated sentence beside it', () => {
    expect(edited().narrative.awards).toEqual({ key: 'awards', text: SEED_AWARDS_SENTENCE, generated, edited: true, stale: false });
    expect(generated).not.toBe(SEED_AWARDS_SENTENCE);
  });

  test('the DOCX prints the edited sentence word for word, and the generated one without the edit', async () => {
    expect(await docxParagraphs(edited())).toContain(`${SEED_AWARDS_SENTENCE}。`);
    const plain = await docxParagraphs({ ...bundle, awards: AWARDS });
    expect(plain).toContain(`${generated}。`);
    expect(plain).not.toContain(`${SEED_AWARDS_SENTENCE}。`);
  });

  test('the print view shows the edited sentence in its 竞赛获奖 section', () => {
    const w = mount(ReportDocument, { props: { bundle: edited() } });
    expect(w.get('[data-testid=print-section-awards] p').text()).toBe(`${SEED_AWARDS_SENTENCE}。`);
    w.unmount();
  });

  test('报告正文 has the edited sentence before 镇街覆盖, marked; 竞赛获奖 says it too', async () => {
    const rows = await sheetRows(edited(), '报告正文');
    const at = rows.findIndex((r) => r[0] === '竞赛获奖');
    expect(rows[at]).toEqual(['竞赛获奖', `${SEED_AWARDS_SENTENCE}。`, '已人工修改']);
    expect(rows[at + 1]![0]).toBe('镇街覆盖');
    const awardsRows = await sheetRows(edited(), AWARDS_SHEET_NAME);
    expect(awardsRows[awardsRows.findIndex((r) => r[0] === '报告表述') + 1]![0]).toBe(SEED_AWARDS_SENTENCE);
    // Numbers moved since the edit: the row says to check it.
    const moved = withAwards(edited(), [{ ...AWARDS[0]!, count: 9 }, ...AWARDS.slice(1)]);
    const movedRows = await sheetRows(moved, '报告正文');
    expect(movedRows.find((r) => r[0] === '竞赛获奖')).toEqual(['竞赛获奖', `${SEED_AWARDS_SENTENCE}。`, '已人工修改；数据已变化，请核对']);
    // No awards: no row.
    expect((await sheetRows(bundle, '报告正文')).some((r) => r[0] === '竞赛获奖')).toBe(false);
  });
});
