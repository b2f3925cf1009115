/** Words every screen uses: app name, navigation, generic actions. */
export default {
  'zh-CN': {
    app: { name: '科普台账' },
    nav: { home: '首页', events: '活动', map: '地图', reports: '报告', settings: '设置' },
    action: { save: '保存', cancel: '取消', delete: '删除', undo: '撤销', edit: '编辑', back: '返回', retry: '重试', confirm: '确定', close: '关闭' },
  },
  en: {
    app: { name: 'Kepu Ledger' },
    nav: { home: 'Home', events: 'Events', map: 'Map', reports: 'Reports', settings: 'Settings' },
    action: { save: 'Save', cancel: 'Cancel', delete: 'Delete', undo: 'Undo', edit: 'Edit', back: 'Back', retry: 'Retry', confirm: 'OK', close: 'Close' },
  },
};
