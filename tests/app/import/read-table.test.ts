import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Workbook } from '@cj-tech-master/excelts';
import { readTableFile } from '../../../src/app/import/read-table';
import { decodeTableText } from '../../../src/app/import/text-encoding';
import { parseCsvText } from '../../../src/app/import/read-table';

const fixture = (name: string) => readFileSync(resolve(process.cwd(), 'tests/fixtures', name));
const fileOf = (bytes: Uint8Array | string, name: string) => Object.assign(new Blob([bytes as BlobPart]), { name });
const SEED_ROWS = parseCsvText(fixture('seed-2023.csv').toString('utf8'));
const HEADER = '活动名称,乡镇/街道\r\n巽寮湾科普,巺寮\r\n';
const utf16 = (s: string, le: boolean) => {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i + (le ? 0 : 1)] = c & 0xff;
    out[2 * i + (le ? 1 : 0)] = c >> 8;
  }
  return out;
};

describe('reading a text table in the encoding it was saved in', () => {
  test('reads the fixture saved as GBK (Excel\'s "CSV (逗号分隔)") exactly as the UTF-8 one', async () => {
    const r = await readTableFile(fileOf(fixture('seed-2023-gbk.csv'), 'seed.csv'));
    expect(r.ok && r.source).toEqual({ kind: 'text', encoding: 'gb18030', delimiter: ',' });
    expect(r.ok && r.rows).toEqual(SEED_ROWS);
  });

  test('reads the fixture saved as UTF-16LE with tabs (Excel\'s "Unicode 文本") exactly as the UTF-8 one', async () => {
    const r = await readTableFile(fileOf(fixture('seed-2023-utf16le.txt'), 'seed.txt'));
    expect(r.ok && r.source).toEqual({ kind: 'text', encoding: 'utf-16le', delimiter: '\t' });
    expect(r.ok && r.rows).toEqual(SEED_ROWS);
  });

  test.each([
    ['UTF-8 with BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(HEADER)]), 'utf-8-bom'],
    ['UTF-8 without BOM', new TextEncoder().encode(HEADER), 'utf-8'],
    ['UTF-16LE with BOM', new Uint8Array([0xff, 0xfe, ...utf16(HEADER, true)]), 'utf-16le'],
    ['UTF-16BE with BOM', new Uint8Array([0xfe, 0xff, ...utf16(HEADER, false)]), 'utf-16be'],
    ['UTF-16LE without BOM', utf16(HEADER, true), 'utf-16le'],
  ])('reads %s', (_name, bytes, encoding) => {
    expect(decodeTableText(bytes)).toEqual({ text: HEADER, encoding });
  });

  test('reads a semicolon-separated file', async () => {
    const r = await readTableFile(fileOf('活动名称;惠及人次\n讲座;30\n', 'x.csv'));
    expect(r).toEqual({
      ok: true,
      rows: [
        ['活动名称', '惠及人次'],
        ['讲座', '30'],
      ],
      source: { kind: 'text', encoding: 'utf-8', delimiter: ';' },
    });
  });
});

describe('files that are not a readable table come back as a code, never a thrown message', () => {
  test.each([
    ['a truncated workbook', async () => (await new Workbook().xlsx.writeBuffer()).slice(0, 200), 'a.xlsx', 'badXlsx'],
    ['a CSV renamed .xlsx', async () => new TextEncoder().encode(HEADER), 'a.xlsx', 'badXlsx'],
    ['an old .xls', async () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2]), 'a.xls', 'oldXls'],
    ['an empty file', async () => new Uint8Array(0), 'a.csv', 'empty'],
    [
      'a PNG named .csv',
      async () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]),
      'a.csv',
      'notText',
    ],
  ])('%s', async (_name, bytes, name, code) => {
    const r = await readTableFile(fileOf(await bytes(), name));
    expect(r.ok ? 'read' : r.code).toBe(code);
  });

  test('a file the browser cannot read', async () => {
    const broken = Object.assign(new Blob(['x']), { name: 'gone.csv', arrayBuffer: () => Promise.reject(new Error('NotReadableError')) });
    expect(await readTableFile(broken)).toMatchObject({ ok: false, code: 'unreadable' });
  });

  test('a workbook is read by its content, whatever its name', async () => {
    const wb = new Workbook();
    wb.addWorksheet('活动').addRow(['活动名称', '惠及人次']);
    const r = await readTableFile(fileOf(await wb.xlsx.writeBuffer(), 'export.csv'));
    expect(r).toEqual({ ok: true, rows: [['活动名称', '惠及人次']], source: { kind: 'xlsx' } });
  });
});
