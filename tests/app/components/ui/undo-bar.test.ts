/**
 * UndoBar: the one "… 撤销" snackbar of the event list (after a delete) and the review queue (after
 * a bulk approval): shown while it has a text, 撤销 emits undo, the offer lapses after `ms`, and a
 * new text starts the clock again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import UndoBar from '../../../../src/app/components/ui/UndoBar.vue';
import { i18n } from '../../../../src/app/i18n';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const bar = (text: string | null, ms: number) => mount(UndoBar, { props: { text, ms }, global: { plugins: [i18n] } });

describe('UndoBar', () => {
  it('shows its text with 撤销 and emits undo when tapped', async () => {
    const w = bar('已审核通过 3 条', 10_000);
    expect(w.get('[data-testid=undo-bar]').text()).toBe('已审核通过 3 条撤销');
    expect(w.get('[data-testid=undo-bar]').attributes('role')).toBe('status');
    await w.get('[data-testid=undo-action]').trigger('click');
    expect(w.emitted('undo')).toHaveLength(1);
  });

  it('shows nothing without a text', () => {
    expect(bar(null, 10_000).find('[data-testid=undo-bar]').exists()).toBe(false);
  });

  it('lapses after ms, and a new text restarts the clock', async () => {
    const w = bar('已删除：科普讲座', 8000);
    vi.advanceTimersByTime(7000);
    expect(w.emitted('lapse')).toBeUndefined();
    await w.setProps({ text: '已删除：公开课' });
    vi.advanceTimersByTime(7000);
    expect(w.emitted('lapse')).toBeUndefined();
    vi.advanceTimersByTime(1000);
    expect(w.emitted('lapse')).toHaveLength(1);
  });

  it('a new offer with the same words restarts the clock too', async () => {
    const first = { id: 1 };
    const w = mount(UndoBar, { props: { text: '已审核通过 10 条', offer: first, ms: 10_000 }, global: { plugins: [i18n] } });
    vi.advanceTimersByTime(9000);
    await w.setProps({ offer: { id: 2 } });
    vi.advanceTimersByTime(9000);
    expect(w.emitted('lapse')).toBeUndefined();
    vi.advanceTimersByTime(1000);
    expect(w.emitted('lapse')).toHaveLength(1);
  });

  it('stops its clock when it goes away', () => {
    const w = bar('已删除：科普讲座', 8000);
    w.unmount();
    vi.advanceTimersByTime(9000);
    expect(w.emitted('lapse')).toBeUndefined();
  });
});
