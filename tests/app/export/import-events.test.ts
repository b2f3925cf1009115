import { describe, expect, test } from 'vitest';
import { DEFAULT_TAXONOMY } from '../../../src/domain/taxonomy';
import { IMPORT_COLUMNS, readImportTable } from '../../../src/domain/event-import';
import { importEvents } from '../../../src/app/export/import-events';
import { tableToCsv } from '../../../src/app/export/csv';
import { readTableFile } from '../../../src/app/export/read-table';
import { freshRepo } from '../db/helpers';
import messages from '../../../src/app/i18n/messages/reports';
import validationZh from '../../../src/app/i18n/messages/zh-CN/validation';
import { pack, references, seedLedger } from './seed-ledger';

const HEADERS = IMPORT_COLUMNS.map((c) => c.header);
const GOOD: Record<string, string> = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.header, c.example]));
const rowOf = (i: number, over: Record<string, string>) => HEADERS.map((h) => over[h] ?? (h === '活动名称' ? `${GOOD[h]}${i}` : GOOD[h]!));
const BAD: Record<string, string>[] = [
  { 活动名称: '' }, { 开始时间: '2023-13-45' }, { 结束时间: '2023-05-19 09:00' }, { 活动形式: '舞蹈表演' }, { '乡镇/街道': '深圳市南山区' },
  { '村/社区': '平江村' }, { '村/社区': '火星村' }, { 惠及人次: '很多' }, { 惠及人次: '-5', 受众构成: '' }, { 惠及人次: '320.5' },
  { 宣传资料: '小册子300' }, { 宣传资料: '传单:100' }, { 志愿者: '张三 440102199001011234:3' }, { 经度: '' }, { 纬度: '200' },
  { 受众构成: '学生:400' },
];
const zh = (code: string): string | undefined =>
  (messages['zh-CN'].report.import.problem as Record<string, string>)[code] ?? (validationZh.validation as Record<string, string>)[code];

async function fileOf(rows: string[][], name: string) {
  return readImportTable(await readTableFile(Object.assign(new Blob([tableToCsv(rows)]), { name })), { taxonomy: DEFAULT_TAXONOMY, pack });
}

describe('importing a file with bad rows', () => {
  test('rejects 16 kinds of bad row, each with a row, a column and a message, and writes nothing', async () => {
    const { db, repo } = freshRepo({ references });
    const result = await fileOf([HEADERS, rowOf(0, {}), ...BAD.map((b, i) => rowOf(i + 1, b)), rowOf(99, {})], 'bad.csv');
    expect(result.problems.map((p) => [p.column, p.code])).toEqual([
      ['活动名称', 'required'], ['开始时间', 'badTime'], ['结束时间', 'endBeforeStart'], ['活动形式', 'unknownCode'], ['乡镇/街道', 'unknownTownship'],
      ['村/社区', 'villageNotInTownship'], ['村/社区', 'unknownVillage'], ['惠及人次', 'notNumber'], ['惠及人次', 'negative'], ['惠及人次', 'notInteger'],
      ['宣传资料', 'badListItem'], ['宣传资料', 'unknownCode'], ['志愿者', 'idNumberNotAllowed'], ['经度', 'pointIncomplete'], ['纬度', 'badLatitude'],
      ['受众构成', 'audienceExceedsAttendance'],
    ]);
    expect(new Set(result.problems.map((p) => p.code)).size).toBe(15);
    expect(result.problems.map((p) => p.row)).toEqual(BAD.map((_, i) => i + 3));
    for (const p of result.problems) expect(zh(p.code), p.code).toMatch(/\S/);
    expect(zh('villageNotInTownship')).toBe('该村/社区不属于所填乡镇');
    expect(zh('idNumberNotAllowed')).toBe('不得填写身份证号，只填姓名和时长');
    expect(await importEvents(repo, result, 'reviewed', 'all')).toEqual({ written: false, reason: 'problems' });
    expect([await db.events.count(), await db.outbox.count()]).toEqual([0, 0]);
  });

  test('writes only the good rows, each with its outbox mutation, when the user asks', async () => {
    const { db, repo } = freshRepo({ references });
    const result = await fileOf([HEADERS, rowOf(0, {}), ...BAD.map((b, i) => rowOf(i + 1, b)), rowOf(99, {})], 'bad.csv');
    const outcome = await importEvents(repo, result, 'submitted', 'goodOnly');
    expect(outcome.written && outcome.skippedRows).toEqual(BAD.map((_, i) => i + 3));
    expect((await db.events.toArray()).map((e) => [e.title, e.status]).sort()).toEqual([['科普大篷车进校园0', 'submitted'], ['科普大篷车进校园99', 'submitted']]);
    expect((await db.outbox.toArray()).map((m) => [m.entity, m.op])).toEqual([['event', 'put'], ['event', 'put']]);
  });

  test('refuses a file without a required column even when the user asks for the good rows', async () => {
    const { db, repo } = freshRepo({ references });
    const result = await fileOf([HEADERS.slice(1), rowOf(0, {}).slice(1)], 'no-title.csv');
    expect(result.problems).toEqual([{ row: 1, column: '活动名称', code: 'missingColumn', value: '' }]);
    expect(await importEvents(repo, result, 'reviewed', 'goodOnly')).toEqual({ written: false, reason: 'problems' });
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
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('活动');
    const { seed2023CsvText } = await import('../../fixtures/seed-2023');
    const { parseCsvText } = await import('../../../src/app/export/read-table');
    const table = parseCsvText(seed2023CsvText());
    for (const r of table) ws.addRow(r);
    const bytes = await wb.xlsx.writeBuffer();
    const file = Object.assign(new Blob([bytes as ArrayBuffer]), { name: 'seed.xlsx' });
    const fromXlsx = readImportTable(await readTableFile(file), { taxonomy: DEFAULT_TAXONOMY, pack });
    const fromCsv = readImportTable(table, { taxonomy: DEFAULT_TAXONOMY, pack });
    expect(fromXlsx.problems).toEqual([]);
    expect(fromXlsx.items).toEqual(fromCsv.items);
  });
});
