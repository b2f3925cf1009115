import { onMounted, ref, type Ref } from 'vue';

/**
 * A flag that turns true in the task after the component's first frame: a screen renders what
 * the first view shows at once and the rest (below the fold) in a task of its own, so no single
 * task holds a slow phone's main thread for the whole screen.
 */
export function usePaintedOnce(): Ref<boolean> {
  const painted = ref(false);
  onMounted(() => requestAnimationFrame(() => setTimeout(() => (painted.value = true))));
  return painted;
}
