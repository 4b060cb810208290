// The console's opening-hours editor: a time zone and a list of intervals, each on some days
// (the list is web/owner/weekly-editor.ts, shared with each phone's ring rule).
// Saves the whole schedule (PUT /api/owner/hours); the edge checks it and says what is wrong.
import { edgeFetch, EdgeError } from '../shared/api.ts';
import { backAt } from '../shared/back-at.ts';
import { h } from '../shared/dom.ts';
import { ownerStrings } from './strings.ts';
import { weeklyEditor } from './weekly-editor.ts';
import type { Hours } from '../../server/owner/hours.ts';

interface HoursView {
  hours: Hours | null;
  source: 'config' | 'console';
  now: { available: boolean; reason: string; opensAt?: string | null };
}

export function mountHoursPanel(root: HTMLElement, base: string): { refresh(): Promise<void> } {
  // Read at mount, not at import: ownerStrings is the catalogue the console chose (language.ts).
  const S = ownerStrings.hours;
  const now = h('p', { attrs: { role: 'status' } });
  const source = h('p', { className: 'hint' });
  const always = h('input', { type: 'checkbox' });
  const windows = weeklyEditor();
  const zones = h('datalist', { id: 'hours-zones' });
  const zone = h('input', { type: 'text', attrs: { list: 'hours-zones', autocomplete: 'off' }, required: true });
  const save = h('button', { type: 'submit', className: 'primary', textContent: S.save });
  const result = h('p', { attrs: { role: 'status' } });
  const editor = h('div', {}, windows.el, h('p', { className: 'row' }, h('label', {}, S.timeZone, zone)), h('p', { className: 'hint' }, S.overnight));
  const form = h('form', {}, h('label', {}, always, S.alwaysOpen), editor, h('div', { className: 'row' }, save), result);
  root.replaceChildren(h('h2', { id: 'h-hours', textContent: S.title }), h('p', { className: 'hint' }, S.hint), now, source, form, zones);
  root.dataset.panel = 'hours';

  const read = (): Hours | null => (always.checked ? null : { timeZone: zone.value.trim(), weekly: windows.read() });

  const show = (v: HoursView) => {
    always.checked = v.hours === null;
    editor.hidden = always.checked;
    zone.value = v.hours?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    windows.set(v.hours?.weekly ?? []);
    source.textContent = v.source === 'config' && v.hours ? S.fromConfig : '';
    const n = v.now;
    root.dataset.open = String(n.reason !== 'hours');
    now.textContent = n.reason === 'dnd' ? S.dnd : n.reason !== 'hours' ? S.openNow
      : n.opensAt ? backAt(S.closedUntil, n.opensAt, Date.now(), undefined, ownerStrings.locale) : S.closedForGood;
  };

  always.onchange = () => { editor.hidden = always.checked; };
  form.onsubmit = async (e) => {
    e.preventDefault();
    result.textContent = '';
    try {
      show(await edgeFetch<HoursView>(base, 'api/owner/hours', { method: 'PUT', body: JSON.stringify({ hours: read() }) }));
      result.textContent = S.saved;
    } catch (err) {
      result.textContent = S.failed((err as EdgeError).message);
    }
  };

  const refresh = async () => {
    if (!zones.childElementCount) zones.append(...Intl.supportedValuesOf('timeZone').map((z) => h('option', { value: z })));
    show(await edgeFetch<HoursView>(base, 'api/owner/hours'));
  };
  // The console's live channel (main.ts): the switch moved, the hours opened or closed. Not while
  // the owner is editing: a refresh would throw their unsaved rows away.
  window.addEventListener('homeline:owner-event', (e) => {
    const type = (e as CustomEvent<{ type: string }>).detail.type;
    if ((type === 'status' || type === 'resync') && !form.contains(document.activeElement)) void refresh().catch(() => {});
  });
  return { refresh };
}
