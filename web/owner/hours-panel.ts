// The console's opening-hours editor: a time zone and a list of intervals, each on some days.
// Saves the whole schedule (PUT /api/owner/hours); the edge checks it and says what is wrong.
import { edgeFetch, EdgeError } from '../shared/api.ts';
import { h } from '../shared/dom.ts';
import { ownerStrings } from './strings.ts';
import type { Hours, HoursInterval } from '../../server/owner/hours.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

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
  const rules = h('div');
  const zones = h('datalist', { id: 'hours-zones' });
  const zone = h('input', { type: 'text', attrs: { list: 'hours-zones', autocomplete: 'off' }, required: true });
  const add = h('button', { type: 'button', textContent: S.add });
  const save = h('button', { type: 'submit', className: 'primary', textContent: S.save });
  const result = h('p', { attrs: { role: 'status' } });
  const editor = h('div', {}, rules, h('div', { className: 'row' }, add), h('p', { className: 'row' }, h('label', {}, S.timeZone, zone)), h('p', { className: 'hint' }, S.overnight));
  const form = h('form', {}, h('label', {}, always, S.alwaysOpen), editor, h('div', { className: 'row' }, save), result);
  root.replaceChildren(h('h2', { id: 'h-hours', textContent: S.title }), h('p', { className: 'hint' }, S.hint), now, source, form, zones);
  root.dataset.panel = 'hours';

  const ruleRow = (r: HoursInterval) => {
    const days = DAYS.map((d) => h('label', {}, h('input', { type: 'checkbox', value: d, checked: r.days.includes(d) }), S.days[d]));
    // <input type=time> cannot say 24:00: midnight as "to" is 00:00, which the edge reads the same.
    const from = h('input', { type: 'time', value: r.from, required: true, attrs: { 'aria-label': S.from } });
    const to = h('input', { type: 'time', value: r.to === '24:00' ? '00:00' : r.to, required: true, attrs: { 'aria-label': S.to } });
    const remove = h('button', { type: 'button', textContent: S.remove });
    const row = h('div', { className: 'hours-rule' }, h('fieldset', {}, ...days), h('label', {}, S.from, from), h('label', {}, S.to, to), remove);
    remove.onclick = () => row.remove();
    rules.append(row);
  };

  const read = (): Hours | null => {
    if (always.checked) return null;
    const weekly = [...rules.querySelectorAll<HTMLElement>('.hours-rule')].map((row) => {
      const [from, to] = [...row.querySelectorAll<HTMLInputElement>('input[type=time]')].map((i) => i.value);
      const days = [...row.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((i) => i.value) as HoursInterval['days'];
      return { days, from, to: to === '00:00' ? '24:00' : to };
    }).filter((r) => r.days.length > 0);
    return { timeZone: zone.value.trim(), weekly };
  };

  const show = (v: HoursView) => {
    always.checked = v.hours === null;
    editor.hidden = always.checked;
    zone.value = v.hours?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    rules.replaceChildren();
    for (const r of v.hours?.weekly ?? []) ruleRow(r);
    source.textContent = v.source === 'config' && v.hours ? S.fromConfig : '';
    const n = v.now;
    root.dataset.open = String(n.reason !== 'hours');
    now.textContent = n.reason === 'dnd' ? S.dnd : n.reason !== 'hours' ? S.openNow
      : n.opensAt ? S.closedUntil(new Date(n.opensAt).toLocaleString(ownerStrings.locale, { weekday: 'long', hour: 'numeric', minute: '2-digit' })) : S.closedForGood;
  };

  always.onchange = () => { editor.hidden = always.checked; };
  add.onclick = () => ruleRow({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' });
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
