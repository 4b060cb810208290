// What a visitor's widget may see of the menu: titles, prompt texts, option keys and labels
// and what kind of step each is. Never extension numbers, ring groups or dial strings.
import type { ViewOption } from '../../contract/ivr.ts';
import { actionKind, promptText, type Menu } from './menu-schema.ts';

export interface VisitorMenuView {
  title: string;
  start: string;
  keys: { back: '*'; repeat: '#' };
  nodes: Record<string, { title: string; text: string; options: ViewOption[] }>;
}

export function visitorMenuView(menu: Menu): VisitorMenuView {
  const nodes: VisitorMenuView['nodes'] = {};
  for (const [id, n] of Object.entries(menu.nodes)) {
    nodes[id] = {
      title: n.title,
      text: promptText(n.prompt),
      options: Object.entries(n.options)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, o]) => {
          const kind = actionKind(o);
          const view: ViewOption = { key, label: o.label, kind };
          if (kind === 'goto') view.goto = o.goto;
          if (o.say) view.text = promptText(o.say.prompt);
          if (o.hangup?.prompt) view.text = promptText(o.hangup.prompt);
          if (o.ring) view.rings = o.ring.group === 'owner' ? 'owner' : 'extension';
          return view;
        }),
    };
  }
  return { title: menu.title, start: menu.start, keys: { back: '*', repeat: '#' }, nodes };
}
