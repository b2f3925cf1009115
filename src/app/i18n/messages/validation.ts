/** Words of the validation feature. Keys are namespaced by feature. */
export default {
  'zh-CN': { validation: {} },
  en: { validation: {} },
};
