import '../../db/node-blob';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, effectScope, h, nextTick, ref, type EffectScope } from 'vue';
import { mount } from '@vue/test-utils';
import EventPhoto from '../../../../src/app/components/event/EventPhoto.vue';
import { usePhotoViews, type PhotoSource, type PhotoView } from '../../../../src/app/components/event/photo-views';
import type { LedgerDb } from '../../../../src/app/db/ledger-db';
import { i18n } from '../../../../src/app/i18n';
import type { PhotoLoad } from '../../../../src/sync/sync-engine';
import { freshDb } from '../../db/helpers';

const [LOCAL, REMOTE] = ['a'.repeat(64), 'b'.repeat(64)];
const bytes = (n: number) => new Blob([new Uint8Array([0xff, 0xd8, 0xff, n])], { type: 'image/jpeg' });

/** A server stand-in: answers each load from a queue of outcomes, and lets a test fire a session change. */
function fakeSource(answers: PhotoLoad[]) {
  const asked: string[] = [];
  let sessionChanged: (() => void) | null = null;
  const source: PhotoSource = {
    load: async (hash) => {
      asked.push(hash.slice(0, 1));
      return answers.shift() ?? { status: 'failed', message: 'no more answers' };
    },
    onSessionChange: (retry) => {
      sessionChanged = retry;
      return () => (sessionChanged = null);
    },
  };
  return { source: async () => source, asked, changeSession: () => sessionChanged?.() };
}

const states = (views: Record<string, PhotoView>) => Object.fromEntries(Object.entries(views).map(([k, v]) => [k.slice(0, 1), v.state]));

describe('usePhotoViews', () => {
  let db: LedgerDb;
  let scope: EffectScope;
  beforeEach(async () => {
    db = freshDb();
    await db.photos.put({
      hash: LOCAL,
      blob: bytes(1),
      thumb: bytes(2),
      width: 10,
      height: 10,
      type: 'image/jpeg',
      uploaded: 1,
      createdAt: '2024-01-01T00:00:00.000Z',
    });
    scope = effectScope();
  });
  afterEach(() => scope.stop());

  it('shows a photo on the phone without asking the server, and one fetched from it', async () => {
    const server = fakeSource([{ status: 'loaded', blob: bytes(3) }]);
    const { views } = scope.run(() =>
      usePhotoViews(
        () => [LOCAL, REMOTE],
        'blob',
        server.source,
        (h) => db.photos.get(h),
      ),
    )!;
    await vi.waitFor(() => expect(states(views.value)).toEqual({ a: 'shown', b: 'shown' }));
    expect(server.asked).toEqual(['b']);
  });

  it('says the photo cannot load offline, and loads it when the network comes back', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const server = fakeSource([{ status: 'offline' }, { status: 'loaded', blob: bytes(3) }]);
    const { views } = scope.run(() =>
      usePhotoViews(
        () => [REMOTE],
        'blob',
        server.source,
        (h) => db.photos.get(h),
      ),
    )!;
    await vi.waitFor(() => expect(states(views.value)).toEqual({ b: 'offline' }));
    vi.restoreAllMocks();
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(states(views.value)).toEqual({ b: 'shown' }));
    expect(server.asked).toEqual(['b', 'b']);
  });

  it('calls no answer while the phone is online a failure, which 重试 can get past', async () => {
    const server = fakeSource([{ status: 'offline' }, { status: 'loaded', blob: bytes(3) }]);
    const photos = scope.run(() =>
      usePhotoViews(
        () => [REMOTE],
        'blob',
        server.source,
        (h) => db.photos.get(h),
      ),
    )!;
    await vi.waitFor(() => expect(states(photos.views.value)).toEqual({ b: 'failed' }));
    photos.retry(REMOTE);
    await vi.waitFor(() => expect(states(photos.views.value)).toEqual({ b: 'shown' }));
  });

  it('asks for a sign-in, and loads the photo when the session changes', async () => {
    const server = fakeSource([{ status: 'unauthorized' }, { status: 'loaded', blob: bytes(3) }]);
    const { views } = scope.run(() =>
      usePhotoViews(
        () => [REMOTE],
        'blob',
        server.source,
        (h) => db.photos.get(h),
      ),
    )!;
    await vi.waitFor(() => expect(states(views.value)).toEqual({ b: 'signIn' }));
    server.changeSession();
    await vi.waitFor(() => expect(states(views.value)).toEqual({ b: 'shown' }));
  });

  it('says a fetch failed, and tries again when asked', async () => {
    const server = fakeSource([{ status: 'failed', message: 'HTTP 500' }, { status: 'notFound' }, { status: 'loaded', blob: bytes(3) }]);
    const photos = scope.run(() =>
      usePhotoViews(
        () => [REMOTE],
        'blob',
        server.source,
        (h) => db.photos.get(h),
      ),
    )!;
    await vi.waitFor(() => expect(states(photos.views.value)).toEqual({ b: 'failed' }));
    photos.retry(REMOTE);
    await vi.waitFor(() => expect(states(photos.views.value)).toEqual({ b: 'notFound' }));
    photos.retry(REMOTE);
    await vi.waitFor(() => expect(states(photos.views.value)).toEqual({ b: 'shown' }));
    expect(server.asked).toEqual(['b', 'b', 'b']);
  });

  it('follows the list: a photo removed from it is forgotten', async () => {
    const list = ref([LOCAL, REMOTE]);
    const server = fakeSource([{ status: 'notFound' }]);
    const { views } = scope.run(() =>
      usePhotoViews(
        () => list.value,
        'thumb',
        server.source,
        (h) => db.photos.get(h),
      ),
    )!;
    await vi.waitFor(() => expect(states(views.value)).toEqual({ a: 'shown', b: 'notFound' }));
    list.value = [LOCAL];
    await nextTick();
    expect(states(views.value)).toEqual({ a: 'shown' });
  });
});

describe('EventPhoto', () => {
  const render = (view: PhotoView | undefined, size: 'full' | 'thumb' = 'full') =>
    mount(defineComponent({ render: () => h(EventPhoto, { view, n: 2, size }) }), { global: { plugins: [i18n] } });

  it('puts what happened in the photo’s place, in Chinese, with 重试 where a tap can help', async () => {
    i18n.global.locale.value = 'zh-CN';
    expect(render({ state: 'offline' }).text()).toBe('离线时无法加载照片');
    expect(render({ state: 'signIn' }).text()).toBe('登录后才能加载照片');
    expect(render({ state: 'failed' }).text()).toBe('照片加载失败重试');
    expect(render({ state: 'notFound' }).text()).toBe('服务器上还没有这张照片（拍摄的手机可能还没同步）重试');
    expect(render(undefined).text()).toBe('正在加载照片…');
    const shown = render({ state: 'shown', url: 'blob:x' });
    expect([shown.find('img').attributes('src'), shown.find('img').attributes('alt')]).toEqual(['blob:x', '活动照片 2']);
  });

  it('emits retry from the 重试 button, full size and thumbnail alike', async () => {
    for (const size of ['full', 'thumb'] as const) {
      const w = render({ state: 'failed' }, size);
      await w.find('[data-test=photo-retry]').trigger('click');
      expect(w.findComponent(EventPhoto).emitted('retry')).toEqual([[]]);
    }
    expect(render({ state: 'failed' }, 'thumb').find('[data-test=photo-retry]').attributes('aria-label')).toBe('照片加载失败 · 重新加载第 2 张照片');
  });
});
