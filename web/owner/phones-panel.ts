// "Which phones ring, and when": one row per endpoint of the owner's (this browser tab and each
// phone), each ringing always, never, or within its hours (a time zone and any number of weekly
// windows, each some days from–to, edited with web/owner/weekly-editor.ts as the opening hours
// are). Every stored window is shown and saved back; a window over midnight is one window.
// Saves through PUT /api/owner/phones; the edge checks every rule and says which one it refused.
import { edgeFetch, EdgeError } from '../shared/api.ts';
import { h } from '../shared/dom.ts';
import { ownerStrings } from './strings.ts';
import { weeklyEditor } from './weekly-editor.ts';
import type { Hours } from '../../server/owner/hours.ts';

/** The chosen language's words (read at use: web/owner/language.ts picks the catalogue first). */
const words = () => ownerStrings.phones;
type Mode = 'always' | 'never' | 'hours';

interface PhoneRule {
  extension: string;
  mode: Mode;
  hours?: Hours;
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
  const mode = h('select', { id: `${id}-mode` },
    ...(['always', 'never', 'hours'] as const).map((m) => h('option', { value: m, textContent: S.mode[m], selected: p.mode === m })));
  const windows = weeklyEditor();
  windows.set(p.hours?.weekly ?? []);
  const zone = h('input', { type: 'text', value: p.hours?.timeZone ?? browserZone(), size: 16, attrs: { 'aria-label': S.timeZone, spellcheck: 'false' } });
  // Disabled while hidden too: a hidden required field would block the form's submit unseen.
  const hours = h('fieldset', { className: 'phone-hours' }, windows.el, h('div', { className: 'row' }, h('label', {}, `${S.timeZone} `, zone)));
  const showHours = () => { hours.hidden = hours.disabled = mode.value !== 'hours'; };
  mode.onchange = () => {
    if (mode.value === 'hours' && windows.count() === 0) windows.add();
    showHours();
  };
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
    const kept = { timeZone: zone.value.trim(), weekly: windows.read() };
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
