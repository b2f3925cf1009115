/** Words of the sync feature. Keys are namespaced by feature. */
export default {
  'zh-CN': { sync: {} },
  en: { sync: {} },
};
