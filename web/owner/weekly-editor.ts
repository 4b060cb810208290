// A weekly schedule's windows, as the console edits them: each window some days, from, to, and a
// Remove button; "Add hours" appends one. The opening-hours panel and each phone's ring rule use
// it, so a schedule of several windows is shown and saved back whole in both. The time zone is
// the caller's: it belongs to the schedule, not to a window.
import { h } from '../shared/dom.ts';
import { ownerStrings } from './strings.ts';
import type { HoursInterval } from '../../server/owner/hours.ts';

type Day = HoursInterval['days'][number];
const DAYS: readonly Day[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** What "Add hours" (and a phone newly set to ring within hours) starts from. */
const DEFAULT_WINDOW: HoursInterval = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' };

export interface WeeklyEditor {
  /** The windows, then the "Add hours" button. */
  el: HTMLElement;
  /** Shows these windows instead of the ones shown. */
  set(weekly: readonly HoursInterval[]): void;
  add(w?: HoursInterval): void;
  /** The windows as shown; one with no day ticked is never open, so it is left out. */
  read(): HoursInterval[];
  count(): number;
}

interface Row { el: HTMLElement; days: HTMLInputElement[]; from: HTMLInputElement; to: HTMLInputElement; remove: HTMLButtonElement }

export function weeklyEditor(): WeeklyEditor {
  // Read at mount, not at import: ownerStrings is the catalogue the console chose (language.ts).
  const S = ownerStrings.weekly;
  const list = h('div', { className: 'weekly' });
  const addButton = h('button', { type: 'button', textContent: S.add });
  let rows: Row[] = [];

  // Each field's name says which window it is in once there are several ("Monday (hours 2 of 3)").
  const relabel = () => rows.forEach((r, i) => {
    const name = (what: string) => (rows.length > 1 ? S.inWindow(what, i + 1, rows.length) : what);
    r.days.forEach((c, d) => c.setAttribute('aria-label', name(S.dayNames[DAYS[d]])));
    r.from.setAttribute('aria-label', name(S.from));
    r.to.setAttribute('aria-label', name(S.to));
    r.remove.setAttribute('aria-label', name(S.remove));
  });

  const add = (w: HoursInterval = DEFAULT_WINDOW) => {
    const days = DAYS.map((d) => h('input', { type: 'checkbox', value: d, checked: w.days.includes(d) }));
    const from = h('input', { type: 'time', value: w.from, required: true });
    // <input type=time> cannot say 24:00: midnight as "to" is 00:00, which the edge reads the same.
    const to = h('input', { type: 'time', value: w.to === '24:00' ? '00:00' : w.to, required: true });
    const remove = h('button', { type: 'button', textContent: S.remove });
    const el = h('div', { className: 'hours-rule' },
      h('fieldset', {}, ...days.map((c, i) => h('label', {}, c, S.dayShort[DAYS[i]]))),
      // The times and Remove wrap as one line after the days, not one field at a time.
      h('div', { className: 'times' }, h('label', {}, S.from, from), h('label', {}, S.to, to), remove));
    const row = { el, days, from, to, remove };
    remove.onclick = () => {
      rows = rows.filter((r) => r !== row);
      el.remove();
      relabel();
    };
    rows.push(row);
    list.append(el);
    relabel();
  };

  addButton.onclick = () => add();
  return {
    el: h('div', {}, list, h('div', { className: 'row' }, addButton)),
    set(weekly) {
      rows = [];
      list.replaceChildren();
      for (const w of weekly) add(w);
    },
    add,
    read: () => rows.map((r) => ({
      days: r.days.filter((c) => c.checked).map((c) => c.value as Day),
      from: r.from.value,
      to: r.to.value === '00:00' ? '24:00' : r.to.value,
    })).filter((w) => w.days.length > 0),
    count: () => rows.length,
  };
}
