/**
 * Dates on screen follow the Chinese convention in zh-CN (2024年5月20日 09:00) and English's own
 * (20 May 2024, 09:00), always in the zone asked for; unparsable text is shown as it is.
 */
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatRecent, formatSpan } from '../../../src/app/i18n/date-format';
import { shortTime } from '../../../src/app/components/admin/admin-format';
import { formatSyncTime } from '../../../src/app/components/sync/sync-time';

const TZ = 'Asia/Shanghai';

describe('dates on screen', () => {
  it('write a date and time the Chinese way in zh-CN and the English way in English', () => {
    expect(formatDateTime('2024-05-20T09:00:00+08:00', TZ, 'zh-CN')).toBe('2024年5月20日 09:00');
    expect(formatDateTime('2024-05-20T09:00:00+08:00', TZ, 'en')).toBe('20 May 2024, 09:00');
    expect(formatDate('2024-12-31T23:30:00+08:00', TZ, 'zh-CN')).toBe('2024年12月31日');
    expect(formatDate('2024-12-31T23:30:00+08:00', TZ, 'en')).toBe('31 Dec 2024');
  });

  it('show an instant in the zone asked for (the region’s for events), across the new year', () => {
    expect(formatDateTime('2023-12-31T16:30:00Z', TZ, 'zh-CN')).toBe('2024年1月1日 00:30');
    expect(formatDateTime('2023-12-31T16:30:00Z', 'UTC', 'zh-CN')).toBe('2023年12月31日 16:30');
  });

  it('write a span on one day with one date, over two days in full', () => {
    expect(formatSpan('2024-05-20T09:00:00+08:00', '2024-05-20T11:30:00+08:00', TZ, 'zh-CN')).toBe('2024年5月20日 09:00–11:30');
    expect(formatSpan('2024-05-20T09:00:00+08:00', '2024-05-21T17:00:00+08:00', TZ, 'zh-CN')).toBe('2024年5月20日 09:00 – 2024年5月21日 17:00');
    expect(formatSpan('2024-05-20T09:00:00+08:00', '2024-05-20T11:30:00+08:00', TZ, 'en')).toBe('20 May 2024, 09:00–11:30');
  });

  it('write a recent moment short: the time today, no year this year, the year before', () => {
    const now = Date.parse('2026-11-26T15:00:00+08:00');
    expect(formatRecent(Date.parse('2026-11-26T09:05:00+08:00'), now, TZ, 'zh-CN')).toBe('09:05');
    expect(formatRecent(Date.parse('2026-11-03T14:05:00+08:00'), now, TZ, 'zh-CN')).toBe('11月3日 14:05');
    expect(formatRecent(Date.parse('2025-11-03T14:05:00+08:00'), now, TZ, 'zh-CN')).toBe('2025年11月3日 14:05');
    expect(formatRecent(Date.parse('2026-11-03T14:05:00+08:00'), now, TZ, 'en')).toBe('3 Nov, 14:05');
  });

  it('are the one wording of the sync badge and the admin screens too', () => {
    const now = new Date(2026, 10, 26, 15, 0).getTime();
    expect(formatSyncTime(new Date(2026, 10, 3, 14, 5).getTime(), now, 'zh-CN')).toBe('11月3日 14:05');
    const at = new Date(2026, 10, 26, 17, 5);
    expect(shortTime(at.toISOString(), 'zh-CN')).toBe('2026年11月26日 17:05');
  });

  it('show text that is not a time as it is', () => {
    expect(formatDateTime('not a time', TZ, 'zh-CN')).toBe('not a time');
    expect(formatSpan('x', 'y', TZ, 'zh-CN')).toBe('x');
  });
});
