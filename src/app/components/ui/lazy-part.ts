/**
 * An optional part of a screen loaded on demand: staff-only code and the feedback parts, which the
 * service worker does not precache (a volunteer's first visit stays within its budget). Offline
 * before the part was ever fetched, its chunk cannot load — that is expected, not a defect: the
 * screen shows `offline` (or nothing) and logs nothing, and the next time the part is shown it tries
 * again (unlike Vue's defineAsyncComponent, which logs the failure as an error and, with an
 * errorComponent, keeps nothing to retry with). A failure while the browser says it is online is a
 * real error and is logged.
 *
 * A part asks for its code only after the screen around it has been shown (`afterNextPaint`): on a
 * slow link the screen's own content is drawn first, and the part's download never stands before
 * it (Lighthouse counted the 获奖记录 section's five files in the report's largest paint).
 */
import { defineComponent, h, shallowRef, type Component } from 'vue';

type Loaded = Component | { default: Component };

/**
 * Resolves once the browser has shown the frame that the current render produces: the frame after
 * the next one has begun (a frame's paint is presented after its own callbacks and the next task
 * may run before that). A hidden tab shows no frames, so it never waits longer than `atMostMs`.
 */
export function afterNextPaint(atMostMs = 250): Promise<void> {
  return new Promise((done) => {
    if (typeof requestAnimationFrame !== 'function') return done();
    const fallback = setTimeout(done, atMostMs);
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        clearTimeout(fallback);
        done();
      }),
    );
  });
}

export function lazyPart(loader: () => Promise<Loaded>, offline?: () => ReturnType<typeof h>): Component {
  let loaded: Component | null = null;
  return defineComponent({
    name: 'LazyPart',
    inheritAttrs: false,
    setup(_, { attrs, slots }) {
      const part = shallowRef<Component | null>(loaded);
      const failed = shallowRef(false);
      if (!loaded) {
        afterNextPaint()
          .then(loader)
          .then(
            (m) => {
              loaded = typeof m === 'object' && m !== null && 'default' in m ? (m.default as Component) : (m as Component);
              part.value = loaded;
            },
            (e: unknown) => {
              if (typeof navigator === 'undefined' || navigator.onLine) console.error('a part of the screen failed to load', e);
              failed.value = true;
            },
          );
      }
      return () => (part.value ? h(part.value, attrs, slots) : failed.value && offline ? offline() : null);
    },
  });
}

/**
 * Renders its content once the screen around it has been shown (`afterNextPaint`): for a part
 * below the fold whose code is already there but whose render is long (the report's tables), so
 * the screen's first render is one shorter task and the part's a second one, not one long task.
 */
export const AfterPaint = defineComponent({
  name: 'AfterPaint',
  setup(_, { slots }) {
    const ready = shallowRef(false);
    void afterNextPaint().then(() => (ready.value = true));
    return () => (ready.value ? slots.default?.() : null);
  },
});
