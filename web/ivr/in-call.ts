// The voice menu followed on screen during a call (Asterisk upstream): the edge sends the
// visitor's UA an out-of-dialog MESSAGE (application/vnd.homeline.ivr+json) each time the call
// moves to another node; a tap on an option sends that key as DTMF in the call.
//
//   MESSAGE ──parse──▶ latest node ──(call confirmed: panel attached)──▶ shown
//   tap / typed key ──▶ sendDigit (RFC 2833) ──▶ the voice menu moves ──▶ next MESSAGE
import type { Strings } from '../button/strings.ts';
import { choosing, parseNodeMessage, type IvrNodeMessage } from './menu-model.ts';
import { menuPanel, type MenuPanel, type ShownNode } from './menu-panel.ts';

/** What the panel shows for a reported node: options only while the menu waits for a choice. */
export function shownForMessage(m: IvrNodeMessage, S: Strings['ivr']): ShownNode {
  const menu = choosing(m.mode);
  return {
    id: m.node,
    title: m.title,
    text: m.text,
    options: menu ? m.options : [],
    hint: S.mode[m.mode] || undefined,
    backRepeat: menu,
    top: m.top,
  };
}

/** The request JsSIP hands to `newMessage` listeners (the parts read here). */
export interface IncomingMessage {
  originator: string;
  request: { body?: string; getHeader(name: string): string | undefined };
}

export function followIvr(S: Strings['ivr']) {
  let latest: IvrNodeMessage | undefined;
  let panel: MenuPanel | undefined;
  const render = () => {
    if (!panel || !latest) return;
    panel.el.hidden = false;
    panel.show(shownForMessage(latest, S));
  };
  return {
    /** UA `newMessage` listener. Nodes that arrive before the call is up are kept for it. */
    onMessage(e: IncomingMessage): void {
      if (e.originator !== 'remote') return;
      const node = parseNodeMessage(e.request.getHeader('Content-Type'), e.request.body);
      if (!node) return;
      latest = node;
      render();
    },
    /** The panel for the in-call view, hidden until the first node is known. */
    attach(sendDigit: (key: string) => void): HTMLElement {
      panel = menuPanel(S, sendDigit);
      panel.el.hidden = true;
      render();
      return panel.el;
    },
    get node() { return latest; },
  };
}
