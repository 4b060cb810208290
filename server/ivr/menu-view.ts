// What a visitor's widget may see of the menu: titles, prompt texts, option keys and labels
// and what kind of step each is. Never extension numbers, ring groups or dial strings.
import { actionKind, promptText, type Menu } from './menu-schema.ts';

export interface VisitorMenuView {
  title: string;
  start: string;
  keys: { back: '*'; repeat: '#' };
  nodes: Record<string, { title: string; text: string; options: { key: string; label: string; kind: string; goto?: string }[] }>;
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
          return { key, label: o.label, kind, ...(kind === 'goto' ? { goto: o.goto } : {}) };
        }),
    };
  }
  return { title: menu.title, start: menu.start, keys: { back: '*', repeat: '#' }, nodes };
}
