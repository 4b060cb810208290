// The operator menu as the widget sees it: the edge's visitor view (GET /api/ivr/menu) and the
// node MESSAGEs of the in-call side channel (docs/edge-api.md). Pure: no DOM, no fetch.
import { IVR_NODE_CONTENT_TYPE, type IvrNodeBody, type ViewOption } from '../../contract/ivr.ts';
//
// Visual walk on the embedded upstream (no audio IVR there, so the page walks the tree itself):
//
//   node ──goto──▶ node        * ▶ previous node (or start)     # ▶ same node, announced again
//     ├─ring owner──▶ call the owner     ring extension ▶ "needs the home phone system" + form
//     ├─record/callback ▶ message form (name, number, message)
//     ├─collect──────▶ "needs the home phone system" + message form
//     └─say/hangup───▶ text, then back (say) or done (hangup)

/** One option of a node, as GET /api/ivr/menu lists it (contract/ivr.ts, shared with the edge). */
export type MenuOptionView = ViewOption;

export interface MenuNodeView {
  title: string;
  text: string;
  options: MenuOptionView[];
}

export interface VisitorMenu {
  title: string;
  start: string;
  keys: { back: string; repeat: string };
  nodes: Record<string, MenuNodeView>;
}

/** What the widget does when an option is chosen before any call. */
export type MenuStep =
  | { do: 'node'; node: string }
  | { do: 'call' }
  | { do: 'form'; why: 'message' | 'callback' | 'extension' }
  | { do: 'say'; text?: string; end: boolean };

/**
 * On the embedded upstream the only phone a visitor can ring is the owner's browser tab: a ring
 * of the owner's group is "call the owner"; a ring of other home extensions needs Asterisk.
 */
export function stepFor(o: MenuOptionView, menu: VisitorMenu): MenuStep {
  switch (o.kind) {
    case 'goto':
      return o.goto && menu.nodes[o.goto] ? { do: 'node', node: o.goto } : { do: 'say', end: false };
    case 'ring':
      return o.rings === 'extension' ? { do: 'form', why: 'extension' } : { do: 'call' };
    case 'record': case 'voicemail': // "let the owner know you called" and voicemail alike: written word
      return { do: 'form', why: 'message' };
    case 'callback':
      return { do: 'form', why: 'callback' };
    case 'collect':
      return { do: 'form', why: 'extension' };
    case 'hangup':
      return { do: 'say', text: o.text, end: true };
    default: // say, and kinds this widget does not know yet: show what there is, stay in the menu
      return { do: 'say', text: o.text, end: false };
  }
}

/** The path walked so far; `*` goes back along it, never past the start node. */
export class MenuPath {
  private stack: string[];

  constructor(readonly menu: VisitorMenu) {
    this.stack = [menu.start];
  }

  get current(): string {
    return this.stack[this.stack.length - 1];
  }

  get node(): MenuNodeView {
    return this.menu.nodes[this.current];
  }

  go(id: string): void {
    if (this.menu.nodes[id] && id !== this.current) this.stack.push(id);
  }

  back(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  get atStart(): boolean {
    return this.stack.length === 1;
  }
}

/** What the edge reports when the caller's menu node changes (the contract's body, checked). */
export type IvrNodeMessage = Omit<IvrNodeBody, 'type'>;

const KEY = /^[0-9*#]$/;

/**
 * A side-channel MESSAGE body, or null when it is not one. Anything odd is dropped rather than
 * shown: the body comes over the network and is rendered as text only.
 */
export function parseNodeMessage(contentType: string | undefined, body: string | undefined): IvrNodeMessage | null {
  if (!contentType || contentType.split(';')[0].trim().toLowerCase() !== IVR_NODE_CONTENT_TYPE || !body) return null;
  let j: unknown;
  try {
    j = JSON.parse(body);
  } catch {
    return null;
  }
  const m = j as Record<string, unknown>;
  if (!m || m.type !== 'ivr-node' || typeof m.node !== 'string' || typeof m.title !== 'string') return null;
  const options = Array.isArray(m.options) ? m.options : [];
  return {
    node: m.node,
    mode: typeof m.mode === 'string' ? m.mode : 'menu',
    title: m.title,
    text: typeof m.text === 'string' ? m.text : '',
    top: m.top === true,
    options: options
      .filter((o): o is { key: string; label: string } => !!o && typeof o.key === 'string' && KEY.test(o.key) && typeof o.label === 'string')
      .map((o) => ({ key: o.key, label: o.label })),
  };
}

/** Modes in which the caller picks from the node's options (the others wait, or take digits). */
export const choosing = (mode: string) => mode === 'menu';
