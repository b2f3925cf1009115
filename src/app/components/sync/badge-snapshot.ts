/**
 * The sync badge's last shown state, kept in localStorage so that the next load shows it at once
 * (App.vue) instead of a blank bar while the sync code loads after the first paint. It holds only
 * what the badge said (words already in the chosen language, a tone, which action it offered):
 * no account data. localStorage, not IndexedDB, because it must be readable synchronously before
 * the first paint.
 */

/** What the badge showed. */
export interface BadgeSnapshot {
  readonly tone: 'ok' | 'busy' | 'weather' | 'error';
  readonly headline: string;
  readonly details: string;
  /** The action the badge offered: sign in (a link that works without the sync code), retry, or none. */
  readonly action: 'signIn' | 'retry' | null;
  /** The action's words (登录 / 重试), '' when none. */
  readonly actionText: string;
}

const KEY = 'kl-sync-badge';
const TONES = ['ok', 'busy', 'weather', 'error'];

/** The last snapshot, or null (never shown, storage unavailable, or malformed). */
export function readBadgeSnapshot(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): BadgeSnapshot | null {
  try {
    const v: unknown = JSON.parse(storage?.getItem(KEY) ?? 'null');
    if (!v || typeof v !== 'object') return null;
    const s = v as Record<string, unknown>;
    if (!TONES.includes(s.tone as string) || typeof s.headline !== 'string' || s.headline === '' || typeof s.details !== 'string') return null;
    const action = (s.action === 'signIn' || s.action === 'retry') && typeof s.actionText === 'string' && s.actionText !== '' ? s.action : null;
    return { tone: s.tone as BadgeSnapshot['tone'], headline: s.headline, details: s.details, action, actionText: action ? (s.actionText as string) : '' };
  } catch {
    return null;
  }
}

/** Keeps what the badge shows now (a full or blocked storage only costs the instant badge). */
export function writeBadgeSnapshot(s: BadgeSnapshot, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, JSON.stringify(s));
  } catch {
    // Quota or privacy mode: the next load shows no badge until the live one arrives.
  }
}
