// Messages and callback requests, as the edge keeps them: rendering only; fetching is in main.ts.
import { ownerStrings as S } from './strings.ts';
import { table, when } from './table.ts';

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

export function messagesTable(messages: MessageRecord[]): HTMLElement {
  return table([S.col.time, S.col.who, S.col.number, S.col.message],
    messages.map((m) => [when(m.createdAt ?? m.at), m.name || '', m.number || '', m.message || m.text || '']));
}
