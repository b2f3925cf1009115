/**
 * The ledger backup file (导出全部数据): its shape and its validation. Version 2 (what this build
 * writes) is a zip: a manifest, the ledger as JSON lines and every photo as a file of its own
 * (ledger-backup.ts streams it). Version 1, still read, is one JSON document with the photos as
 * base64. Both are checked here the same way, collecting problems by path.
 */
import * as v from 'valibot';
import { validateLedgerEvent, type LedgerEvent } from '../../domain/event';
import type { Problem } from '../../domain/problems';
import { toProblems } from '../../domain/problems';
import { mutationSchema } from '../../sync/protocol';
import type { DraftRow, OutboxRow } from './ledger-db';

/** Marks a file as a ledger backup. */
export const BACKUP_FORMAT = 'kepu-ledger-backup';
/** The version of the JSON backup (photos as base64), which this build still reads. */
export const BACKUP_JSON_VERSION = 1;
/** The version of the zip backup, which this build writes and reads. */
export const BACKUP_ZIP_VERSION = 2;

/** A photo's row in a backup, without its bytes (a zip carries them as files). */
export interface BackupPhotoMeta {
  hash: string;
  type: string;
  width: number;
  height: number;
  uploaded: 0 | 1;
  createdAt: string;
}

/** A photo in a JSON backup file. */
export interface BackupPhoto extends BackupPhotoMeta {
  /** The JPEG, base64. */
  data: string;
  /** The thumbnail, base64. */
  thumb: string;
}

/** The whole backup: the JSON file (version 1, photos with bytes), or a zip's ledger part (version 2). */
export interface BackupFile<P extends BackupPhotoMeta = BackupPhoto> {
  format: typeof BACKUP_FORMAT;
  version: number;
  exportedAt: string;
  clientId: string | null;
  seq: number;
  /** Events as stored (the server's `sig` included when the row had one). */
  events: (LedgerEvent & { sig?: string })[];
  outbox: OutboxRow[];
  drafts: DraftRow[];
  photos: P[];
}

const head = (version: number) =>
  v.object({
    format: v.literal(BACKUP_FORMAT, 'notBackup'),
    version: v.literal(version, 'badVersion'),
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
const draftSchema = v.strictObject({
  key: v.pipe(v.string(), v.minLength(1, 'required')),
  mode: v.optional(v.picklist(['new', 'edit'], 'badMode')),
  content: v.record(v.string(), v.unknown(), 'notObject'),
  savedAt: v.string('required'),
});
const base64 = v.pipe(v.string('required'), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'badBase64'));
const photoMetaEntries = {
  hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'badPhotoHash')),
  type: v.picklist(['image/jpeg', 'image/png', 'image/webp'], 'badType'),
  width: v.pipe(v.number(), v.integer(), v.minValue(1)),
  height: v.pipe(v.number(), v.integer(), v.minValue(1)),
  uploaded: v.picklist([0, 1]),
  createdAt: v.string(),
};
const photoSchemas = {
  [BACKUP_JSON_VERSION]: v.strictObject({ ...photoMetaEntries, data: base64, thumb: base64 }),
  [BACKUP_ZIP_VERSION]: v.strictObject(photoMetaEntries),
};

const at = (prefix: string, ps: Problem[]) => ps.map((p) => ({ field: p.field ? `${prefix}.${p.field}` : prefix, code: p.code }));

/**
 * Checks a parsed backup of `version` (a JSON file, or a zip's manifest with its rows); returns
 * it typed, or every problem (paths like `events.3.title`).
 */
export function parseBackup(
  input: unknown,
  version: typeof BACKUP_JSON_VERSION,
): { ok: true; value: BackupFile<BackupPhoto> } | { ok: false; problems: Problem[] };
export function parseBackup(
  input: unknown,
  version: typeof BACKUP_ZIP_VERSION,
): { ok: true; value: BackupFile<BackupPhotoMeta> } | { ok: false; problems: Problem[] };
export function parseBackup(input: unknown, version: number): { ok: true; value: BackupFile<BackupPhotoMeta> } | { ok: false; problems: Problem[] } {
  if ((input as { format?: unknown } | null)?.format !== BACKUP_FORMAT) return { ok: false, problems: [{ field: 'format', code: 'notBackup' }] };
  const photoSchema = photoSchemas[version as keyof typeof photoSchemas];
  const h = v.safeParse(head(version), input);
  if (!h.success || !photoSchema) return { ok: false, problems: h.success ? [{ field: 'version', code: 'badVersion' }] : toProblems(h.issues) };
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
    value: {
      ...h.output,
      events: events as (LedgerEvent & { sig?: string })[],
      outbox,
      drafts: h.output.drafts as DraftRow[],
      photos: h.output.photos as BackupPhotoMeta[],
    } as BackupFile<BackupPhotoMeta>,
  };
}

/** Base64 → bytes. */
export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) out[i] = s.charCodeAt(i);
  return out;
}
