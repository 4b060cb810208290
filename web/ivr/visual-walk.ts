// The operator menu walked on screen before any call, for the embedded upstream (it has no voice
// IVR). Loaded lazily by the button; the steps themselves are decided in menu-model.ts.
import type { Strings } from '../button/strings.ts';
import { MenuPath, stepFor, type VisitorMenu } from './menu-model.ts';
import { menuPanel } from './menu-panel.ts';
import { usePanelStyles } from '../button/panel-styles.ts';

export interface WalkHost {
  panel: HTMLElement;
  strings: Strings;
  menu: VisitorMenu;
  owner: { name?: string; reachable: boolean };
  /** The owner's state now (GET /api/status); undefined when the edge could not be asked. */
  ownerNow(): Promise<{ name?: string; reachable: boolean; reason?: string } | undefined>;
  /** Mirrored onto the element as data-state/data-node, for styling and tests. */
  onNode(id: string): void;
  /** Ring the owner: the normal call to the `owner` target. */
  call(): void;
  /** The message form, with words saying why it is offered. */
  form(intro: string, needNumber: boolean): void;
  /** The visitor is done with the menu. */
  close(): void;
}

export function walkMenu(host: WalkHost) {
  const S = host.strings.ivr;
  const path = new MenuPath(host.menu);
  const close = { label: S.close, run: () => host.close() };
  const panel = menuPanel(S, key);
  // A said text is shown in place of its node: * returns to that node, as the voice menu does.
  let saying = false;

  function showNode() {
    saying = false;
    const n = path.node;
    panel.show({ id: path.current, title: n.title, text: n.text, options: n.options, backRepeat: true, top: path.atStart, actions: [close] });
    host.onNode(path.current);
  }

  function key(k: string) {
    if (k === '*') {
      if (!saying) path.back();
      return showNode();
    }
    if (k === '#') return panel.repeat();
    const o = path.node.options.find((x) => x.key === k);
    if (!o) return;
    const step = stepFor(o, host.menu);
    switch (step.do) {
      case 'node':
        path.go(step.node);
        return showNode();
      case 'call':
        // Asked at the ring step, as the voice menu does, not when the page loaded: the owner may
        // have switched do-not-disturb on since; then the menu's own answer is to leave word.
        return void host.ownerNow().then((now) => {
          const owner = now ?? host.owner;
          if (owner.reachable) return host.call();
          host.form(now?.reason === 'dnd' ? S.ownerDnd(owner.name) : S.ownerOffline(owner.name), false);
        });
      case 'form':
        return host.form(S.formFor[step.why], step.why === 'callback');
      case 'say':
        saying = true;
        panel.show({ id: path.current, title: o.label, text: step.text || S.noText, options: [], backRepeat: !step.end, actions: [close] });
        host.onNode(path.current);
    }
  }

  usePanelStyles(host.panel);
  host.panel.replaceChildren(panel.el);
  showNode();
  panel.el.querySelector('button')?.focus();
}
