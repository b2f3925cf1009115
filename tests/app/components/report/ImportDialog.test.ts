/**
 * The import dialog as staff use it, over a fake-indexeddb ledger and the shipped Huidong pack:
 * a failed read never leaves an earlier file importable, the same file imported twice adds
 * nothing, Excel's GBK and UTF-16 saves read, a broken workbook gets a Chinese message, a
 * batch is undone (and restored) as one unit, and the XLSX template reads back as the template.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { Workbook } from '@cj-tech-master/excelts';
import ImportDialog from '../../../../src/app/components/report/ImportDialog.vue';
import { i18n, mergeFeatureMessages } from '../../../../src/app/i18n';
import messages from '../../../../src/app/i18n/messages/reports';
import { ledgerDb, setLedgerDbFactory } from '../../../../src/app/db/database';
import { useRegionStore } from '../../../../src/app/stores/region';
import { serveHuidongFiles } from '../../../fixtures/region-pack';
import { formatDateTime } from '../../../../src/app/i18n/date-format';
import { freshDb } from '../../db/helpers';
import { readTableFile } from '../../../../src/app/import/read-table';
import { importTemplateRows } from '../../../../src/domain/event-import';

vi.mock('vant/es/dialog/style', () => ({}));

const fixture = (name: string) => readFileSync(resolve(process.cwd(), 'tests/fixtures', name));
const SEED_CSV = fixture('seed-2023.csv');
const ONE_ROW = '\uFEFF活动名称,开始时间,活动形式,场所类型,乡镇/街道,惠及人次\r\n巽寮湾海洋科普,2023-07-01 09:00,讲座,校园,巽寮,80\r\n';

async function workbookBytes(rows: string[][]): Promise<Uint8Array> {
  const wb = new Workbook();
  const ws = wb.addWorksheet('活动');
  for (const r of rows) ws.addRow(r);
  return wb.xlsx.writeBuffer();
}

/** Chooses a file in the dialog's file input and waits until the dialog has read it. */
async function choose(w: VueWrapper, bytes: Uint8Array | string, name: string): Promise<void> {
  const input = w.get('[data-testid=import-file]');
  Object.defineProperty(input.element, 'files', { value: [new File([bytes as BlobPart], name)], configurable: true });
  await input.trigger('change');
  // The dialog says 正在检查… from the change until the file is read and compared with the ledger.
  await vi.waitFor(async () => {
    await flushPromises();
    expect(w.get('[data-testid=import-message]').text()).not.toBe('正在检查…');
  });
}

const text = (w: VueWrapper, testid: string) => w.get(`[data-testid=${testid}]`).text();

async function confirmDialog(): Promise<void> {
  const shown = () => [...document.querySelectorAll<HTMLElement>('.van-dialog')].filter((d) => d.style.display !== 'none').at(-1);
  await vi.waitFor(() => expect(shown()?.querySelector('.van-dialog__confirm')).toBeTruthy());
  shown()!.querySelector<HTMLButtonElement>('.van-dialog__confirm')!.click();
}

describe('ImportDialog', () => {
  let w: VueWrapper;

  beforeEach(async () => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    serveHuidongFiles();
    mergeFeatureMessages(messages);
    await useRegionStore().load();
    w = mount(ImportDialog, { global: { plugins: [i18n] }, attachTo: document.body });
    await w.get('[data-testid=import-open]').trigger('click');
  });
  afterEach(() => {
    w.unmount();
    vi.unstubAllGlobals();
  });

  const db = () => ledgerDb();
  const liveTitles = async () =>
    (await db().events.toArray())
      .filter((e) => !e.deleted)
      .map((e) => e.title)
      .sort();

  it("drops the first file's result when a second file fails to read, so 导入 cannot write the first file", async () => {
    await choose(w, SEED_CSV, 'seed-2023.csv');
    expect(text(w, 'import-summary')).toContain('seed-2023.csv：共 53 行：53 行可导入，0 行有问题');
    const truncated = (await workbookBytes([['活动名称'], ['x']])).slice(0, 300);
    await choose(w, truncated, '第二个文件.xlsx');
    expect(w.find('[data-testid=import-summary]').exists() ? text(w, 'import-summary') : null).toBeNull();
    expect(w.find('[data-testid=import-confirm]').exists()).toBe(false);
    expect(text(w, 'import-panel')).toContain(
      '第二个文件.xlsx：不是有效的 Excel（.xlsx）文件：文件可能已损坏、没有下载完整，或是改了扩展名的其他文件。请用 Excel 或 WPS 打开后另存为 .xlsx 或 CSV 再导入。',
    );
    await flushPromises();
    expect(await db().events.count()).toBe(0);
  });

  it("shows a CSV renamed .xlsx and an old .xls in Chinese, never the library's English", async () => {
    await choose(w, ONE_ROW, 'renamed.xlsx');
    expect(text(w, 'import-panel')).not.toMatch(/central directory|Error/);
    expect(text(w, 'import-error')).toContain('renamed.xlsx：不是有效的 Excel（.xlsx）文件');
    await choose(w, new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), 'old.xls');
    expect(text(w, 'import-error')).toBe(
      'old.xls：这是旧版 Excel（.xls）或加了密码的工作簿，无法读取。请用 Excel 或 WPS 另存为 .xlsx 或 CSV（不设密码）再导入。',
    );
    expect(w.text()).not.toMatch(/central directory|Error/);
  });

  it('imports the same file only once: the second time every row is 已存在 and nothing is written', async () => {
    await choose(w, SEED_CSV, 'seed-2023.csv');
    await w.get('[data-testid=import-confirm]').trigger('click');
    await vi.waitFor(() => expect(text(w, 'import-message')).toBe('已导入 53 条活动，将随同步上传'));
    await choose(w, SEED_CSV, 'seed-2023.csv');
    expect(text(w, 'import-summary')).toBe('seed-2023.csv：共 53 行：0 行可导入，0 行有问题，53 行已存在');
    expect(w.find('[data-testid=import-confirm]').attributes('disabled')).toBeDefined();
    expect(await db().events.count()).toBe(53);
  });

  it("reads Excel's GBK CSV and UTF-16 Unicode text as the UTF-8 file, and says which encoding it found", async () => {
    await choose(w, fixture('seed-2023-gbk.csv'), 'seed-2023-gbk.csv');
    expect(text(w, 'import-summary')).toContain('seed-2023-gbk.csv：共 53 行：53 行可导入，0 行有问题');
    expect(text(w, 'import-summary')).toBe('seed-2023-gbk.csv：共 53 行：53 行可导入，0 行有问题，0 行已存在');
    expect(text(w, 'import-source')).toBe('读取方式：GBK/GB18030（Excel、WPS 的“CSV（逗号分隔）”） 编码的文本表格，逗号分隔');
    await choose(w, fixture('seed-2023-utf16le.txt'), 'seed-2023.txt');
    expect(text(w, 'import-summary')).toBe('seed-2023.txt：共 53 行：53 行可导入，0 行有问题，0 行已存在');
    expect(text(w, 'import-source')).toBe('读取方式：UTF-16LE（Excel 的“Unicode 文本”） 编码的文本表格，制表符分隔');
    await choose(w, SEED_CSV, 'seed-2023.csv');
    expect(text(w, 'import-source')).toBe('读取方式：UTF-8（带 BOM） 编码的文本表格，逗号分隔');
  });

  it('lists a batch with file, who, when and rows, undoes it as one unit after a confirm, and restores it', async () => {
    await choose(w, ONE_ROW, '巽寮.csv');
    expect(text(w, 'import-readings')).toBe('以下内容按相近的名称识别，请核对：活动形式“讲座”按“科普讲座/报告会”导入乡镇/街道“巽寮”按“巽寮滨海旅游度假区”导入');
    await w.get('[data-testid=import-confirm]').trigger('click');
    await vi.waitFor(() => expect(w.findAll('[data-testid=import-batch]')).toHaveLength(1));
    const batch = () => w.get('[data-testid=import-batch]');
    const [event] = await db().events.toArray();
    expect(event!.importBatch).toEqual({
      id: batch().attributes('data-batch-id'),
      file: '巽寮.csv',
      row: 2,
      key: expect.stringMatching(/^[0-9a-f]{64}$/),
      at: expect.any(String),
      by: '',
    });
    expect(event!.importBatch!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(batch().text()).toBe(`巽寮.csv本机（未登录） · ${formatDateTime(event!.importBatch!.at, 'Asia/Shanghai', 'zh-CN')} · 1 行 已导入撤销本次导入`);
    expect(await liveTitles()).toEqual(['巽寮湾海洋科普']);

    const outboxBefore = await db().outbox.count();
    await batch().get('[data-testid=import-batch-undo]').trigger('click');
    await confirmDialog();
    await vi.waitFor(() => expect(text(w, 'import-batch-message')).toBe('已撤销“巽寮.csv”的导入，删除 1 条活动（将随同步上传）'));
    expect(await liveTitles()).toEqual([]);
    expect((await db().outbox.toArray()).slice(outboxBefore).map((m) => m.op)).toEqual(['delete']);
    await vi.waitFor(() => expect(batch().text()).toContain('已撤销恢复本次导入'));

    await batch().get('[data-testid=import-batch-restore]').trigger('click');
    await confirmDialog();
    await vi.waitFor(() => expect(text(w, 'import-batch-message')).toBe('已恢复“巽寮.csv”的 1 条活动'));
    expect(await liveTitles()).toEqual(['巽寮湾海洋科普']);
  });

  it('downloads the XLSX template: the template rows under a bold header, which the import reads back as the rows', async () => {
    const blobs: Blob[] = [];
    const made = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:template'));
    const revoked = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    await w.get('[data-testid=import-template-xlsx]').trigger('click');
    await vi.waitFor(() => expect(blobs).toHaveLength(1));
    const bytes = new Uint8Array(await blobs[0]!.arrayBuffer());
    const book = new Workbook();
    await book.xlsx.load(bytes);
    const sheet = book.worksheets[0]!;
    expect([sheet.name, sheet.getCell('A1').font?.bold, sheet.getColumn(1).width]).toEqual(['活动', true, 16]);
    const read = await readTableFile(Object.assign(new Blob([bytes]), { name: '活动导入模板.xlsx' }));
    expect(read).toEqual({ ok: true, rows: importTemplateRows().map((r) => r.map(String)), source: { kind: 'xlsx' } });
    made.mockRestore();
    revoked.mockRestore();
  });
});
