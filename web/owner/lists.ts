// Recent calls and messages, as the edge keeps them. Rendering only; fetching is in main.ts.
import { formatDuration, h } from '../shared/dom.ts';
import { ownerStrings as S } from './strings.ts';

export interface CallRecord {
  id: string;
  startedAt: string | number;
  visitor?: string;
  name?: string | null;
  message?: string | null;
  target?: string;
  answeredAt?: string | number | null;
  endedAt?: string | number | null;
  outcome?: string | null;
}

export interface MessageRecord {
  id?: string | number;
  createdAt?: string | number;
  /** The edge's store calls the message body `text`. */
  text?: string;
  at?: string | number;
  name?: string;
  number?: string;
  message?: string;
}

const when = (t: string | number | null | undefined) => (t ? new Date(t).toLocaleString() : '');

function table(headers: string[], rows: string[][]): HTMLElement {
  if (!rows.length) return h('p', {}, S.none);
  return h('table', {},
    h('thead', {}, h('tr', {}, ...headers.map((c) => h('th', { scope: 'col', textContent: c })))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', { textContent: c }))))));
}

export function callsTable(calls: CallRecord[]): HTMLElement {
  return table([S.col.time, S.col.who, S.col.duration, S.col.outcome, S.col.message], calls.map((c) => {
    const answered = !!c.answeredAt;
    const dur = answered && c.endedAt ? formatDuration(new Date(c.endedAt).getTime() - new Date(c.answeredAt!).getTime()) : '';
    return [when(c.startedAt), c.name || c.visitor || '', dur, S.outcome(c.outcome, answered, Boolean(c.endedAt)), c.message || ''];
  }));
}

export function messagesTable(messages: MessageRecord[]): HTMLElement {
  return table([S.col.time, S.col.who, S.col.number, S.col.message],
    messages.map((m) => [when(m.createdAt ?? m.at), m.name || '', m.number || '', m.message || m.text || '']));
}
