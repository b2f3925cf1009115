/**
 * lazyPart: an optional part that cannot load offline shows its placeholder and logs nothing (the
 * browser tests count any console error as a defect), retries when shown again, passes props and
 * listeners through, and logs a failure that happens online.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { lazyPart } from '../../../../src/app/components/ui/lazy-part';

const Part = defineComponent({
  props: { who: { type: String, required: true } },
  emits: ['hello'],
  setup(props, { emit }) {
    return () => h('button', { onClick: () => emit('hello', props.who) }, `part of ${props.who}`);
  },
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('lazyPart', () => {
  it('offline: shows the placeholder, logs nothing, and loads the part the next time it is shown', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let online = false;
    const loader = vi.fn(() => (online ? Promise.resolve({ default: Part }) : Promise.reject(new TypeError('Failed to fetch dynamically imported module'))));
    const Lazy = lazyPart(loader, () => h('p', { class: 'offline' }, '需要联网'));
    const first = mount(Lazy, { props: { who: '甲' } });
    await flushPromises();
    expect(first.html()).toBe('<p class="offline">需要联网</p>');
    expect(errors).not.toHaveBeenCalled();
    first.unmount();

    online = true;
    const heard: unknown[] = [];
    const second = mount(Lazy, { props: { who: '乙', onHello: (x: unknown) => heard.push(x) } });
    await flushPromises();
    expect(second.text()).toBe('part of 乙');
    await second.get('button').trigger('click');
    expect(heard).toEqual(['乙']);
    // Loaded once, kept: a third mount renders at once without asking again.
    const third = mount(Lazy, { props: { who: '丙' } });
    expect(third.text()).toBe('part of 丙');
    expect(loader).toHaveBeenCalledTimes(2);
  });

  it('online: a failure is an error and is logged; without a placeholder nothing is shown', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const Lazy = lazyPart(() => Promise.reject(new SyntaxError('bad chunk')));
    const w = mount(Lazy);
    await flushPromises();
    expect(w.text()).toBe('');
    expect(w.find('*').exists()).toBe(false);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]![1])).toContain('bad chunk');
  });
});
