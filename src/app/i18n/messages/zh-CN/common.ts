/** Words every screen uses: app name, navigation, generic actions, the update prompt. (zh-CN) */
export default {
  app: { name: '科普台账', syncLoading: '正在读取同步状态…' },
  nav: { home: '首页', events: '活动', map: '地图', reports: '报告', settings: '设置', review: '审核' },
  action: {
    save: '保存',
    cancel: '取消',
    delete: '删除',
    undo: '撤销',
    edit: '编辑',
    back: '返回',
    retry: '重试',
    confirm: '确定',
    close: '关闭',
    add: '添加',
    rename: '改名',
    retire: '停用',
    reinstate: '恢复使用',
  },
  pwa: { needRefresh: '新版本可用', refresh: '刷新', offlineReady: '已可离线使用', later: '稍后' },
  common: { loading: '加载中…', yes: '是', no: '否', notSet: '未填写' },
  basis: {
    legend: '计入',
    reviewed: '已审核',
    submitted: '全部已提交',
    label: { reviewed: '按已审核计', submitted: '按全部已提交计' },
  },
};
