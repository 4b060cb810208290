// The console's tables: one shape for every list (calls, messages, blocks…).
import { h } from '../shared/dom.ts';
import { ownerStrings as S } from './strings.ts';

/** A date and time in the console's language (short: the tables are narrow on a phone). */
export const when = (t: string | number | null | undefined) =>
  (t ? new Intl.DateTimeFormat(S.locale, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(t)) : '');

/** A table, or "None yet." when there are no rows. Cells are text or ready-made nodes. */
export function table(headers: string[], rows: (string | Node)[][]): HTMLElement {
  if (!rows.length) return h('p', {}, S.none);
  return h('table', {},
    h('thead', {}, h('tr', {}, ...headers.map((c) => h('th', { scope: 'col', textContent: c })))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => (typeof c === 'string' ? h('td', { textContent: c }) : h('td', {}, c)))))));
}
