/** Words every screen uses: app name, navigation, generic actions, the update prompt. (en) */
export default {
  app: { name: 'Kepu Ledger', syncLoading: 'Reading the sync state…' },
  nav: { home: 'Home', events: 'Events', map: 'Map', reports: 'Reports', settings: 'Settings', review: 'Review' },
  action: {
    save: 'Save',
    cancel: 'Cancel',
    delete: 'Delete',
    undo: 'Undo',
    edit: 'Edit',
    back: 'Back',
    retry: 'Retry',
    confirm: 'OK',
    close: 'Close',
    add: 'Add',
    rename: 'Rename',
    retire: 'Retire',
    reinstate: 'Reinstate',
  },
  pwa: { needRefresh: 'A new version is available', refresh: 'Reload', offlineReady: 'Ready to work offline', later: 'Later' },
  common: { loading: 'Loading…', yes: 'Yes', no: 'No', notSet: 'Not given' },
  basis: {
    legend: 'Count',
    reviewed: 'Reviewed',
    submitted: 'All submitted',
    label: { reviewed: 'Reviewed events', submitted: 'All submitted events' },
  },
};
