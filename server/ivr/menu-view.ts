// What a visitor's widget may see of the menu: titles, on-screen texts, option keys and labels
// and what kind of step each is. Never extension numbers, ring groups or dial strings. Texts are
// the `screen` ones, else the spoken ones without their key instructions (screen-text.ts).
import type { ViewOption } from '../../contract/ivr.ts';
import { actionKind, promptText, type Menu, type Prompt } from './menu-schema.ts';
import { keypadOrder, screenText } from './screen-text.ts';

export interface VisitorMenuView {
  title: string;
  start: string;
  keys: { back: '*'; repeat: '#' };
  nodes: Record<string, { title: string; text: string; options: ViewOption[] }>;
}

const shown = (t: { screen?: string; prompt?: Prompt }) => t.screen ?? (t.prompt ? screenText(promptText(t.prompt)) : undefined);

export function visitorMenuView(menu: Menu): VisitorMenuView {
  const nodes: VisitorMenuView['nodes'] = {};
  for (const [id, n] of Object.entries(menu.nodes)) {
    nodes[id] = {
      title: n.title,
      text: shown(n) ?? '',
      options: Object.entries(n.options)
        .sort(([a], [b]) => keypadOrder(a, b))
        .map(([key, o]) => {
          const kind = actionKind(o);
          const view: ViewOption = { key, label: o.label, kind };
          if (kind === 'goto') view.goto = o.goto;
          const text = o.say ? shown(o.say) : o.hangup ? shown(o.hangup) : undefined;
          if (text) view.text = text;
          if (o.ring) view.rings = o.ring.group === 'owner' ? 'owner' : 'extension';
          return view;
        }),
    };
  }
  return { title: menu.title, start: menu.start, keys: { back: '*', repeat: '#' }, nodes };
}
