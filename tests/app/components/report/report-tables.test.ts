/**
 * The report's nine tables appear one per frame (the first with the section): one long render on
 * a slow phone became nine short ones, so the screen answers taps between them (Lighthouse /reports
 * had one 80–110 ms task unthrottled, ×4 on its phone). A frame that never comes (the screen left)
 * leaves nothing running.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { i18n } from '../../../../src/app/i18n';
import { DEFAULT_TAXONOMY } from '../../../../src/domain/taxonomy';
import { buildReportBundle } from '../../../../src/app/export/report-bundle';
import ReportTables from '../../../../src/app/components/report/ReportTables.vue';
import { pack } from '../../import/seed-ledger';

afterEach(() => vi.restoreAllMocks());

describe('ReportTables', () => {
  it('shows the first table at once and one more in each frame until all nine are there', async () => {
    const frames: FrameRequestCallback[] = [];
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => frames.push(cb));
    const cancel = vi.spyOn(window, 'cancelAnimationFrame');
    const bundle = buildReportBundle([], [], { year: 2026, reviewedOnly: false, round: true, taxonomy: DEFAULT_TAXONOMY, pack });
    const w = mount(ReportTables, { props: { bundle }, global: { plugins: [i18n] } });
    const tables = () => w.findAll('[data-testid^=table-]').map((t) => t.attributes('data-testid'));
    expect(tables()).toEqual(['table-line']);
    for (let n = 2; n <= 9; n++) {
      frames.shift()!(performance.now());
      await w.vm.$nextTick();
      expect(tables()).toHaveLength(n);
    }
    expect(frames).toHaveLength(0);
    expect(tables()).toEqual([
      'table-line',
      'table-format',
      'table-township',
      'table-month',
      'table-cross',
      'table-campaign',
      'table-venue',
      'table-theme',
      'table-volunteers',
    ]);
    w.unmount();
    expect(cancel).toHaveBeenCalled();
  });
});
