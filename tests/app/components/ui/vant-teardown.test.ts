/**
 * Vant's bars measure their height on timers 100, 200 and 300 ms after they mount and do not
 * clear them on unmount; a file torn down before the last one ran failed the whole run with
 * "window is not defined" (CI, 2026-12-04). tests/setup/settle-mounts.ts makes every file wait
 * them out after its last mount: this holds its wait to Vant's real timers, counted by the
 * measurements (getBoundingClientRect) they make.
 */
import { expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { mount } from '@vue/test-utils';
import { NavBar } from 'vant';
import { settleMounts } from '../../../setup/settle-mounts';

it('settling waits until a mounted nav bar has run all its measuring timers', async () => {
  const w = mount(NavBar, { props: { title: '意见办理', fixed: true, placeholder: true } });
  await nextTick();
  // The first measurement, on nextTick, is done; the three timed ones are to come. (Measured
  // while mounted: after an unmount the timers still run, but measure nothing they could count.)
  const rect = vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect');
  await settleMounts();
  expect(rect.mock.calls.length).toBe(3);
  await new Promise((r) => setTimeout(r, 400));
  expect(rect.mock.calls.length).toBe(3);
  expect(w.text()).toContain('意见办理');
  w.unmount();
  rect.mockRestore();
});
