// "Which phones ring, and when": one row per endpoint of the owner's (this browser tab and each
// phone), each ringing always, never, or within its hours (days, from, to, in a time zone). Saves
// through PUT /api/owner/phones; the edge checks every rule and says which one it refused.
// The console edits one window per phone; the API takes more (a window over midnight is one).
import { edgeFetch, EdgeError } from '../shared/api.ts';
import { h } from '../shared/dom.ts';
import { ownerStrings } from './strings.ts';

/** The chosen language's words (read at use: web/owner/language.ts picks the catalogue first). */
const words = () => ownerStrings.phones;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];
type Mode = 'always' | 'never' | 'hours';

interface Window { days: Day[]; from: string; to: string }
interface PhoneRule {
  extension: string;
  mode: Mode;
  hours?: { timeZone: string; weekly: Window[] };
  tab: boolean;
  name: string | null;
  ringsNow: boolean;
}
interface PhonesView { phones: PhoneRule[]; nextChange: string | null; appliedBy: 'embedded' | 'asterisk' }

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** One endpoint's row: its mode, and the hours fields shown while the mode is `hours`. */
function row(p: PhoneRule) {
  const S = words();
  const id = `ph-${p.extension}`;
  const w = p.hours?.weekly[0] ?? { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as Day[], from: '09:00', to: '18:00' };
  const mode = h('select', { id: `${id}-mode` },
    ...(['always', 'never', 'hours'] as const).map((m) => h('option', { value: m, textContent: S.mode[m], selected: p.mode === m })));
  const days = DAYS.map((d) => h('input', { type: 'checkbox', value: d, checked: w.days.includes(d), attrs: { 'aria-label': S.dayNames[d] } }));
  const from = h('input', { type: 'time', value: w.from === '24:00' ? '23:59' : w.from, attrs: { 'aria-label': S.from } });
  const to = h('input', { type: 'time', value: w.to === '24:00' ? '00:00' : w.to, attrs: { 'aria-label': S.to } });
  const zone = h('input', { type: 'text', value: p.hours?.timeZone ?? browserZone(), size: 16, attrs: { 'aria-label': S.timeZone, spellcheck: 'false' } });
  const hours = h('div', { className: 'phone-hours' },
    h('div', { className: 'days' }, ...days.map((c, i) => h('label', {}, c, S.dayShort[DAYS[i]]))),
    h('div', { className: 'row' }, h('label', {}, `${S.from} `, from), h('label', {}, `${S.to} `, to), h('label', {}, `${S.timeZone} `, zone)));
  const showHours = () => { hours.hidden = mode.value !== 'hours'; };
  mode.onchange = showHours;
  showHours();
  const label = p.tab ? S.tab : p.name ? S.phone(p.name, p.extension) : S.extension(p.extension);
  const el = h('li', { className: 'phone', attrs: { 'data-extension': p.extension } },
    h('div', { className: 'row' },
      h('label', { htmlFor: mode.id, className: 'phone-name', textContent: label }),
      mode,
      h('span', { className: 'rings-now', textContent: p.ringsNow ? S.ringsNow : S.silentNow, attrs: { 'data-now': String(p.ringsNow) } })),
    hours);
  const rule = () => {
    const m = mode.value as Mode;
    const kept = { timeZone: zone.value.trim(), weekly: [{ days: days.filter((c) => c.checked).map((c) => c.value as Day), from: from.value, to: to.value === '00:00' ? '24:00' : to.value }] };
    // Hours stay stored while the phone rings always or never, so switching back restores them.
    return { extension: p.extension, mode: m, ...(m === 'hours' || p.hours ? { hours: m === 'hours' ? kept : p.hours } : {}) };
  };
  return { el, rule };
}

/** Mounts the panel into `root` and loads the owner's rules. */
export function mountPhonesPanel(root: HTMLElement, base: string): void {
  const S = words();
  const status = h('p', { className: 'hint', attrs: { role: 'status', 'aria-live': 'polite' } });
  const list = h('ul', { className: 'phones' });
  const save = h('button', { type: 'submit', className: 'primary', textContent: S.save });
  const form = h('form', { className: 'phones-form' }, list, h('div', { className: 'row' }, save), status);
  root.replaceChildren(h('p', { className: 'hint', textContent: S.intro }), form);
  let rows: ReturnType<typeof row>[] = [];

  const show = (v: PhonesView) => {
    rows = v.phones.map(row);
    list.replaceChildren(...rows.map((r) => r.el));
    const next = v.nextChange ? S.nextChange(new Date(v.nextChange).toLocaleString(ownerStrings.locale)) : '';
    status.textContent = [v.appliedBy === 'embedded' ? S.embeddedOnly : '', next].filter(Boolean).join(' ');
    status.dataset.error = '';
  };
  const failed = (err: unknown) => {
    const e = err as EdgeError;
    status.textContent = e.code === 'HL_RING_RULE_INVALID' || e.code === 'HL_BAD_REQUEST' ? S.refused(e.message) : S.failed;
    status.dataset.error = 'true';
  };

  form.onsubmit = async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      show(await edgeFetch<PhonesView>(base, 'api/owner/phones', { method: 'PUT', body: JSON.stringify({ rules: rows.map((r) => r.rule()) }) }));
      status.textContent = `${S.saved} ${status.textContent}`;
    } catch (err) {
      failed(err);
    } finally {
      save.disabled = false;
    }
  };
  edgeFetch<PhonesView>(base, 'api/owner/phones').then(show, failed);
}
