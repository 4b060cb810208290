// One menu node on screen: title and text in a live region (a node change is announced),
// options as buttons, Back (*) and Repeat (#). Shared by the walk before a call (embedded
// upstream) and the in-call view the edge's side channel drives (Asterisk upstream); what a
// key does is the caller's business.
import { h } from '../shared/dom.ts';
import type { Strings } from '../button/strings.ts';

export interface ShownNode {
  /** Menu node id, mirrored as data-node for styling and tests. */
  id: string;
  title: string;
  text: string;
  /** Empty while the menu is not waiting for a choice (ringing, recording…). */
  options: { key: string; label: string }[];
  /** Extra line under the text (what to do now). */
  hint?: string;
  /** Show Back/Repeat (the voice menu and the walk both take * and #). */
  backRepeat?: boolean;
  /** At the menu's first node `*` has nowhere to go: no Back button, no `*` key. */
  top?: boolean;
  /** Extra buttons after the options (e.g. "Back" after a said text, "Close the menu"). */
  actions?: { label: string; run(): void }[];
}

export function menuPanel(S: Strings['ivr'], onKey: (key: string) => void) {
  const title = h('strong', { className: 'ivr-title' });
  const text = h('p', { className: 'ivr-text' });
  const hint = h('p', { className: 'ivr-hint' });
  // Atomic: a screen reader reads the new title and text together when the node changes.
  const live = h('div', { attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } }, title, text, hint);
  const options = h('div', { className: 'ivr-options', attrs: { role: 'group', 'aria-label': S.choices } });
  const row = h('div', { className: 'row' });
  const keysHint = h('p', { className: 'ivr-hint' });
  const el = h('section', { className: 'ivr', attrs: { 'aria-label': S.menuLabel } }, live, options, row, keysHint);
  let keys = new Set<string>();

  const button = (label: string, run: () => void, attrs: Record<string, string> = {}) => {
    const b = h('button', { type: 'button', textContent: label, attrs });
    b.onclick = run;
    return b;
  };

  // Typed keys work while focus is anywhere in the menu, like a phone's keypad.
  el.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    if (keys.has(e.key)) {
      e.preventDefault();
      onKey(e.key);
    }
  });

  return {
    el,
    show(n: ShownNode) {
      // Keep keyboard users where they were: if focus was in the menu, it moves to the new first choice.
      const root = el.getRootNode() as Document | ShadowRoot;
      const hadFocus = !!root.activeElement && el.contains(root.activeElement);
      title.textContent = n.title;
      text.textContent = n.text;
      hint.textContent = n.hint ?? '';
      hint.hidden = !n.hint;
      keys = new Set(n.options.map((o) => o.key));
      options.replaceChildren(...n.options.map((o) => {
        const b = button('', () => onKey(o.key), { 'aria-label': S.option(o.key, o.label), 'data-key': o.key });
        // The spoken name ("1: Emergency") must contain the visible words (WCAG 2.5.3): keep the space.
        b.append(h('span', { className: 'key' }, o.key), ' ', h('span', {}, o.label));
        return b;
      }));
      options.hidden = n.options.length === 0;
      const extra = (n.actions ?? []).map((a) => button(a.label, a.run));
      if (n.backRepeat) {
        keys.add('#');
        extra.unshift(button(S.repeat, () => onKey('#'), { 'aria-keyshortcuts': '#', 'data-key': '#' }));
        if (!n.top) {
          keys.add('*');
          extra.unshift(button(S.back, () => onKey('*'), { 'aria-keyshortcuts': '*', 'data-key': '*' }));
        }
      }
      row.replaceChildren(...extra);
      keysHint.textContent = keys.has('*') ? S.keysHint : S.keysHintTop;
      keysHint.hidden = keys.size === 0;
      el.dataset.node = n.id;
      if (hadFocus) el.querySelector<HTMLButtonElement>('button')?.focus();
    },
    /** Says the same node again: emptied, then refilled, so the live region speaks it anew. */
    repeat() {
      const words = [title.textContent, text.textContent];
      title.textContent = text.textContent = '';
      setTimeout(() => { [title.textContent, text.textContent] = words; }, 60);
    },
  };
}

export type MenuPanel = ReturnType<typeof menuPanel>;
