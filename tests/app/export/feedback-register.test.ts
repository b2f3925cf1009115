// Issue 15: the 群众意见办理台账 as a sheet of the year's workbook — read back from the bytes (excelts
// and the raw XML): there with its title, header and date cells when the rows were read, absent
// when they could not be (offline), and public text stays text (`=1+1`, HTML).
import { describe, expect, test } from 'vitest';
import { Workbook } from '@cj-tech-master/excelts';
import { strFromU8, unzipSync } from 'fflate';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import type { FeedbackListItem } from '../../../src/domain/feedback';
import { buildReportBundle } from '../../../src/app/export/report-bundle';
import { DATE_FORMAT, reportXlsxBytes, SHEET_NAMES } from '../../../src/app/export/xlsx';
import { FEEDBACK_HEADERS, FEEDBACK_SHEET_NAME } from '../../../src/app/export/feedback-sheet';
import { withFeedbackRegister } from '../../../src/app/export/feedback-register';
import { pack } from '../import/seed-ledger';

const VALUE_STRING = 3; // excelts ValueType.String
const VALUE_DATE = 4;

const bundle = buildReportBundle([], [], { year: 2026, reviewedOnly: true, round: true, taxonomy: DEFAULT_TAXONOMY, pack });

const item = (over: Partial<FeedbackListItem>): FeedbackListItem => ({
  id: 'f1',
  ref: '2026-0001',
  channel: 'event',
  category: 'suggestion',
  state: 'replied',
  satisfaction: 4,
  text: '=1+1',
  phone: '138****1234',
  receivedAt: '2026-03-01T17:30:00.000Z', // 2 March in China
  acceptedAt: '2026-03-03T02:00:00.000Z',
  repliedAt: '2026-03-10T02:00:00.000Z',
  closedAt: null,
  assigneeId: 'u-wang',
  assigneeName: '王干事',
  eventId: null,
  eventTitle: null,
  followUpSatisfaction: null,
  acceptDueAt: '2026-03-17T15:59:59.999Z',
  replyDueAt: '2026-05-02T15:59:59.999Z',
  overdue: false,
  dueSoon: false,
  rejectReason: null,
  replyText: '<b>已答复</b>',
  ...over,
});

describe('the year’s workbook with the 群众意见办理台账', () => {
  test('has the register last, with its title, header, date cells and text kept as text', async () => {
    const { bundle: withRows, register } = await withFeedbackRegister(bundle, async () => [
      item({
        id: 'f2',
        ref: '2026-0002',
        text: '<script>alert(1)</script>希望多办讲座',
        receivedAt: '2026-04-01T02:00:00.000Z',
        acceptedAt: null,
        repliedAt: null,
        state: 'received',
        replyText: null,
      }),
      item({}),
    ]);
    expect(register).toBe('included');
    const bytes = await reportXlsxBytes(withRows);
    const wb = new Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([...SHEET_NAMES, FEEDBACK_SHEET_NAME]);
    const ws = wb.getWorksheet(FEEDBACK_SHEET_NAME)!;
    expect(ws.getCell('A1').value).toBe('2026年群众意见办理台账');
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual([...FEEDBACK_HEADERS]);
    // Oldest first; the phone (masked in the list row) is no column of the register.
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual([
      '2026-0001',
      new Date(Date.UTC(2026, 2, 2)),
      '活动评价',
      '意见建议',
      '=1+1',
      '王干事',
      new Date(Date.UTC(2026, 2, 3)),
      new Date(Date.UTC(2026, 2, 10)),
      '已答复：<b>已答复</b>',
      '',
    ]);
    const received = ws.getCell('B3');
    expect([received.type, received.numFmt]).toEqual([VALUE_DATE, DATE_FORMAT]);
    const text = ws.getCell('E3');
    expect([text.type, text.value, text.formula]).toEqual([VALUE_STRING, '=1+1', undefined]);
    expect(ws.getCell('E4').value).toBe('<script>alert(1)</script>希望多办讲座');
    expect(ws.rowCount).toBe(4);
    for (let r = 1; r <= ws.rowCount; r++) expect(JSON.stringify(ws.getRow(r).values)).not.toContain('138');

    // In the XML: no formula anywhere in the sheet, the text a string cell, the date a number.
    const files = unzipSync(bytes);
    const xml = strFromU8(files[`xl/worksheets/sheet${SHEET_NAMES.length + 1}.xml`]!);
    expect(xml).not.toMatch(/<f[ >]/);
    expect(xml.match(/<c r="E3"([^>]*)>/)![1]).toMatch(/t="(s|str|inlineStr)"/);
    expect(xml.match(/<c r="B3"([^>]*)>/)![1]).not.toMatch(/t="(s|str|inlineStr)"/);
    expect(strFromU8(files['xl/sharedStrings.xml'] ?? new Uint8Array()) + xml).toContain('&lt;script&gt;');
  });

  test('an empty year still has the sheet, with its header: nobody wrote in', async () => {
    const { bundle: empty } = await withFeedbackRegister(bundle, async () => []);
    const wb = new Workbook();
    await wb.xlsx.load((await reportXlsxBytes(empty)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(FEEDBACK_SHEET_NAME)!;
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual([...FEEDBACK_HEADERS]);
    expect(ws.rowCount).toBe(2);
  });

  test('offline the rows cannot be read: the workbook is written without the register, and says why', async () => {
    const offline = await withFeedbackRegister(bundle, () => Promise.reject(Object.assign(new Error('offline'), { kind: 'offline' })));
    expect(offline.register).toBe('unavailable');
    expect(offline.bundle).toBe(bundle);
    const wb = new Workbook();
    await wb.xlsx.load((await reportXlsxBytes(offline.bundle)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([...SHEET_NAMES]);
    expect(wb.getWorksheet(FEEDBACK_SHEET_NAME)).toBeUndefined();
  });
});
