// The owner console: sign in, stay registered, take calls, see who called, live.
import { edgeFetch, EdgeError } from '../shared/api.ts';

import { handleIncoming, type IncomingCall } from './incoming.ts';
import { callsTable, type CallRecord } from './calls-list.ts';
import { messagesTable, type CallbackRecord, type MessageRecord } from './messages-list.ts';
import { Registration, type LostWhy, type RegState } from './registration.ts';
import { statusLine, type Availability, type RegView } from './status-line.ts';
import { LiveChannel, coalesce, type OwnerEventMessage } from './live.ts';
import { unseenCount } from './attention.ts';
import { askPermission, inBackground, notificationsSupported, notifyIncoming, notifyMessage, onNotificationClick, serviceWorker, showCount } from './notify.ts';
import { mountPhonesPanel } from './phones-panel.ts';
import { ownerStrings as S } from './strings.ts';
import { mountHoursPanel } from './hours-panel.ts';
import { mountBlocksPanel } from './blocks-panel.ts';
import { chooseConsoleLanguage } from './language.ts';

// The words first: everything below reads S (a live binding to the chosen catalogue).
chooseConsoleLanguage();

// The console is served by the edge itself: /owner/ → the edge is one level up.
const base = new URL('../', location.href).href;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const loginForm = $<HTMLFormElement>('login');
const loginError = $('login-error');
const consoleEl = $('console');
const regStatus = $('reg-status');
const liveHint = $('live-status');
const callPanel = $('call');
const callStatus = $('call-status');
const audio = $<HTMLAudioElement>('remote-audio');
const availability = $<HTMLInputElement>('available');
const notifyBtn = $<HTMLButtonElement>('notify');
const notifyHint = $('notify-hint');
const soundHint = $('sound-hint');

const hoursPanel = mountHoursPanel($('hours-panel'), base);
const blocksPanel = mountBlocksPanel($('blocks-panel'), base);

let ctx: AudioContext | undefined;
const audioCtx = () => (ctx ??= new AudioContext());
let registration: Registration | undefined;
let live: LiveChannel | undefined;
let reg: RegView = { state: 'offline' };
let avail: Availability | undefined;

function renderStatus() {
  regStatus.dataset.state = reg.state;
  if (reg.why) regStatus.dataset.why = reg.why;
  else delete regStatus.dataset.why;
  if (avail?.reason) regStatus.dataset.reason = avail.reason;
  else delete regStatus.dataset.reason;
  regStatus.textContent = statusLine(reg, avail);
}

function showState(s: RegState, retryMs?: number, why?: LostWhy) {
  reg = { state: s, retryMs, why };
  renderStatus();
  if (s === 'logged-out') showLogin();
}

function showLogin() {
  live?.stop();
  consoleEl.hidden = true;
  loginForm.hidden = false;
  loginForm.querySelector('input')?.focus();
}

// What the owner has not seen: counted from the lists, cleared by looking at the console.
const SEEN_KEY = 'homeline.owner.seenAt';
let calls: CallRecord[] = [];
let messages: MessageRecord[] = [];
const seenAt = () => Number(localStorage.getItem(SEEN_KEY) ?? 0);
function recount() {
  if (!inBackground()) localStorage.setItem(SEEN_KEY, String(Date.now()));
  showCount(unseenCount(calls, messages, seenAt()));
}
document.addEventListener('visibilitychange', recount);
window.addEventListener('focus', recount);

// One fetch per list however many events arrive together (live.ts coalesce).
const refreshCalls = coalesce(async () => {
  calls = (await edgeFetch<{ calls: CallRecord[] }>(base, 'api/owner/calls')).calls;
  $('calls').replaceChildren(callsTable(calls, blocksPanel.blockButton));
  recount();
});
const refreshMessages = coalesce(async () => {
  const list = await edgeFetch<{ messages: MessageRecord[]; callbacks: CallbackRecord[] }>(base, 'api/owner/messages');
  messages = list.messages;
  $('messages').replaceChildren(messagesTable(list.messages, list.callbacks));
  recount();
});
const refreshStatus = coalesce(async () => {
  avail = await edgeFetch<Availability>(base, 'api/owner/availability');
  availability.checked = avail.available;
  renderStatus();
});

function onLiveEvent(e: OwnerEventMessage | { type: 'resync' }) {
  if (e.type === 'call' || e.type === 'resync') void refreshCalls();
  if (e.type === 'message' || e.type === 'resync') void refreshMessages();
  if (e.type === 'message') void notifyMessage(typeof e.summary === 'string' ? e.summary : undefined);
  if (e.type === 'status' || e.type === 'resync') void refreshStatus();
  // Other panels (hours, blocks, phones…) listen for their own event types here.
  window.dispatchEvent(new CustomEvent('homeline:owner-event', { detail: e }));
}

async function messageFor(visitor: string | undefined) {
  await refreshCalls();
  return calls.find((c) => c.visitor === visitor && !c.endedAt)?.message ?? undefined;
}

function showNotifyButton() {
  const p = notificationsSupported() ? Notification.permission : 'unsupported';
  notifyBtn.hidden = p !== 'default';
  notifyHint.textContent = p === 'denied' ? S.notifyDenied : '';
}

async function startConsole() {
  loginForm.hidden = true;
  consoleEl.hidden = false;
  // Reloaded with a valid cookie: no click yet, so the ringtone would be blocked until one.
  if (audioCtx().state !== 'running') {
    soundHint.textContent = S.enableSound;
    document.addEventListener('click', () => { void audioCtx().resume(); void audio.play().catch(() => {}); soundHint.textContent = ''; }, { once: true });
  }
  showNotifyButton();
  void serviceWorker();
  registration?.stop();
  let call: IncomingCall | undefined;
  registration = new Registration(base, {
    state: showState,
    // The call on a lost connection ends with it (or just did, by the phone system's own BYE).
    lost: (why) => call?.cut(S.endedBecause[why], why === 'phone-system'),
    incoming(session, info) {
      if (registration!.busy) { session.terminate({ status_code: 486 }); return; }
      registration!.busy = true;
      call = handleIncoming(session, info, {
        panel: callPanel, status: callStatus, audio, ctx: audioCtx, messageFor,
        notify: notifyIncoming,
        done: () => { registration!.idle(); },
      });
    },
  });
  registration.start();
  live?.stop();
  live = new LiveChannel(new URL('api/owner/events', base).href, {
    event: onLiveEvent,
    state: (s) => { liveHint.textContent = s === 'live' ? '' : S.liveLost; },
  });
  live.start();
  mountPhonesPanel($('phones'), base);
  void hoursPanel.refresh().catch(() => {});
  void blocksPanel.refresh().catch(() => {});
}

loginForm.onsubmit = async (e) => {
  e.preventDefault();
  audioCtx(); // created inside the click: the ringtone may play later
  const password = (loginForm.elements.namedItem('password') as HTMLInputElement).value;
  loginError.textContent = '';
  try {
    await edgeFetch(base, 'api/owner/login', { method: 'POST', body: JSON.stringify({ password }) });
    await startConsole();
  } catch (err) {
    const ee = err as EdgeError;
    loginError.textContent = ee.status === 401 ? S.badPassword : ee.status === 429 ? S.tooManyLogins(ee.retryAfterSeconds) : S.loginFailed;
  }
};

availability.onchange = async () => {
  const want = availability.checked;
  try {
    avail = await edgeFetch<Availability>(base, 'api/owner/availability', { method: 'PUT', body: JSON.stringify({ available: want }) });
    availability.checked = avail.available;
    renderStatus();
  } catch {
    availability.checked = !want;
  }
};

notifyBtn.onclick = async () => {
  await askPermission();
  showNotifyButton();
};

onNotificationClick(() => { window.focus(); document.getElementById('answer')?.focus(); });

$<HTMLButtonElement>('logout').onclick = async () => {
  registration?.stop();
  await edgeFetch(base, 'api/owner/logout', { method: 'POST' }).catch(() => {});
  showLogin();
};

// A valid cookie skips the login form. The probe answers 200 either way: no 401 on first load.
edgeFetch<{ owner: boolean }>(base, 'api/owner/session')
  .then((s) => (s.owner ? startConsole() : showLogin()), () => showLogin());
