/**
 * The public feedback page (issue 15): `/f/<code>` (an event's 活动评价 or the association's 意见箱)
 * and `/f/q/<查询码>` (status, the reply, 回访满意度). Its own build entry (vite.config.ts): plain
 * TypeScript and a small stylesheet, no framework, nothing shared with the app, so it stays tiny
 * (budget in tests/build/vite-build.test.ts) and works in WeChat's browser and old Android ones.
 *
 * Written in ES2017 syntax (no `?.`, `??`, object spread or `catch {}`; the build test parses the
 * output as ES2017). Every text from the server or the person is set with textContent: nothing is
 * ever parsed as HTML.
 *
 * Weak signal: what the person typed is kept in localStorage as they type; a submission is kept
 * until the server has answered and is sent again (same clientId, so it is stored once) when the
 * network returns (`online`) and with a growing delay meanwhile.
 */
import './feedback.css';

import { CATEGORY_WORDS, LIMITS, SATISFACTION_WORDS, STATE_WORDS } from './words';

interface Target {
  kind: 'event' | 'box';
  orgName: string;
  event?: { title: string; date: string; townshipName: string };
}

interface Status {
  ref: string;
  state: string;
  receivedAt: string;
  category: string | null;
  channel: string;
  event?: { title: string; date: string };
  reply?: { text: string; at: string };
  followUp?: { satisfaction: number; at: string };
  canFollowUp: boolean;
}

interface Draft {
  clientId: string;
  satisfaction: number | null;
  liked: string;
  suggest: string;
  text: string;
  category: string | null;
  phone: string;
  consent: boolean;
}

const root = document.getElementById('fb') as HTMLElement;

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (no innerHTML anywhere)

type Attrs = Record<string, string | boolean>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, children?: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (attrs) {
    for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (v === false || v === undefined) continue;
      if (k === 'class') e.className = String(v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  if (children) for (const c of children) if (c !== null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

function show(...nodes: Node[]): void {
  while (root.firstChild) root.removeChild(root.firstChild);
  for (const n of nodes) root.appendChild(n);
  window.scrollTo(0, 0);
}

function store(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch (e) {
    // Private mode or full: the page still works, only a reload forgets the text.
  }
}

function load<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as T);
  } catch (e) {
    return null;
  }
}

/** A v4 UUID, from crypto.getRandomValues (randomUUID is missing in older browsers). */
export function uuid(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let h = '';
  for (let i = 0; i < 16; i++) h += (b[i]! + 0x100).toString(16).slice(1);
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
}

function localDate(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600000);
  return d.getUTCFullYear() + '年' + (d.getUTCMonth() + 1) + '月' + d.getUTCDate() + '日';
}

interface Answer {
  status: number;
  body: { [k: string]: unknown } | null;
  retryAfter: number;
}

/** A JSON request; a network failure answers status 0. */
async function api(method: string, url: string, body?: unknown): Promise<Answer> {
  try {
    const init: RequestInit = { method: method, headers: { accept: 'application/json' }, credentials: 'omit', cache: 'no-store' };
    if (body !== undefined) {
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await fetch(url, init);
    let parsed: { [k: string]: unknown } | null = null;
    try {
      parsed = (await res.json()) as { [k: string]: unknown };
    } catch (e) {
      parsed = null;
    }
    return { status: res.status, body: parsed, retryAfter: Number(res.headers.get('retry-after')) || 0 };
  } catch (e) {
    return { status: 0, body: null, retryAfter: 0 };
  }
}

function radios(name: string, legend: string, choices: [string, string][], value: string | null, onPick: (v: string) => void): HTMLFieldSetElement {
  const box = el('div', { class: 'fb-choices' });
  const labels: HTMLLabelElement[] = [];
  choices.forEach(function (c, i) {
    const id = name + '-' + i;
    const input = el('input', { type: 'radio', name: name, id: id, value: c[0] });
    input.checked = value === c[0];
    const label = el('label', { class: 'fb-choice' + (input.checked ? ' is-on' : ''), for: id }, [
      input,
      el('span', { class: 'fb-dot' }),
      el('span', {}, [c[1]]),
    ]);
    input.addEventListener('change', function () {
      labels.forEach(function (l) {
        l.className = 'fb-choice';
      });
      label.className = 'fb-choice is-on';
      onPick(c[0]);
    });
    labels.push(label);
    box.appendChild(label);
  });
  return el('fieldset', {}, [el('legend', {}, [legend]), box]);
}

function textArea(id: string, label: string, max: number, value: string, onInput: (v: string) => void, hint?: string): HTMLElement {
  const area = el('textarea', { id: id, name: id, maxlength: String(max), rows: '4' });
  area.value = value;
  area.addEventListener('input', function () {
    onInput(area.value);
  });
  return el('div', { class: 'fb-field' }, [el('label', { class: 'fb-label', for: id }, [label]), area, hint ? el('p', { class: 'fb-hint' }, [hint]) : null]);
}

// ---------------------------------------------------------------------------------------------
// The form: /f/<code>

const PHONE_RE = /^(?:(?:\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$/;

function draftKey(code: string): string {
  return 'kl-fb-draft:' + code;
}
function pendingKey(code: string): string {
  return 'kl-fb-pending:' + code;
}

function emptyDraft(): Draft {
  return { clientId: uuid(), satisfaction: null, liked: '', suggest: '', text: '', category: null, phone: '', consent: false };
}

async function formPage(code: string): Promise<void> {
  const pending = load<Draft>(pendingKey(code));
  if (pending) {
    sendLoop(code, pending, null);
    return;
  }
  const t = await api('GET', '/api/public/feedback/target/' + encodeURIComponent(code));
  if (t.status === 404 || t.status === 400) {
    show(el('h1', { class: 'fb-title' }, ['二维码无效']), el('p', { class: 'fb-muted' }, ['没有找到这个活动或意见箱，请核对链接或向工作人员询问。']));
    return;
  }
  // Offline or a server fault: the form still works (the code is all it needs) and sends later.
  const target: Target = t.status === 200 && t.body ? (t.body as unknown as Target) : { kind: 'event', orgName: '' };
  renderForm(code, target, load<Draft>(draftKey(code)) || emptyDraft());
}

function renderForm(code: string, target: Target, d: Draft): void {
  const save = function (): void {
    store(draftKey(code), d);
  };
  const isBox = target.kind === 'box';
  const heading = isBox ? '意见箱' : '活动评价';
  const sub: string[] = [];
  if (target.event) sub.push(target.event.title, target.event.date + (target.event.townshipName ? ' · ' + target.event.townshipName : ''));
  if (target.orgName) sub.push(target.orgName);
  const error = el('div', { role: 'alert' });

  const parts: Node[] = [el('h1', { class: 'fb-title' }, [heading]), el('p', { class: 'fb-sub' }, [sub.join(' · ') || '欢迎留下您的意见'])];
  if (!isBox) {
    parts.push(
      radios(
        'satisfaction',
        '您对本次活动满意吗？',
        SATISFACTION_WORDS.map((w) => [String(w[0]), w[1]] as [string, string]),
        d.satisfaction === null ? null : String(d.satisfaction),
        function (v) {
          d.satisfaction = Number(v);
          save();
        },
      ),
      textArea('liked', '您喜欢什么？（选填）', LIMITS.liked, d.liked, function (v) {
        d.liked = v;
        save();
      }),
      textArea('suggest', '您有什么建议？（选填）', LIMITS.suggest, d.suggest, function (v) {
        d.suggest = v;
        save();
      }),
    );
  } else {
    parts.push(
      radios('category', '您要反映的是', CATEGORY_WORDS, d.category, function (v) {
        d.category = v;
        save();
      }),
      textArea('text', '您的意见', LIMITS.text, d.text, function (v) {
        d.text = v;
        save();
      }),
    );
  }
  const phone = el('input', { type: 'tel', id: 'phone', name: 'phone', maxlength: String(LIMITS.phone + 6), autocomplete: 'tel', inputmode: 'tel' });
  phone.value = d.phone;
  phone.addEventListener('input', function () {
    d.phone = phone.value;
    save();
  });
  const consent = el('input', { type: 'checkbox', id: 'consent', name: 'consent' });
  consent.checked = d.consent;
  const consentLabel = el('label', { class: 'fb-consent' + (d.consent ? ' is-on' : ''), for: 'consent' }, [
    consent,
    el('span', { class: 'fb-box' }),
    el('span', {}, ['我同意按上述目的使用我的电话号码（依据《个人信息保护法》）']),
  ]);
  consent.addEventListener('change', function () {
    d.consent = consent.checked;
    consentLabel.className = 'fb-consent' + (consent.checked ? ' is-on' : '');
    save();
  });
  parts.push(
    el('div', { class: 'fb-card' }, [
      el('div', { class: 'fb-field' }, [el('label', { class: 'fb-label', for: 'phone' }, ['联系电话（选填）']), phone]),
      el('p', { class: 'fb-notice', id: 'phone-notice' }, [
        '留下电话仅用于我们就您反映的问题回复和回访，不作他用、不向第三方提供；办结后保存不超过三年即删除。不留电话也可以凭查询码查看答复。',
      ]),
      consentLabel,
    ]),
  );
  // The honeypot: invisible to people and to screen readers; a bot fills it.
  const trap = el('input', { type: 'text', id: 'website', name: 'website', tabindex: '-1', autocomplete: 'off' });
  parts.push(el('div', { class: 'fb-trap', 'aria-hidden': 'true' }, [el('label', { for: 'website' }, ['网站']), trap]));
  const button = el('button', { type: 'submit', class: 'fb-button' }, ['提交']);
  parts.push(error, button);
  const form = el('form', { novalidate: true }, parts);
  // A correction clears the last complaint.
  const clearError = function (): void {
    if (error.textContent) {
      error.textContent = '';
      error.className = '';
    }
  };
  form.addEventListener('input', clearError);
  form.addEventListener('change', clearError);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    error.textContent = '';
    error.className = '';
    const problem = check(d, isBox);
    if (problem) {
      error.className = 'fb-error';
      error.textContent = problem;
      return;
    }
    const body: Draft & { website?: string } = JSON.parse(JSON.stringify(d)) as Draft;
    if (trap.value) body.website = trap.value;
    store(pendingKey(code), body);
    sendLoop(code, body, target);
  });
  show(form);
}

function check(d: Draft, isBox: boolean): string | null {
  const hasText = d.liked.trim() !== '' || d.suggest.trim() !== '' || d.text.trim() !== '';
  if (!isBox && d.satisfaction === null && !hasText) return '请选择满意度或写下您的意见。';
  if (isBox && !hasText) return '请写下您的意见。';
  const phone = d.phone.replace(/[\s()（）-]/g, '');
  if (phone !== '' && !PHONE_RE.test(d.phone.replace(/[\s()（）]/g, ''))) return '电话号码格式不对，请填写手机号或带区号的固话，或留空。';
  if (phone !== '' && !d.consent) return '留电话需要勾选同意；不想留电话请清空号码。';
  return null;
}

/** The request body the API takes (the draft's fields, empty ones left out). */
function requestOf(code: string, d: Draft & { website?: string }): Record<string, unknown> {
  const b: Record<string, unknown> = { code: code, clientId: d.clientId };
  if (d.satisfaction !== null) b.satisfaction = d.satisfaction;
  if (d.liked.trim()) b.liked = d.liked;
  if (d.suggest.trim()) b.suggest = d.suggest;
  if (d.text.trim()) b.text = d.text;
  if (d.category) b.category = d.category;
  if (d.phone.trim()) {
    b.phone = d.phone.trim();
    b.consent = d.consent;
  }
  if (d.website) b.website = d.website;
  return b;
}

/** Sends the kept submission until the server answers; retries on no network, 5xx and 429. */
function sendLoop(code: string, d: Draft & { website?: string }, target: Target | null): void {
  let delay = 2000;
  let timer = 0;
  let busy = false;
  const note = el('p', { class: 'fb-wait', role: 'status' }, ['正在提交…']);
  const again = el('button', { type: 'button', class: 'fb-button' }, ['立即重试']);
  // What is kept, so the person sees nothing was lost.
  const kept: string[] = [];
  const word = SATISFACTION_WORDS.filter((w) => w[0] === d.satisfaction)[0];
  if (word) kept.push('满意度：' + word[1]);
  if (d.liked.trim()) kept.push('喜欢：' + d.liked.trim());
  if (d.suggest.trim()) kept.push('建议：' + d.suggest.trim());
  if (d.text.trim()) kept.push(d.text.trim());
  show(
    el('h1', { class: 'fb-title' }, ['提交意见']),
    note,
    el('div', { class: 'fb-card' }, [el('p', { class: 'fb-kept', id: 'kept' }, [kept.join('\n')])]),
    again,
  );
  const attempt = async function (): Promise<void> {
    if (busy) return;
    busy = true;
    window.clearTimeout(timer);
    note.textContent = '正在提交…';
    const r = await api('POST', '/api/public/feedback', requestOf(code, d));
    busy = false;
    if (r.status === 201 && r.body) {
      window.removeEventListener('online', onOnline);
      store(pendingKey(code), null);
      store(draftKey(code), null);
      const mine = load<{ queryCode: string; ref: string }[]>('kl-fb-mine') || [];
      mine.unshift({ queryCode: String(r.body.queryCode), ref: String(r.body.ref) });
      store('kl-fb-mine', mine.slice(0, 20));
      donePage(String(r.body.queryCode), String(r.body.ref));
      return;
    }
    if (r.status >= 400 && r.status < 500 && r.status !== 429 && r.status !== 408) {
      // Refused as sent: back to the form with the text, and why.
      window.removeEventListener('online', onOnline);
      store(pendingKey(code), null);
      store(draftKey(code), d);
      renderForm(code, target || { kind: 'event', orgName: '' }, d);
      const alert = root.querySelector('[role="alert"]');
      if (alert) {
        alert.className = 'fb-error';
        alert.textContent = r.status === 404 ? '这个二维码已失效，请向工作人员询问。' : '提交的内容有误，请检查后再试。';
      }
      return;
    }
    const wait = r.status === 429 && r.retryAfter > 0 ? r.retryAfter * 1000 : delay;
    delay = Math.min(delay * 2, 60000);
    note.textContent =
      r.status === 0
        ? '网络不佳，您的意见已保存在本机，联网后会自动提交（关掉本页后再次打开也会继续提交）。'
        : r.status === 429
          ? '提交太频繁，' + Math.ceil(wait / 1000) + ' 秒后自动重试。'
          : '服务器暂时无法接收，已保存在本机，稍后自动重试。';
    timer = window.setTimeout(attempt, wait);
  };
  const onOnline = function (): void {
    delay = 2000;
    void attempt();
  };
  window.addEventListener('online', onOnline);
  again.addEventListener('click', function () {
    void attempt();
  });
  void attempt();
}

function donePage(queryCode: string, ref: string): void {
  const link = '/f/q/' + queryCode;
  show(
    el('h1', { class: 'fb-title' }, ['提交成功，谢谢您！']),
    el('div', { class: 'fb-card' }, [
      el('p', {}, ['您的查询码（请截图或记下）：']),
      el('p', { class: 'fb-code', id: 'query-code' }, [queryCode]),
      el('p', { class: 'fb-muted' }, ['编号 ' + ref + '。我们会在规定时限内受理和答复，您可凭查询码查看办理进度和答复。']),
      el('a', { class: 'fb-link', href: link }, ['查看办理进度（可收藏此页）']),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// The status page: /f/q/<查询码>

async function statusPage(queryCode: string): Promise<void> {
  if (!queryCode) {
    lookupForm('');
    return;
  }
  const r = await api('GET', '/api/public/feedback/' + encodeURIComponent(queryCode));
  if (r.status === 200 && r.body) {
    renderStatus(queryCode, r.body as unknown as Status);
    return;
  }
  lookupForm(
    queryCode,
    r.status === 404 ? '没有找到这个查询码，请核对。' : r.status === 429 ? '查询太频繁，请稍后再试。' : '网络不佳，暂时查不到，请稍后再试。',
  );
}

function lookupForm(value: string, problem?: string): void {
  const input = el('input', { type: 'text', id: 'q', name: 'q', autocomplete: 'off', maxlength: '20', autocapitalize: 'characters' });
  input.value = value;
  const form = el('form', {}, [
    el('h1', { class: 'fb-title' }, ['查询办理进度']),
    problem ? el('p', { class: 'fb-error', role: 'alert' }, [problem]) : null,
    el('div', { class: 'fb-field' }, [el('label', { class: 'fb-label', for: 'q' }, ['查询码']), input]),
    el('button', { type: 'submit', class: 'fb-button' }, ['查询']),
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const q = input.value.toUpperCase().replace(/[^A-Z0-9]/g, '');
    if (q) window.location.href = '/f/q/' + q;
  });
  show(form);
}

function renderStatus(queryCode: string, s: Status): void {
  const facts = el('dl', {}, [
    el('dt', {}, ['编号']),
    el('dd', {}, [s.ref]),
    el('dt', {}, ['状态']),
    el('dd', { id: 'state' }, [STATE_WORDS[s.state] || s.state]),
    el('dt', {}, ['收到日期']),
    el('dd', {}, [localDate(s.receivedAt)]),
  ]);
  if (s.event) {
    facts.appendChild(el('dt', {}, ['活动']));
    facts.appendChild(el('dd', {}, [s.event.title + '（' + s.event.date + '）']));
  }
  const parts: Node[] = [el('h1', { class: 'fb-title' }, ['办理进度']), el('div', { class: 'fb-card' }, [facts])];
  if (s.reply) {
    parts.push(
      el('div', { class: 'fb-card' }, [
        el('h2', { class: 'fb-label' }, ['答复（' + localDate(s.reply.at) + '）']),
        el('p', { class: 'fb-reply', id: 'reply' }, [s.reply.text]),
      ]),
    );
  } else {
    parts.push(el('p', { class: 'fb-muted' }, ['我们正在办理，答复后会显示在这里。']));
  }
  if (s.followUp) {
    const word = SATISFACTION_WORDS.filter((w) => w[0] === s.followUp!.satisfaction)[0];
    parts.push(el('p', { class: 'fb-card', id: 'follow-up-done' }, ['您对答复的评价：' + (word ? word[1] : String(s.followUp.satisfaction)) + '。谢谢！']));
  } else if (s.canFollowUp) {
    parts.push(followUpForm(queryCode));
  }
  show.apply(null, parts);
}

function followUpForm(queryCode: string): HTMLElement {
  let pick: number | null = null;
  let comment = '';
  const error = el('div', { role: 'alert' });
  const button = el('button', { type: 'submit', class: 'fb-button' }, ['提交回访评价']);
  const form = el('form', { novalidate: true }, [
    radios(
      'followup',
      '您对我们的答复满意吗？（回访满意度）',
      SATISFACTION_WORDS.map((w) => [String(w[0]), w[1]] as [string, string]),
      null,
      function (v) {
        pick = Number(v);
      },
    ),
    textArea('comment', '还想说的话（选填）', LIMITS.comment, '', function (v) {
      comment = v;
    }),
    error,
    button,
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    if (pick === null) {
      error.className = 'fb-error';
      error.textContent = '请选择满意度。';
      return;
    }
    button.disabled = true;
    const body: Record<string, unknown> = { satisfaction: pick };
    if (comment.trim()) body.comment = comment;
    const r = await api('POST', '/api/public/feedback/' + encodeURIComponent(queryCode) + '/follow-up', body);
    button.disabled = false;
    if (r.status === 200 && r.body) {
      renderStatus(queryCode, r.body as unknown as Status);
      return;
    }
    error.className = 'fb-error';
    error.textContent = r.status === 0 ? '网络不佳，请稍后再提交。' : r.status === 409 ? '已评价过或暂不能评价。' : '提交失败，请稍后再试。';
  });
  return el('div', { class: 'fb-card' }, [form]);
}

// ---------------------------------------------------------------------------------------------

function start(): void {
  const path = window.location.pathname.replace(/\/+$/, '');
  const m = /^\/f\/q(?:\/([^/]*))?$/.exec(path);
  if (m) {
    void statusPage(
      decodeURIComponent(m[1] || '')
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, ''),
    );
    return;
  }
  const c = /^\/f\/([^/]+)$/.exec(path);
  const code = c
    ? decodeURIComponent(c[1]!)
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
    : '';
  if (!code) {
    lookupForm('');
    return;
  }
  void formPage(code);
}

start();
