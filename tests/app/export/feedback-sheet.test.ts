import { describe, expect, test } from 'vitest';
import { Workbook } from '@cj-tech-master/excelts';
import { FEEDBACK_HEADERS, FEEDBACK_SHEET_NAME, feedbackRegisterXlsxBytes, sheetDateOf } from '../../../src/app/export/feedback-sheet';
import type { FeedbackRow } from '../../../src/app/api/feedback-api';

const row = (over: Partial<FeedbackRow>): FeedbackRow => ({
  id: 'f1',
  ref: '2026-0001',
  channel: 'event',
  category: 'suggestion',
  state: 'closed',
  satisfaction: 5,
  text: '讲得很好，希望多来几次',
  phone: '138****1234',
  receivedAt: '2026-03-01T17:30:00.000Z', // 2 March in China
  acceptedAt: '2026-03-03T02:00:00.000Z',
  repliedAt: '2026-03-10T02:00:00.000Z',
  closedAt: '2026-03-12T02:00:00.000Z',
  assigneeId: 'u-wang',
  assigneeName: '王干事',
  eventId: null,
  eventTitle: null,
  followUpSatisfaction: 4,
  acceptDueAt: '2026-03-17T15:59:59.999Z',
  replyDueAt: '2026-05-02T15:59:59.999Z',
  overdue: false,
  dueSoon: false,
  rejectReason: null,
  replyText: '感谢建议，下月再到贵村开展活动',
  ...over,
});

describe('群众意见办理台账', () => {
  test('reads back with the office layout, real date cells on the China calendar date, and inert text', async () => {
    const rows = [
      row({
        id: 'f2',
        ref: '2026-0002',
        channel: 'phone',
        category: 'complaint',
        state: 'rejected',
        text: '=HYPERLINK("http://x","点我")<script>',
        receivedAt: '2026-04-05T01:00:00.000Z',
        acceptedAt: null,
        repliedAt: null,
        assigneeName: null,
        followUpSatisfaction: null,
        rejectReason: '不属于本会职责，已告知向县市场监管局反映',
        replyText: null,
      }),
      row({}),
    ];
    const bytes = await feedbackRegisterXlsxBytes(rows, '2026年群众意见办理台账');
    const wb = new Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(FEEDBACK_SHEET_NAME)!;
    expect(ws).toBeDefined();
    expect(ws.getRow(1).getCell(1).value).toBe('2026年群众意见办理台账');
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual([...FEEDBACK_HEADERS]);
    const first = (ws.getRow(3).values as unknown[]).slice(1);
    expect(first).toEqual([
      '2026-0001',
      new Date(Date.UTC(2026, 2, 2)),
      '活动评价',
      '意见建议',
      '讲得很好，希望多来几次',
      '王干事',
      new Date(Date.UTC(2026, 2, 3)),
      new Date(Date.UTC(2026, 2, 10)),
      '已办结：感谢建议，下月再到贵村开展活动',
      '满意',
    ]);
    expect(ws.getRow(3).getCell(2).numFmt).toBe('yyyy-mm-dd');
    const second = ws.getRow(4);
    expect(second.getCell(1).value).toBe('2026-0002');
    expect(second.getCell(3).value).toBe('来电');
    expect(second.getCell(4).value).toBe('投诉');
    // A formula typed by the public stays a string.
    expect(second.getCell(5).value).toBe('=HYPERLINK("http://x","点我")<script>');
    expect(second.getCell(5).formula).toBeUndefined();
    expect([second.getCell(6).value, second.getCell(7).value, second.getCell(8).value]).toEqual(['', null, null]);
    expect(second.getCell(9).value).toBe('不予受理：不属于本会职责，已告知向县市场监管局反映');
    expect(ws.rowCount).toBe(4);
  });

  test('dates are the China calendar date of the instant', () => {
    expect(sheetDateOf('2026-12-31T16:30:00.000Z')).toEqual(new Date(Date.UTC(2027, 0, 1)));
    expect(sheetDateOf(null)).toBeNull();
  });
});
