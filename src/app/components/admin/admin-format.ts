/** Pure helpers of the admin screens: invite status, expiry, error words, field problems. */
import type * as v from 'valibot';
import type { PublicInvite } from '../../../domain/account';
import { ApiError } from '../../../sync/api-error';
import { fieldMessages, schemaProblems, type FieldWords } from './account-problems';
import { formatDateTime, phoneTimeZone } from '../../i18n/date-format';

export type InviteStatus = 'active' | 'expired' | 'used' | 'revoked';

/** What an invite is now: revoked wins, then used up, then expired. */
export function inviteStatus(i: Pick<PublicInvite, 'revoked' | 'uses' | 'maxUses' | 'expiresAt'>, nowMs: number): InviteStatus {
  if (i.revoked) return 'revoked';
  if (i.uses >= i.maxUses) return 'used';
  if (Date.parse(i.expiresAt) <= nowMs) return 'expired';
  return 'active';
}

/** Active invites first, then the rest; newest first within each. */
export function sortInvites<T extends Pick<PublicInvite, 'revoked' | 'uses' | 'maxUses' | 'expiresAt' | 'createdAt'>>(xs: readonly T[], nowMs: number): T[] {
  return [...xs].sort((a, b) => {
    const aa = inviteStatus(a, nowMs) === 'active' ? 0 : 1;
    const bb = inviteStatus(b, nowMs) === 'active' ? 0 : 1;
    return aa - bb || b.createdAt.localeCompare(a.createdAt);
  });
}

/** The expiry `days` days from now (ISO instant). */
export function expiresAtFor(days: number, nowMs: number): string {
  return new Date(nowMs + days * 86_400_000).toISOString();
}

/** A date-time in the phone's zone, e.g. 2026年11月26日 17:05 (i18n/date-format.ts). */
export function shortTime(iso: string, locale: string): string {
  return formatDateTime(iso, phoneTimeZone(), locale === 'en' ? 'en' : 'zh-CN');
}

type T = (key: string, named?: Record<string, unknown>) => string;
type Te = (key: string) => boolean;

/** Words for a failed call, in the UI language; never a stack or a raw body. */
export function errorText(e: unknown, t: T, te: Te): string {
  if (e instanceof ApiError) {
    if (e.kind === 'offline') return t('admin.error.offline');
    if (e.kind === 'unauthorized') return t(e.code === 'sessionExpired' ? 'account.error.sessionExpired' : 'admin.error.unauthorized');
    if (e.code === 'otherUserPending') return t('admin.error.otherUserPending', { n: e.problems[0]?.code ?? '' });
    const fieldCode = e.problems.find((p) => te(`admin.error.${p.code}`))?.code;
    if (fieldCode) return t(`admin.error.${fieldCode}`);
    if (te(`admin.error.${e.reason}`)) return t(`admin.error.${e.reason}`);
    if (e.kind === 'server') return t('admin.error.server');
    return t('admin.error.other', { code: e.reason });
  }
  return t('admin.error.other', { code: e instanceof Error ? e.name : 'error' });
}

/**
 * Field → its first problem in words (account-problems.ts: the field and its rule), from a
 * shared schema (checked before sending). `words` maps a field to the words it goes by.
 */
export function fieldProblems(schema: v.GenericSchema, input: unknown, t: T, te: Te, words: FieldWords = {}): Record<string, string> {
  return fieldMessages(schemaProblems(schema, input), t, te, words);
}

/** Field problems the server answered (400 invalid), in the same shape. */
export function serverFieldProblems(e: unknown, t: T, te: Te, words: FieldWords = {}): Record<string, string> {
  return e instanceof ApiError && e.code === 'invalid' ? fieldMessages([...e.problems], t, te, words) : {};
}

/**
 * The invite link of `code`: the join form of the server the phones talk to, with the code filled
 * (`serverUrl` '' means this site, `origin`); the server serves the app, so the link opens it there.
 */
export function inviteLinkOf(code: string, serverUrl: string, origin: string): string {
  const base = serverUrl.trim().replace(/\/+$/, '') || origin;
  return `${base}/join?code=${encodeURIComponent(code)}`;
}
