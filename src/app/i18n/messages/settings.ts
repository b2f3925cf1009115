/** Words of the settings feature. Keys are namespaced by feature. */
export default {
  'zh-CN': { settings: {} },
  en: { settings: {} },
};
