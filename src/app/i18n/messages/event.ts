/** Words of the event feature. Keys are namespaced by feature. */
export default {
  'zh-CN': { event: {} },
  en: { event: {} },
};
