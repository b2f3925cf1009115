import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { emptyEventContent, ledgerEventSchema, type EventContent, type LedgerEvent } from '../../src/domain/event';
import type { ImportItem } from '../../src/domain/event-import';
import { importBatchesOf } from '../../src/domain/import-batches';
import { canonicalJson, importedEventId, importKeyOf } from '../../src/domain/import-key';
import { lookupIdsOf, planImportItems, type KnownEvent } from '../../src/domain/import-plan';
import { isUuid } from '../../src/domain/ids';
import * as v from 'valibot';

const content = (over: Partial<EventContent> = {}): EventContent => ({
  ...emptyEventContent('2023-05-20T09:00:00+08:00', '2023-05-20T11:00:00+08:00'),
  title: '科普讲座',
  format: 'lecture',
  venue: 'school',
  townshipCode: '441323001000',
  attendance: 80,
  ...over,
});
const item = (row: number, over: Partial<EventContent> = {}, sourceId: string | null = null): ImportItem => {
  const c = content(over);
  return { row, content: c, key: importKeyOf(c), sourceId };
};
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

describe('import keys and ids', () => {
  test('the key is the SHA-256 of the content with keys sorted, whatever their order', () => {
    const c = content();
    const reversed = Object.fromEntries(Object.entries(c).reverse()) as EventContent;
    expect(importKeyOf(reversed)).toBe(importKeyOf(c));
    expect(importKeyOf(c)).toBe(sha256(canonicalJson(c)).toString('hex'));
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    expect(importKeyOf(content({ attendance: 81 }))).not.toBe(importKeyOf(c));
  });

  test('the id is a version-8 UUID of SHA-256(kepu-import, org, key): the same on every device of the org', () => {
    const key = importKeyOf(content());
    const id = importedEventId('org-huidong', key);
    const h = sha256(`kepu-import\u0000org-huidong\u0000${key}`);
    h[6] = (h[6]! & 0x0f) | 0x80;
    h[8] = (h[8]! & 0x3f) | 0x80;
    const hex = h.subarray(0, 16).toString('hex');
    expect(id).toBe(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
    expect(id[14]).toBe('8');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect([isUuid(id), v.is(v.pipe(v.string(), v.uuid()), id)]).toEqual([true, true]);
    expect(importedEventId('org-other', key)).not.toBe(id);
  });
});

describe('planning an import against the ledger', () => {
  const ORG = 'org-huidong';
  const known = (i: ImportItem, over: Partial<KnownEvent> = {}): KnownEvent => ({
    id: importedEventId(ORG, i.key),
    title: i.content.title,
    startAt: i.content.startAt,
    townshipCode: i.content.townshipCode,
    deleted: false,
    ...over,
  });

  test('writes a row no event matches', () => {
    const a = item(2);
    expect(planImportItems([a], ORG, [])).toEqual([{ ...a, id: importedEventId(ORG, a.key), state: 'new', existingId: null }]);
  });

  test('skips a row whose event is live, and revives one whose import was undone', () => {
    const a = item(2);
    const b = item(3, { title: '另一场' });
    const plan = planImportItems([a, b], ORG, [known(a), known(b, { deleted: true })]);
    expect(plan.map((p) => [p.row, p.state, p.existingId])).toEqual([
      [2, 'exists', known(a).id],
      [3, 'restore', null],
    ]);
  });

  test('skips a row with the title, start instant and township of a live event typed in by hand', () => {
    const a = item(2);
    const byHand = {
      id: '018c2a3b-4c5d-7e6f-8a9b-000000000009',
      title: '科普讲座',
      startAt: '2023-05-20T01:00:00Z',
      townshipCode: '441323001000',
      deleted: false,
    };
    expect(planImportItems([a], ORG, [byHand]).map((p) => [p.state, p.existingId])).toEqual([['exists', byHand.id]]);
    expect(planImportItems([a], ORG, [{ ...byHand, deleted: true }]).map((p) => p.state)).toEqual(['new']);
    expect(planImportItems([a], ORG, [{ ...byHand, townshipCode: '441323002000' }]).map((p) => p.state)).toEqual(['new']);
  });

  test("skips a row of the app's own export whose 编号 is a live event, even when edited since", () => {
    const exported = '018c2a3b-4c5d-7e6f-8a9b-00000000000a';
    const a = item(2, { attendance: 99 }, exported);
    const plan = planImportItems([a], ORG, [
      { id: exported, title: '改过的名称', startAt: '2023-05-21T09:00:00+08:00', townshipCode: '441323001000', deleted: false },
    ]);
    expect(plan.map((p) => [p.state, p.existingId])).toEqual([['exists', exported]]);
    expect(lookupIdsOf([a], ORG)).toEqual([importedEventId(ORG, a.key), exported]);
  });
});

describe('import batches read off the events', () => {
  const ref = (id: string, at: string, row: number) => ({ id, file: `${id}.csv`, row, key: 'a'.repeat(64), at, by: '王科协' });
  const ev = (id: string, deleted: boolean, importBatch: ReturnType<typeof ref> | null) => ({ id, deleted, createdBy: 'u-staff', importBatch });
  const B1 = '018c2a3b-4c5d-7e6f-8a9b-0000000000b1';
  const B2 = '018c2a3b-4c5d-7e6f-8a9b-0000000000b2';

  test('groups by batch, newest first, with rows, live and deleted events and a state', () => {
    const batches = importBatchesOf([
      ev('e1', false, ref(B1, '2024-01-05T09:00:00+08:00', 2)),
      ev('e2', true, ref(B1, '2024-01-05T09:00:00+08:00', 3)),
      ev('e3', true, ref(B2, '2024-02-01T09:00:00+08:00', 2)),
      ev('e4', false, null),
      { id: 'e5', deleted: false, createdBy: 'u-staff' },
    ]);
    expect(batches).toEqual([
      {
        id: B2,
        file: `${B2}.csv`,
        at: '2024-02-01T09:00:00+08:00',
        by: '王科协',
        createdBy: 'u-staff',
        rows: 1,
        liveIds: [],
        deletedIds: ['e3'],
        state: 'undone',
      },
      {
        id: B1,
        file: `${B1}.csv`,
        at: '2024-01-05T09:00:00+08:00',
        by: '王科协',
        createdBy: 'u-staff',
        rows: 2,
        liveIds: ['e1'],
        deletedIds: ['e2'],
        state: 'partial',
      },
    ]);
  });

  test('an event stored before provenance existed still validates, with no importBatch', () => {
    const stored: Omit<LedgerEvent, 'importBatch'> = {
      ...content(),
      status: 'submitted',
      reviewNote: null,
      reviewedBy: null,
      reviewedAt: null,
      id: '018c2a3b-4c5d-7e6f-8a9b-0000000000c1',
      orgId: 'o',
      createdBy: 'u',
      createdAt: '2024-01-05T09:00:00+08:00',
      updatedBy: 'u',
      updatedAt: '2024-01-05T09:00:00+08:00',
      deleted: false,
      rev: 3,
    };
    const r = v.safeParse(ledgerEventSchema, stored);
    expect(r.success && 'importBatch' in r.output).toBe(false);
    expect(v.safeParse(ledgerEventSchema, { ...stored, importBatch: null }).success).toBe(true);
    expect(v.safeParse(ledgerEventSchema, { ...stored, importBatch: { ...ref(B1, '2024-01-05T09:00:00+08:00', 2) } }).success).toBe(true);
    expect(v.safeParse(ledgerEventSchema, { ...stored, importBatch: { ...ref(B1, '2024-01-05T09:00:00+08:00', 2), key: 'xyz' } }).success).toBe(false);
  });
});
