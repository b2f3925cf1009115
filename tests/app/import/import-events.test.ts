import { describe, expect, test } from 'vitest';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { IMPORT_COLUMNS, readImportTable } from '../../../src/domain/event-import';
import { importEvents, planImport } from '../../../src/app/import/import-events';
import { buildReportBundle } from '../../../src/app/export/report-bundle';
import { eventDetailCsv } from '../../../src/app/export/csv';
import { tableToCsv } from '../../../src/app/export/csv';
import { readTableFile } from '../../../src/app/import/read-table';
import { freshRepo, ID1, ID2, sampleContent } from '../db/helpers';
import type { ImportResult } from '../../../src/domain/event-import';
import messages from '../../../src/app/i18n/messages/reports';
import validationZh from '../../../src/app/i18n/messages/zh-CN/validation';
import { pack, references, SEED_BATCH, seedLedger } from './seed-ledger';

const HEADERS = IMPORT_COLUMNS.map((c) => c.header);
const GOOD: Record<string, string> = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.header, c.example]));
const rowOf = (i: number, over: Record<string, string>) => HEADERS.map((h) => over[h] ?? (h === '活动名称' ? `${GOOD[h]}${i}` : GOOD[h]!));
const BAD: Record<string, string>[] = [
  { 活动名称: '' },
  { 开始时间: '2023-13-45' },
  { 结束时间: '2023-05-19 09:00' },
  { 活动形式: '舞蹈表演' },
  { '乡镇/街道': '深圳市南山区' },
  { '村/社区': '平江村' },
  { '村/社区': '火星村' },
  { 惠及人次: '很多' },
  { 惠及人次: '-5', 受众构成: '' },
  { 惠及人次: '320.5' },
  { 宣传资料: '小册子300' },
  { 宣传资料: '传单:100' },
  { 志愿者: '张三 440102199001011234:3' },
  { 经度: '' },
  { 纬度: '200' },
  { 受众构成: '学生:400' },
];
const zh = (code: string): string | undefined =>
  (messages['zh-CN'].report.import.problem as Record<string, string>)[code] ?? (validationZh.validation as Record<string, string>)[code];

async function fileOf(rows: string[][], name: string) {
  const read = await readTableFile(Object.assign(new Blob([tableToCsv(rows)]), { name }));
  if (!read.ok) throw new Error(read.code);
  return readImportTable(read.rows, { taxonomy: DEFAULT_TAXONOMY, pack });
}
const BATCH = { id: '018c2a3b-4c5d-7e6f-8a9b-000000000001', file: 'bad.csv', at: '2024-01-05T09:00:00+08:00', by: '王科协' };
const importAs = (repo: Parameters<typeof importEvents>[0], result: ImportResult, status: 'reviewed' | 'submitted', mode: 'all' | 'goodOnly') =>
  importEvents(repo, result, { status, mode, orgId: 'org-huidong', batch: BATCH });

describe('importing a file with bad rows', () => {
  test('rejects 16 kinds of bad row, each with a row, a column and a message, and writes nothing', async () => {
    const { db, repo } = freshRepo({ references });
    const result = await fileOf([HEADERS, rowOf(0, {}), ...BAD.map((b, i) => rowOf(i + 1, b)), rowOf(99, {})], 'bad.csv');
    expect(result.problems.map((p) => [p.column, p.code])).toEqual([
      ['活动名称', 'required'],
      ['开始时间', 'badTime'],
      ['结束时间', 'endBeforeStart'],
      ['活动形式', 'unknownCode'],
      ['乡镇/街道', 'unknownTownship'],
      ['村/社区', 'villageNotInTownship'],
      ['村/社区', 'unknownVillage'],
      ['惠及人次', 'notNumber'],
      ['惠及人次', 'negative'],
      ['惠及人次', 'notInteger'],
      ['宣传资料', 'badListItem'],
      ['宣传资料', 'unknownCode'],
      ['志愿者', 'idNumberNotAllowed'],
      ['经度', 'pointIncomplete'],
      ['纬度', 'badLatitude'],
      ['受众构成', 'audienceExceedsAttendance'],
    ]);
    expect(new Set(result.problems.map((p) => p.code)).size).toBe(15);
    expect(result.problems.map((p) => p.row)).toEqual(BAD.map((_, i) => i + 3));
    for (const p of result.problems) expect(zh(p.code), p.code).toMatch(/\S/);
    expect(zh('villageNotInTownship')).toBe('该村/社区不属于所填乡镇');
    expect(zh('idNumberNotAllowed')).toBe('不得填写身份证号，只填姓名和时长');
    expect(await importAs(repo, result, 'reviewed', 'all')).toEqual({ written: false, reason: 'problems' });
    expect([await db.events.count(), await db.outbox.count()]).toEqual([0, 0]);
  });

  test('writes only the good rows, each with its outbox mutation, when the user asks', async () => {
    const { db, repo } = freshRepo({ references });
    const result = await fileOf([HEADERS, rowOf(0, {}), ...BAD.map((b, i) => rowOf(i + 1, b)), rowOf(99, {})], 'bad.csv');
    const outcome = await importAs(repo, result, 'submitted', 'goodOnly');
    expect(outcome.written && outcome.skippedRows).toEqual(BAD.map((_, i) => i + 3));
    expect((await db.events.toArray()).map((e) => [e.title, e.status]).sort()).toEqual([
      ['科普大篷车进校园0', 'submitted'],
      ['科普大篷车进校园99', 'submitted'],
    ]);
    expect((await db.outbox.toArray()).map((m) => [m.entity, m.op])).toEqual([
      ['event', 'put'],
      ['event', 'put'],
    ]);
  });

  test('refuses a file without a required column even when the user asks for the good rows', async () => {
    const { db, repo } = freshRepo({ references });
    const result = await fileOf([HEADERS.slice(1), rowOf(0, {}).slice(1)], 'no-title.csv');
    expect(result.problems).toEqual([{ row: 1, column: '活动名称', code: 'missingColumn', value: '' }]);
    expect(await importAs(repo, result, 'reviewed', 'goodOnly')).toEqual({ written: false, reason: 'problems' });
    expect(await db.events.count()).toBe(0);
  });
});

describe('importing the 2023 seed fixture', () => {
  test('writes 53 events and 53 outbox puts in one go, so they sync like any other', async () => {
    const { db } = await seedLedger('reviewed');
    expect(await db.events.count()).toBe(53);
    const outbox = await db.outbox.toArray();
    expect(outbox.map((m) => m.seq)).toEqual(Array.from({ length: 53 }, (_, i) => i + 1));
    expect(outbox.every((m) => m.entity === 'event' && m.op === 'put' && m.state === 'pending')).toBe(true);
  });

  test('reads the same rows from an XLSX file as from the CSV', async () => {
    const { Workbook } = await import('@cj-tech-master/excelts');
    const wb = new Workbook();
    const ws = wb.addWorksheet('活动');
    const { seed2023CsvText } = await import('../../fixtures/seed-2023');
    const { parseCsvText } = await import('../../../src/app/import/read-table');
    const table = parseCsvText(seed2023CsvText());
    for (const r of table) ws.addRow(r);
    const bytes = await wb.xlsx.writeBuffer();
    const file = Object.assign(new Blob([bytes as BlobPart]), { name: 'seed.xlsx' });
    const read = await readTableFile(file);
    expect(read.ok && read.source).toEqual({ kind: 'xlsx' });
    const fromXlsx = readImportTable(read.ok ? read.rows : [], { taxonomy: DEFAULT_TAXONOMY, pack });
    const fromCsv = readImportTable(table, { taxonomy: DEFAULT_TAXONOMY, pack });
    expect(fromXlsx.problems).toEqual([]);
    expect(fromXlsx.items).toEqual(fromCsv.items);
  });
});

describe('importing what the ledger already holds', () => {
  const readBlob = async (blob: Blob, name: string) => {
    const read = await readTableFile(Object.assign(blob, { name }));
    if (!read.ok) throw new Error(read.code);
    return readImportTable(read.rows, { taxonomy: DEFAULT_TAXONOMY, pack });
  };
  const again = { status: 'reviewed' as const, mode: 'all' as const, orgId: 'org-huidong' };
  const BATCH2 = { ...SEED_BATCH, id: '018c2a3b-4c5d-7e6f-8a9b-000000000002', at: '2024-02-01T09:00:00+08:00' };

  test("skips every row of the app's own detail CSV export: 53 已存在, nothing written", async () => {
    const { db, repo } = await seedLedger('reviewed');
    const events = await db.events.toArray();
    const bundle = buildReportBundle(events, [], { year: 2023, reviewedOnly: true, round: true, taxonomy: DEFAULT_TAXONOMY, pack });
    const result = await readBlob(await eventDetailCsv(bundle), '活动明细.csv');
    expect([result.items.length, result.items.filter((i) => i.sourceId !== null).length]).toEqual([53, 53]);
    const plan = await planImport(repo, result, 'org-huidong');
    expect(plan.map((p) => p.state)).toEqual(Array(53).fill('exists'));
    const outbox = await db.outbox.count();
    expect(await importEvents(repo, result, { ...again, batch: BATCH2 })).toEqual({ written: false, reason: 'allExist' });
    expect([await db.events.count(), await db.outbox.count()]).toEqual([53, outbox]);
  });

  test('re-imports a file after its batch was undone by reviving the same 53 events, not by adding 53 more', async () => {
    const { db, repo, result, clock } = await seedLedger('reviewed');
    const ids = (await db.events.toArray()).map((e) => e.id).sort();
    clock.ms += 3_600_000;
    const before = await db.outbox.count();
    await repo.deleteEvents(ids);
    expect((await db.outbox.toArray()).slice(before).map((m) => m.op)).toEqual(Array(53).fill('delete'));
    expect((await db.events.toArray()).every((e) => e.deleted)).toBe(true);
    expect((await planImport(repo, result, 'org-huidong')).map((p) => p.state)).toEqual(Array(53).fill('restore'));

    const outcome = await importEvents(repo, result, { ...again, batch: BATCH2 });
    expect(outcome.written && [outcome.events.length, outcome.restored, outcome.existingRows]).toEqual([53, 53, []]);
    const rows = await db.events.toArray();
    expect(rows.map((e) => e.id).sort()).toEqual(ids);
    expect(rows.every((e) => !e.deleted && e.importBatch?.id === BATCH2.id)).toBe(true);
    expect(new Set(rows.map((e) => `${e.createdAt} ${e.updatedAt}`))).toEqual(new Set(['2024-01-15T10:00:00+08:00 2024-01-15T11:00:00+08:00']));
    expect((await db.outbox.toArray()).slice(before + 53).map((m) => m.op)).toEqual(Array.from({ length: 106 }, (_, i) => (i % 2 ? 'undelete' : 'put')));
  });

  test('gives the same row the same event id on two devices of the org, so sync keeps one event', async () => {
    const a = await seedLedger('reviewed');
    const b = freshRepo({
      references,
      identity: () => ({ userId: 'u-staff-2', orgId: 'org-huidong', role: 'staff' }),
      clientId: async () => '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
    });
    b.clock.ms = a.clock.ms;
    await importEvents(b.repo, a.result, { ...again, batch: BATCH2 });
    const idsOf = async (db: typeof a.db) => (await db.events.toArray()).map((e) => e.id).sort();
    expect(await idsOf(b.db)).toEqual(await idsOf(a.db));
  });

  test('imports the good rows and skips the 已存在 ones in good-only mode', async () => {
    const { db, repo } = freshRepo({ references });
    const first = await fileOf([HEADERS, rowOf(1, {}), rowOf(2, {})], 'a.csv');
    await importEvents(repo, first, { ...again, batch: BATCH });
    const second = await fileOf([HEADERS, rowOf(1, {}), rowOf(3, {}), rowOf(4, { 惠及人次: '很多' })], 'b.csv');
    const outcome = await importEvents(repo, second, { ...again, mode: 'goodOnly', batch: BATCH2 });
    expect(outcome.written && [outcome.events.map((e) => e.title), outcome.existingRows, outcome.skippedRows]).toEqual([['科普大篷车进校园3'], [2], [4]]);
    expect(await db.events.count()).toBe(3);
  });

  test('skips a row matching an event typed in by hand, whatever offset its start was written with', async () => {
    const { db, repo } = freshRepo({ references });
    await repo.createEvent(
      ID1,
      sampleContent({ title: '科普大篷车进校园1', startAt: '2023-05-20T01:00:00Z', endAt: '2023-05-20T03:00:00Z', townshipCode: '441323109000' }),
      'submitted',
    );
    const result = await fileOf([HEADERS, rowOf(1, {}), rowOf(2, {})], 'a.csv');
    expect((await planImport(repo, result, 'org-huidong')).map((p) => [p.row, p.state, p.existingId])).toEqual([
      [2, 'exists', ID1],
      [3, 'new', null],
    ]);
    const outcome = await importEvents(repo, result, { ...again, batch: BATCH });
    expect(outcome.written && [outcome.events.map((e) => e.title), outcome.existingRows]).toEqual([['科普大篷车进校园2'], [2]]);
    expect(await db.events.count()).toBe(2);
  });

  test('undoes a batch in one transaction, or not at all when an id is unknown', async () => {
    const { db, repo } = freshRepo({ references });
    const events = await repo.createEvents([
      { id: ID1, content: sampleContent(), status: 'submitted' },
      { id: ID2, content: sampleContent({ title: '第二场' }), status: 'submitted' },
    ]);
    const seq = await db.outbox.count();
    await expect(repo.deleteEvents([ID1, '018a9b7c-1d2e-7f00-8a00-0000000000ff'])).rejects.toMatchObject({ name: 'MissingRecordError' });
    expect([(await db.events.toArray()).map((e) => e.deleted), await db.outbox.count()]).toEqual([[false, false], seq]);
    await repo.deleteEvents(events.map((e) => e.id));
    await repo.deleteEvents([ID1]);
    expect((await db.outbox.toArray()).slice(seq).map((m) => [m.op, m.entity === 'event' ? m.eventId : null, m.seq])).toEqual([
      ['delete', ID1, seq + 1],
      ['delete', ID2, seq + 2],
    ]);
    await repo.undeleteEvents([ID2]);
    expect((await db.events.toArray()).map((e) => [e.id, e.deleted])).toEqual([
      [ID1, true],
      [ID2, false],
    ]);
  });

  test('refuses an import batch that is not well formed, writing nothing', async () => {
    const { db, repo } = freshRepo({ references });
    await expect(
      repo.createEvents([{ id: ID1, content: sampleContent(), status: 'submitted', importBatch: { ...BATCH, row: 2, key: 'not-a-key' } }]),
    ).rejects.toMatchObject({ name: 'ValidationError', problems: [{ field: 'importBatch.key', code: 'invalid' }] });
    expect(await db.events.count()).toBe(0);
  });
});
