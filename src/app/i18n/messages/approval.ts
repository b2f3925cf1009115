/** Words of what staff see about an approval (审核) on an event's detail. */
export default {
  'zh-CN': {
    approval: {
      since: {
        title: '审核通过后的修改',
        intro: '这条活动审核通过后被修改过，已回到“已提交”，请核对以下内容后重新审核：',
        line: '{field}：{before} → {after}',
        by: '{who} 于 {when} 修改',
        none: '—',
        someone: '某用户',
      },
    },
  },
  en: {
    approval: {
      since: {
        title: 'Changed since approval',
        intro: 'This event was changed after it was approved and is back to "submitted". Check these changes and review it again:',
        line: '{field}: {before} → {after}',
        by: 'changed by {who} at {when}',
        none: '—',
        someone: 'someone',
      },
    },
  },
};
