/**
 * The scored 整体绩效自评表 on screen: the seed's indicators over the 2023 fixture give the total
 * 93.5 of 100 and each 一级指标's subtotal; a missing external figure reads 未取得, a manual value
 * is marked as entered by staff with its evidence, and English has its own words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import SelfEvalTable from '../../../../src/app/components/report/SelfEvalTable.vue';
import { i18n, mergeFeatureMessages } from '../../../../src/app/i18n';
import messages from '../../../../src/app/i18n/messages/reports';
import { buildReport } from '../../../../src/domain/report';
import { DEFAULT_TAXONOMY } from '../../../../src/domain/taxonomy';
import { loadHuidongPack } from '../../../fixtures/region-pack';
import { seed2023Events } from '../../../fixtures/seed-2023';
import { indicator, seedIndicators } from '../../../fixtures/self-eval-2023';

const pack = loadHuidongPack();
const table = (targets = seedIndicators()) =>
  buildReport(seed2023Events('reviewed'), targets, { year: 2023, reviewedOnly: true, taxonomy: DEFAULT_TAXONOMY, pack }).targets;

let w: VueWrapper | undefined;
afterEach(() => {
  w?.unmount();
  (i18n.global.locale as unknown as { value: string }).value = 'zh-CN';
});
function show(t = table()): VueWrapper {
  mergeFeatureMessages(messages);
  w = mount(SelfEvalTable, { props: { evaluations: t }, global: { plugins: [i18n] } });
  return w;
}

describe('SelfEvalTable', () => {
  it('shows the total, the subtotals and the usual eight columns', () => {
    const v = show();
    expect(v.get('[data-testid=self-eval-total]').text()).toBe('自评得分 93.5 分（满分 100 分）');
    expect(v.text()).toContain('预算执行 39.5/43 分');
    expect(v.findAll('thead th').map((h) => h.text())).toEqual([
      '一级指标',
      '二级指标',
      '三级指标',
      '分值',
      '指标值',
      '实际完成值',
      '得分',
      '偏差原因及改进措施',
    ]);
    expect(v.findAll('[data-testid=self-eval-row]')).toHaveLength(15);
    expect(v.get('[data-testid=self-eval-sum]').text()).toBe('93.5');
  });

  it('marks a missing external figure 未取得, a staff value with its evidence, and lost points', () => {
    const v = show();
    const rows = v.findAll('[data-testid=self-eval-row]');
    const xinfang = rows.find((r) => r.text().includes('群众信访办理情况'))!;
    expect(xinfang.text()).toContain('未取得');
    expect(xinfang.text()).toContain('外部数据：群众意见按时办结率');
    expect(xinfang.get('[data-testid=self-eval-score]').text()).toBe('0');
    expect(xinfang.classes()).toContain('lost');
    const buy = rows.find((r) => r.text().includes('政府采购执行率'))!;
    expect(buy.text()).toContain('人工填报');
    expect(buy.text()).toContain('2023年部门决算报表（档案号 2024-01）');
  });

  it('shows a manual indicator’s evidence photos (佐证) by count and thumbnail; none for an indicator counted from events', () => {
    const photos = ['a'.repeat(64), 'b'.repeat(64)];
    const v = show(
      table([
        indicator({ level1: 'A', level3: '资金支出率', weight: 5, source: 'manual', manualValue: 97, evidence: '决算报表', photos }),
        indicator({ level1: 'A', level3: '活动场次', weight: 5, min: 1, unit: '场次', photos: ['c'.repeat(64)] }),
        indicator({ level1: 'A', level3: '满意度', weight: 5, source: 'manual', manualValue: 90 }),
      ]),
    );
    const rows = v.findAll('[data-testid=self-eval-row]');
    expect(rows.map((r) => r.findAll('[data-testid=self-eval-evidence]').map((e) => e.text()))).toEqual([['佐证照片 2 张'], [], []]);
    expect(rows.map((r) => r.findAll('.thumb').length)).toEqual([2, 0, 0]);
    expect(rows[0]!.text()).toContain('决算报表');
  });

  it('says 待评分 for a manual score not yet entered and 不计分 without 分值; English words in English', () => {
    const v = show(
      table([
        indicator({ level1: 'A', level3: '满意度', weight: 5, source: 'manual', manualValue: 90, rule: 'manual', manualScore: null }),
        indicator({ level1: 'A', level3: '旧目标', min: 1, unit: '场次' }),
      ]),
    );
    expect(v.findAll('[data-testid=self-eval-score]').map((s) => s.text())).toEqual(['待评分', '不计分']);
    expect(v.text()).toContain('另有 1 项待人工评分');
    v.unmount();
    (i18n.global.locale as unknown as { value: string }).value = 'en';
    const e = show();
    expect(e.get('[data-testid=self-eval-total]').text()).toBe('Self-evaluation score 93.5 of 100');
    expect(e.text()).toContain('Not available');
  });

  it('without any weight asks for one', () => {
    const v = show(table([indicator({ level1: 'A', level3: '旧目标', min: 1, unit: '场次' })]));
    expect(v.text()).toContain('尚未设置带分值的指标');
    expect(v.find('[data-testid=self-eval-total]').exists()).toBe(false);
  });
});
