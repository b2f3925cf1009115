/**
 * useOnline: one shared flag that follows the browser's online/offline events (the map asks for
 * 满意度 only online, without loading the sync store).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useOnline } from '../../../src/app/composables/useOnline';

afterEach(() => {
  vi.restoreAllMocks();
  window.dispatchEvent(new Event('online'));
});

describe('useOnline', () => {
  it('follows the offline and online events, one flag for every caller', () => {
    const a = useOnline();
    const b = useOnline();
    expect(a.value).toBe(true);
    window.dispatchEvent(new Event('offline'));
    expect([a.value, b.value]).toEqual([false, false]);
    window.dispatchEvent(new Event('online'));
    expect([a.value, b.value]).toEqual([true, true]);
  });
});
