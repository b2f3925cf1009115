/**
 * The ledger backup file (导出全部数据): its shape and its validation. Version 1 is JSON with
 * events, outbox, drafts and photos (bytes as base64). Validation collects problems by path.
 */
import * as v from 'valibot';
import { validateLedgerEvent, type LedgerEvent } from '../../domain/event';
import type { Problem } from '../../domain/problems';
import { toProblems } from '../../domain/problems';
import { mutationSchema } from '../../sync/protocol';
import type { DraftRow, OutboxRow } from './ledger-db';

/** Marks a file as a ledger backup. */
export const BACKUP_FORMAT = 'kepu-ledger-backup';
/** The backup format version this build writes and reads. */
export const BACKUP_VERSION = 1;

/** A photo in a backup file. */
export interface BackupPhoto {
  hash: string; type: string; width: number; height: number; uploaded: 0 | 1; createdAt: string;
  /** The JPEG, base64. */
  data: string;
  /** The thumbnail, base64. */
  thumb: string;
}

/** The whole backup file. */
export interface BackupFile {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  exportedAt: string;
  clientId: string | null;
  seq: number;
  /** Events as stored (the server's `sig` included when the row had one). */
  events: (LedgerEvent & { sig?: string })[];
  outbox: OutboxRow[];
  drafts: DraftRow[];
  photos: BackupPhoto[];
}

const head = v.object({
  format: v.literal(BACKUP_FORMAT, 'notBackup'),
  version: v.literal(BACKUP_VERSION, 'badVersion'),
  exportedAt: v.string('required'),
  clientId: v.nullable(v.pipe(v.string(), v.uuid('badId'))),
  seq: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(0, 'negative')),
  events: v.array(v.unknown(), 'notList'),
  outbox: v.array(v.unknown(), 'notList'),
  drafts: v.array(v.unknown(), 'notList'),
  photos: v.array(v.unknown(), 'notList'),
});
const outboxExtra = v.object({
  clientId: v.pipe(v.string('required'), v.uuid('badId')),
  state: v.picklist(['pending', 'quarantined'], 'badState'),
  rejection: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
});
const draftSchema = v.strictObject({ key: v.pipe(v.string(), v.minLength(1, 'required')), content: v.record(v.string(), v.unknown(), 'notObject'), savedAt: v.string('required') });
const base64 = v.pipe(v.string('required'), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'badBase64'));
const photoSchema = v.strictObject({
  hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'badPhotoHash')),
  type: v.picklist(['image/jpeg', 'image/png', 'image/webp'], 'badType'),
  width: v.pipe(v.number(), v.integer(), v.minValue(1)),
  height: v.pipe(v.number(), v.integer(), v.minValue(1)),
  uploaded: v.picklist([0, 1]),
  createdAt: v.string(),
  data: base64,
  thumb: base64,
});

const at = (prefix: string, ps: Problem[]) => ps.map((p) => ({ field: p.field ? `${prefix}.${p.field}` : prefix, code: p.code }));

/** Checks a parsed file; returns it typed, or every problem (paths like `events.3.title`). */
export function parseBackup(input: unknown): { ok: true; value: BackupFile } | { ok: false; problems: Problem[] } {
  if ((input as { format?: unknown } | null)?.format !== BACKUP_FORMAT) return { ok: false, problems: [{ field: 'format', code: 'notBackup' }] };
  const h = v.safeParse(head, input);
  if (!h.success) return { ok: false, problems: toProblems(h.issues) };
  const problems: Problem[] = [];
  const events = h.output.events.map((raw, i) => {
    const { year: _y, ym: _m, sig, ...rest } = (raw ?? {}) as Record<string, unknown>;
    const r = validateLedgerEvent(rest);
    if (!r.ok) problems.push(...at(`events.${i}`, r.problems));
    // The server's signature travels with the row, so a restored phone can still vouch for it.
    return r.ok ? (typeof sig === 'string' && sig.length <= 100 ? { ...r.value, sig } : r.value) : null;
  });
  const outbox = h.output.outbox.map((raw, i) => {
    const { clientId, state, rejection, ...mutation } = (raw ?? {}) as Record<string, unknown>;
    const m = v.safeParse(mutationSchema, mutation);
    const x = v.safeParse(outboxExtra, { clientId, state, rejection });
    if (!m.success) problems.push(...at(`outbox.${i}`, toProblems(m.issues)));
    if (!x.success) problems.push(...at(`outbox.${i}`, toProblems(x.issues)));
    return raw as OutboxRow;
  });
  const seqs = new Set<string>();
  outbox.forEach((o, i) => {
    const key = `${o?.clientId}:${o?.seq}`;
    if (seqs.has(key)) problems.push({ field: `outbox.${i}.seq`, code: 'duplicate' });
    seqs.add(key);
  });
  h.output.drafts.forEach((d, i) => {
    const r = v.safeParse(draftSchema, d);
    if (!r.success) problems.push(...at(`drafts.${i}`, toProblems(r.issues)));
  });
  h.output.photos.forEach((p, i) => {
    const r = v.safeParse(photoSchema, p);
    if (!r.success) problems.push(...at(`photos.${i}`, toProblems(r.issues)));
  });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: { ...h.output, events: events as (LedgerEvent & { sig?: string })[], outbox, drafts: h.output.drafts as DraftRow[], photos: h.output.photos as BackupPhoto[] } as BackupFile,
  };
}

/** Bytes → base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Base64 → bytes. */
export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) out[i] = s.charCodeAt(i);
  return out;
}
