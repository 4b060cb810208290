// Messages and callback requests, one list, newest first (inbox.ts merges them): who and when,
// the number as a tel: link, the text, the recording to play, and the owner's two actions:
// mark done (and undo) and delete (after a confirmation). Fetching is in main.ts; the actions
// call the edge themselves and update the entry in place.
import { edgeFetch } from '../shared/api.ts';
import { h } from '../shared/dom.ts';
import { inbox, telHref, type CallbackRecord, type InboxEntry, type MessageRecord } from './inbox.ts';
import { ownerStrings as S } from './strings.ts';
import { when } from './table.ts';
import './messages-list.css';

export type { CallbackRecord, MessageRecord } from './inbox.ts';

// The console is served by the edge itself: /owner/ → the edge is one level up.
const base = new URL('../', location.href).href;

/**
 * One player per message, kept across re-renders: a list refreshed by a new arrival must not
 * cut off the recording the owner is listening to (a media element moved within the same task
 * keeps playing).
 */
const players = new Map<number, HTMLAudioElement>();

function player(id: number): HTMLAudioElement {
  let a = players.get(id);
  if (!a) {
    a = h('audio', { controls: true, preload: 'none', src: `${base}api/owner/messages/${id}/audio` });
    players.set(id, a);
  }
  return a;
}

export function messagesTable(messages: MessageRecord[], callbacks: CallbackRecord[] = []): HTMLElement {
  const entries = inbox(messages, callbacks);
  const live = new Set(entries.filter((e) => e.audio === 'ok').map((e) => e.id));
  for (const id of players.keys()) if (!live.has(id)) players.delete(id);
  if (!entries.length) return h('p', {}, S.none);
  return h('ul', { className: 'inbox' }, ...entries.map(item));
}

function item(e: InboxEntry): HTMLElement {
  // Read at render time: the console picks its language (a live binding) before the first render.
  const I = S.inbox;
  const li = h('li', { className: 'entry' });
  li.dataset.kind = e.kind;
  li.dataset.key = e.key;
  const tel = telHref(e.number);
  const error = h('p', { className: 'error', attrs: { role: 'alert' } });
  const doneBtn = h('button', { type: 'button' });
  const deleteBtn = h('button', { type: 'button', textContent: I.delete });
  const actions = h('div', { className: 'row actions' }, doneBtn, deleteBtn);
  const showDone = (done: boolean) => {
    li.classList.toggle('done', done);
    li.dataset.done = String(done);
    doneBtn.textContent = done ? I.undo : I.markDone;
  };
  showDone(e.done);

  const act = async (method: 'PUT' | 'DELETE', path: string, body?: unknown) => {
    error.textContent = '';
    try {
      return await edgeFetch<{ doneAt: string | null }>(base, `api/owner/${e.table}/${e.id}${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    } catch {
      error.textContent = I.failed;
      return undefined;
    }
  };
  doneBtn.onclick = async () => {
    const r = await act('PUT', '/done', { done: li.dataset.done !== 'true' });
    if (r) showDone(r.doneAt !== null);
  };
  // Delete asks first, in place of the actions: nothing is lost to a slip of the finger.
  const confirmYes = h('button', { type: 'button', className: 'danger', textContent: I.delete });
  const confirmNo = h('button', { type: 'button', textContent: I.keep });
  const confirm = h('div', { className: 'row confirm', hidden: true, attrs: { role: 'group' } }, h('span', {}, I.confirmDelete), confirmYes, confirmNo);
  deleteBtn.onclick = () => { actions.hidden = true; confirm.hidden = false; confirmNo.focus(); };
  confirmNo.onclick = () => { confirm.hidden = true; actions.hidden = false; deleteBtn.focus(); };
  confirmYes.onclick = async () => {
    if (await act('DELETE', '').then(() => !error.textContent)) {
      players.delete(e.id);
      li.remove();
    }
  };

  const time = h('time', { dateTime: e.createdAt, textContent: when(e.createdAt) });
  const parts = [
    h('div', { className: 'head' },
      h('span', { className: 'kind' }, I.kind[e.kind]),
      h('strong', { className: 'who' }, e.who || I.unknown),
      time,
      h('span', { className: 'badge' }, I.done)),
    e.number ? h('p', { className: 'number' },
      tel ? h('a', { href: tel, textContent: e.number, attrs: { 'aria-label': I.call(e.number) } }) : e.number,
      e.wantsCallback && e.kind !== 'callback' ? ` · ${I.wantsCallback}` : '') : null,
    e.text ? h('p', { className: 'text', textContent: e.text }) : null,
    e.audio === 'ok' ? h('div', { className: 'audio' }, player(e.id), e.seconds ? h('span', { className: 'secs' }, I.seconds(e.seconds)) : null) : null,
    e.audio === 'missing' ? h('p', { className: 'missing' }, I.audioMissing) : null,
    actions, confirm, error];
  for (const p of parts) if (p) li.append(p);
  return li;
}
