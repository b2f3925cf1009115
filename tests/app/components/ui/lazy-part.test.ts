/**
 * lazyPart: an optional part that cannot load offline shows its placeholder and logs nothing (the
 * browser tests count any console error as a defect), retries when shown again, passes props and
 * listeners through, logs a failure that happens online, and asks for its code only after the
 * screen around it has painted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { AfterPaint, afterNextPaint, lazyPart } from '../../../../src/app/components/ui/lazy-part';

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

/** The part's code is asked for after the next painted frame: wait for that, then its promises. */
async function settled(): Promise<void> {
  await afterNextPaint();
  await flushPromises();
}

describe('lazyPart', () => {
  it('offline: shows the placeholder, logs nothing, and loads the part the next time it is shown', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let online = false;
    const loader = vi.fn(() => (online ? Promise.resolve({ default: Part }) : Promise.reject(new TypeError('Failed to fetch dynamically imported module'))));
    const Lazy = lazyPart(loader, () => h('p', { class: 'offline' }, '需要联网'));
    const first = mount(Lazy, { props: { who: '甲' } });
    await settled();
    expect(first.html()).toBe('<p class="offline">需要联网</p>');
    expect(errors).not.toHaveBeenCalled();
    first.unmount();

    online = true;
    const heard: unknown[] = [];
    const second = mount(Lazy, { props: { who: '乙', onHello: (x: unknown) => heard.push(x) } });
    await settled();
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
    await settled();
    expect(w.text()).toBe('');
    expect(w.find('*').exists()).toBe(false);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]![1])).toContain('bad chunk');
  });

  it('asks for its code only after the screen around it has painted a frame', async () => {
    const frames: FrameRequestCallback[] = [];
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => frames.push(cb));
    const loader = vi.fn(() => Promise.resolve({ default: Part }));
    const w = mount(lazyPart(loader), { props: { who: '丁' } });
    await flushPromises();
    await new Promise((r) => setTimeout(r, 20));
    expect(loader).not.toHaveBeenCalled();
    expect(w.text()).toBe('');
    // The frame is painted: still not asked for until the next one begins (the first is shown then).
    frames.shift()!(performance.now());
    await flushPromises();
    expect(loader).not.toHaveBeenCalled();
    frames.shift()!(performance.now());
    await vi.waitFor(() => expect(w.text()).toBe('part of 丁'));
    expect(loader).toHaveBeenCalledTimes(1);
  });

  it('a tab that paints no frame (hidden) still gets its part, a moment later', async () => {
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation(() => 0);
    const w = mount(
      lazyPart(() => Promise.resolve({ default: Part })),
      { props: { who: '戊' } },
    );
    await vi.waitFor(() => expect(w.text()).toBe('part of 戊'), { timeout: 1000 });
  });

  it('AfterPaint renders its content in a task after the screen around it was shown', async () => {
    const frames: FrameRequestCallback[] = [];
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => frames.push(cb));
    const w = mount(defineComponent({ setup: () => () => h('div', [h('h2', '报告'), h(AfterPaint, null, { default: () => h('table', '按乡镇') })]) }));
    await flushPromises();
    expect(w.text()).toBe('报告');
    frames.shift()!(performance.now());
    frames.shift()!(performance.now());
    await vi.waitFor(() => expect(w.find('table').text()).toBe('按乡镇'));
  });
});
