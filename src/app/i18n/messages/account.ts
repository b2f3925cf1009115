/**
 * Words of the account forms (登录, 邀请码加入, 初始化, 用户, 修改密码): what each field is
 * called and, for every problem the form or the server can find with it, a sentence naming the
 * field and the rule (account-problems.ts picks them); why a sign-in ended; the password screen.
 * Merged by the screens that show them. Numbers come from ACCOUNT_LIMITS as named values.
 */
export default {
  'zh-CN': {
    account: {
      notice: {
        sessionExpired: '登录已过期（长时间未使用，或登录时间已久），请重新登录。本机的记录、未同步的修改和草稿都保留，登录后继续同步。',
        revoked: '登录已失效（可能已在别处退出、修改了密码或账号被停用），请重新登录。本机的记录、未同步的修改和草稿都保留，登录后继续同步。',
      },
      codePlaceholder: 'ABCD-EFGH-JKMN-PQRS',
      advanced: {
        show: '高级设置',
        hint: '服务器地址一般不用填：留空即连接打开本页的网站。',
      },
      fromLink: '邀请码已从邀请链接填好，请填写姓名、用户名和密码。',
      field: {
        code: '邀请码',
        setupCode: '设置码',
        name: '姓名',
        orgName: '单位名称',
        username: '用户名或手机号',
        password: '密码',
        currentPassword: '当前密码',
        newPassword: '新密码',
        confirmPassword: '确认新密码',
      },
      problem: {
        generic: '{field}：{problem}',
        any: { badText: '有无法保存的字符（如控制字符），请删掉后重试' },
        code: {
          required: '请填写邀请码',
          badCode: '邀请码应为 16 位字母和数字，如 ABCD-EFGH-JKMN-PQRS',
          tooLong: '邀请码太长，应为 16 位字母和数字',
        },
        setupCode: {
          required: '请填写设置码',
          tooLong: '设置码太长，请照服务器日志中的一次性设置码填写',
        },
        name: { required: '请填写姓名', tooLong: '姓名最多 {nameMax} 个字' },
        orgName: { required: '请填写单位名称', tooLong: '单位名称最多 {orgNameMax} 个字' },
        username: {
          required: '请填写用户名或手机号',
          tooShort: '用户名至少需要 {usernameMin} 个字符',
          tooLong: '用户名最多 {usernameMax} 个字符',
          badUsername: "用户名只能用小写字母、数字和 . _ {'@'} + -，并以字母或数字开头",
          usernameTaken: '该用户名或手机号已注册',
        },
        password: {
          required: '请填写密码',
          tooShort: '密码至少需要 {passwordMin} 位',
          tooLong: '密码最多 {passwordMax} 位',
        },
        currentPassword: { required: '请填写当前密码', wrongPassword: '当前密码不对' },
        newPassword: {
          required: '请填写新密码',
          tooShort: '新密码至少需要 {passwordMin} 位',
          tooLong: '新密码最多 {passwordMax} 位',
          samePassword: '新密码不能与当前密码相同',
        },
        confirmPassword: { required: '请再输入一次新密码', mismatch: '两次输入的新密码不一致' },
        maxUses: {
          notNumber: '可用次数应为数字',
          notInteger: '可用次数应为整数',
          notPositive: '可用次数至少为 1',
          tooLarge: '可用次数最多 {inviteMaxUses} 次',
        },
      },
      error: {
        inviteOutdated: '这是旧格式的 8 位邀请码，服务器升级后已停用。请向科协工作人员索取新的邀请码。',
        badInvite: '邀请码无效、已过期、已作废或已用完',
        wrongPassword: '当前密码不对',
        rateLimited: '尝试次数太多，请 15 分钟后再试',
        sessionExpired: '登录已过期，请重新登录',
        unauthenticated: '登录已失效，请重新登录',
        summary: '有 {n} 处需要修改：{list}',
      },
      password: {
        title: '修改密码',
        open: '修改登录密码',
        hint: '修改后本机保持登录；你在其他手机或电脑上的登录会退出，需要用新密码重新登录。',
        newPlaceholder: '至少 {passwordMin} 位',
        submit: '保存新密码',
        cancel: '取消',
        done: '密码已修改。其他设备需要用新密码重新登录。',
      },
    },
  },
  en: {
    account: {
      notice: {
        sessionExpired:
          'Your sign-in has expired (unused for a long time, or signed in long ago). Please sign in again. Records, unsynced changes and drafts stay on this device and sync after you sign in.',
        revoked:
          'Your sign-in is no longer valid (signed out elsewhere, password changed, or account disabled). Please sign in again. Records, unsynced changes and drafts stay on this device and sync after you sign in.',
      },
      codePlaceholder: 'ABCD-EFGH-JKMN-PQRS',
      advanced: {
        show: 'Advanced settings',
        hint: 'Leave the server address empty to use the site this page came from.',
      },
      fromLink: 'The invite code came with the link; fill in your name, username and password.',
      field: {
        code: 'Invite code',
        setupCode: 'Setup code',
        name: 'Name',
        orgName: 'Association name',
        username: 'Username or phone number',
        password: 'Password',
        currentPassword: 'Current password',
        newPassword: 'New password',
        confirmPassword: 'Confirm new password',
      },
      problem: {
        generic: '{field}: {problem}',
        any: { badText: 'contains characters that cannot be stored (such as control characters); remove them and retry' },
        code: {
          required: 'Enter the invite code',
          badCode: 'The invite code has 16 letters and digits, like ABCD-EFGH-JKMN-PQRS',
          tooLong: 'The invite code is too long; it has 16 letters and digits',
        },
        setupCode: {
          required: 'Enter the setup code',
          tooLong: 'The setup code is too long; copy the one-time code from the server log',
        },
        name: { required: 'Enter a name', tooLong: 'A name has at most {nameMax} characters' },
        orgName: { required: 'Enter the association’s name', tooLong: 'The name has at most {orgNameMax} characters' },
        username: {
          required: 'Enter a username or phone number',
          tooShort: 'A username needs at least {usernameMin} characters',
          tooLong: 'A username has at most {usernameMax} characters',
          badUsername: "A username uses lower-case letters, digits and . _ {'@'} + - and starts with a letter or digit",
          usernameTaken: 'That username or phone number is already registered',
        },
        password: {
          required: 'Enter a password',
          tooShort: 'A password needs at least {passwordMin} characters',
          tooLong: 'A password has at most {passwordMax} characters',
        },
        currentPassword: { required: 'Enter your current password', wrongPassword: 'The current password is wrong' },
        newPassword: {
          required: 'Enter a new password',
          tooShort: 'The new password needs at least {passwordMin} characters',
          tooLong: 'The new password has at most {passwordMax} characters',
          samePassword: 'The new password must differ from the current one',
        },
        confirmPassword: { required: 'Enter the new password again', mismatch: 'The two new passwords differ' },
        maxUses: {
          notNumber: 'Uses must be a number',
          notInteger: 'Uses must be a whole number',
          notPositive: 'At least 1 use',
          tooLarge: 'At most {inviteMaxUses} uses',
        },
      },
      error: {
        inviteOutdated: 'This is an old 8-character invite code, no longer accepted since the server was upgraded. Ask the staff for a new code.',
        badInvite: 'The invite code is unknown, expired, revoked or used up',
        wrongPassword: 'The current password is wrong',
        rateLimited: 'Too many attempts; try again in 15 minutes',
        sessionExpired: 'Your sign-in has expired; please sign in again',
        unauthenticated: 'Your sign-in is no longer valid; please sign in again',
        summary: '{n} fields need changing: {list}',
      },
      password: {
        title: 'Change password',
        open: 'Change your password',
        hint: 'This device stays signed in; your other phones and computers are signed out and need the new password.',
        newPlaceholder: 'At least {passwordMin} characters',
        submit: 'Save new password',
        cancel: 'Cancel',
        done: 'Password changed. Other devices must sign in again with the new password.',
      },
    },
  },
};
