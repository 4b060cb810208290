// The console's tables: one shape for every list (calls, messages, blocks…).
import { h } from '../shared/dom.ts';
import { ownerStrings as S } from './strings.ts';

/** A date and time in the console's language (short: the tables are narrow on a phone). */
export const when = (t: string | number | null | undefined) =>
  (t ? new Intl.DateTimeFormat(S.locale, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(t)) : '');

export type Row = (string | Node)[] | { cells: (string | Node)[]; attrs?: Record<string, string> };

/**
 * A table, or "None yet." when there are no rows. Cells are text or ready-made nodes. Each cell
 * carries its column's name (data-label): on a narrow screen the rows stack as cards and the
 * CSS shows the name before the value (owner.css).
 */
export function table(headers: string[], rows: Row[]): HTMLElement {
  if (!rows.length) return h('p', {}, S.none);
  const cell = (c: string | Node, i: number) => {
    const attrs = { 'data-label': headers[i] ?? '' };
    return typeof c === 'string' ? h('td', { textContent: c, attrs }) : h('td', { attrs }, c);
  };
  return h('table', { className: 'cards' },
    h('thead', {}, h('tr', {}, ...headers.map((c) => h('th', { scope: 'col', textContent: c })))),
    h('tbody', {}, ...rows.map((r) => {
      const { cells, attrs } = Array.isArray(r) ? { cells: r, attrs: {} } : r;
      return h('tr', { attrs }, ...cells.map(cell));
    })));
}
