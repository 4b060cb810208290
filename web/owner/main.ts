// The owner console: sign in, stay registered, take calls, see who called.
import { edgeFetch, EdgeError } from '../shared/api.ts';

import { handleIncoming, type IncomingCall } from './incoming.ts';
import { callsTable, type CallRecord } from './calls-list.ts';
import { messagesTable, type CallbackRecord, type MessageRecord } from './messages-list.ts';
import { Registration, type LostWhy, type RegState } from './registration.ts';
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
const callPanel = $('call');
const callStatus = $('call-status');
const audio = $<HTMLAudioElement>('remote-audio');
const availability = $<HTMLInputElement>('available');
const notifyBtn = $<HTMLButtonElement>('notify');
const soundHint = $('sound-hint');

const hoursPanel = mountHoursPanel($('hours-panel'), base);
const blocksPanel = mountBlocksPanel($('blocks-panel'), base);

let ctx: AudioContext | undefined;
const audioCtx = () => (ctx ??= new AudioContext());
let registration: Registration | undefined;

function showState(s: RegState, retryMs?: number, why?: LostWhy) {
  regStatus.dataset.state = s;
  if (why) regStatus.dataset.why = why;
  else delete regStatus.dataset.why;
  const secs = Math.round((retryMs ?? 0) / 1000);
  regStatus.textContent = s === 'reconnecting' ? (why ? S.status.waiting[why](secs) : S.status.reconnecting(secs)) : S.status[s];
  if (s === 'logged-out') showLogin();
}

function showLogin() {
  consoleEl.hidden = true;
  loginForm.hidden = false;
  loginForm.querySelector('input')?.focus();
}

async function refreshLists() {
  const [calls, messages] = await Promise.all([
    edgeFetch<{ calls: CallRecord[] }>(base, 'api/owner/calls').catch(() => ({ calls: [] })),
    edgeFetch<{ messages: MessageRecord[]; callbacks: CallbackRecord[] }>(base, 'api/owner/messages').catch(() => ({ messages: [], callbacks: [] })),
  ]);
  $('calls').replaceChildren(callsTable(calls.calls, blocksPanel.blockButton));
  $('messages').replaceChildren(messagesTable(messages.messages, messages.callbacks));
  return calls.calls;
}

async function messageFor(visitor: string | undefined) {
  const calls = await refreshLists();
  return calls.find((c) => c.visitor === visitor && !c.endedAt)?.message ?? undefined;
}

async function startConsole() {
  loginForm.hidden = true;
  consoleEl.hidden = false;
  // Reloaded with a valid cookie: no click yet, so the ringtone would be blocked until one.
  if (audioCtx().state !== 'running') {
    soundHint.textContent = S.enableSound;
    document.addEventListener('click', () => { void audioCtx().resume(); void audio.play().catch(() => {}); soundHint.textContent = ''; }, { once: true });
  }
  notifyBtn.hidden = typeof Notification === 'undefined' || Notification.permission !== 'default';
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
        done: () => { registration!.idle(); void refreshLists(); },
      });
    },
  });
  registration.start();
  edgeFetch<{ available: boolean }>(base, 'api/owner/availability')
    .then((a) => { availability.checked = a.available; })
    .catch(() => {});
  void refreshLists();
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
    const r = await edgeFetch<{ available: boolean }>(base, 'api/owner/availability', { method: 'PUT', body: JSON.stringify({ available: want }) });
    availability.checked = r.available;
  } catch {
    availability.checked = !want;
  }
};

notifyBtn.onclick = async () => {
  await Notification.requestPermission();
  notifyBtn.hidden = Notification.permission !== 'default';
};

$<HTMLButtonElement>('logout').onclick = async () => {
  registration?.stop();
  await edgeFetch(base, 'api/owner/logout', { method: 'POST' }).catch(() => {});
  showLogin();
};

// A valid cookie skips the login form.
edgeFetch(base, 'api/owner/availability').then(() => startConsole(), () => showLogin());

