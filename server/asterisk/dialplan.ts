// extensions.conf as a graph: contexts hold extensions, extensions hold priorities that run one
// application each, and contexts reach other contexts through `include =>`, Goto/Gosub and
// `Local/…@context` channels. The invariant checks walk this graph. Pure.
import { type ConfFile, ConfParseError } from './conf-parser.ts';

export interface Step {
  exten: string;
  /** Numeric priority after resolving `n` (0 for hints). */
  priority: number;
  label?: string;
  app: string;
  args: string[];
  /** The raw text after the priority, for messages. */
  raw: string;
  line: number;
}

export interface Context {
  name: string;
  includes: { context: string; line: number }[];
  steps: Step[];
}

export type Dialplan = Map<string, Context>;

/** Sections of extensions.conf that are settings, not contexts. */
const NON_CONTEXTS = new Set(['general', 'globals']);

/** Splits on `sep` at nesting depth 0, where (), [], {} and quotes nest (`${…}`, `$[…]`). */
export function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) { cur += c + text[++i]; continue; }
    if (c === '"') quoted = !quoted;
    else if (!quoted && '([{'.includes(c)) depth++;
    else if (!quoted && ')]}'.includes(c)) depth = Math.max(0, depth - 1);
    if (c === sep && depth === 0 && !quoted) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/** `App(a,b)` → { app: 'App', args: ['a','b'] }; a bare `App` has no arguments. */
export function parseApp(text: string): { app: string; args: string[] } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$/s.exec(text.trim());
  if (!m) return { app: text.trim(), args: [] };
  return { app: m[1], args: m[2] === undefined || m[2] === '' ? [] : splitTop(m[2], ',') };
}

export function parseDialplan(file: ConfFile): Dialplan {
  const plan: Dialplan = new Map();
  for (const section of file.sections) {
    if (NON_CONTEXTS.has(section.name) || section.isTemplate) continue;
    const ctx: Context = plan.get(section.name) ?? { name: section.name, includes: [], steps: [] };
    plan.set(section.name, ctx);
    let lastExten: string | undefined;
    let lastPriority = 0;
    for (const e of section.entries) {
      if (e.key === 'include') { ctx.includes.push({ context: e.value.split(',')[0].trim(), line: e.line }); continue; }
      if (e.key !== 'exten' && e.key !== 'same') continue;
      let exten: string;
      let rest: string;
      if (e.key === 'exten') {
        const comma = e.value.indexOf(',');
        if (comma < 0) throw new ConfParseError(file.name, e.line, `exten without priority: ${e.value}`);
        exten = e.value.slice(0, comma).trim();
        rest = e.value.slice(comma + 1);
      } else {
        if (!lastExten) throw new ConfParseError(file.name, e.line, 'same => before any exten');
        exten = lastExten;
        rest = e.value;
      }
      const comma = rest.indexOf(',');
      const prioText = (comma < 0 ? rest : rest.slice(0, comma)).trim();
      const appText = comma < 0 ? '' : rest.slice(comma + 1).trim();
      const pm = /^(n|hint|\d+)(?:\(([^)]+)\))?(?:\+\d+)?$/.exec(prioText);
      if (!pm) throw new ConfParseError(file.name, e.line, `bad priority ${prioText}`);
      let priority: number;
      if (pm[1] === 'hint') priority = 0;
      else if (pm[1] === 'n') {
        if (exten !== lastExten) throw new ConfParseError(file.name, e.line, `priority n for a new extension ${exten}`);
        priority = lastPriority + 1;
      } else priority = Number(pm[1]);
      lastExten = exten;
      if (priority > 0) lastPriority = priority;
      const { app, args } = pm[1] === 'hint' ? { app: 'hint', args: [appText] } : parseApp(appText);
      ctx.steps.push({ exten, priority, label: pm[2], app, args, raw: appText, line: e.line });
    }
  }
  return plan;
}

export interface Jump {
  context?: string;
  exten?: string;
  priority?: string;
}

/** Goto-style label: `prio`, `exten,prio` or `context,exten,prio` (also Gosub, with `(args)` on the priority). */
export function parseLabel(text: string): Jump {
  const parts = splitTop(text, ',');
  const strip = (p: string) => p.replace(/\(.*\)$/s, '');
  if (parts.length >= 3) return { context: parts[0], exten: parts[1], priority: strip(parts[2]) };
  if (parts.length === 2) return { exten: parts[0], priority: strip(parts[1]) };
  return { priority: strip(parts[0] ?? '') };
}

/** Where a step can jump: the `true` and `false` labels of GotoIf/GosubIf, or the one of Goto/Gosub. */
export function jumpsOf(step: Step): Jump[] {
  const app = step.app.toLowerCase();
  const joined = step.args.join(',');
  if (app === 'goto' || app === 'gosub') return joined ? [parseLabel(joined)] : [];
  if (app === 'gotoif' || app === 'gosubif') {
    const q = lastTopIndex(joined, '?');
    if (q < 0) return [];
    const branches = splitTop(joined.slice(q + 1), ':');
    return branches.filter(Boolean).map(parseLabel);
  }
  return [];
}

function lastTopIndex(text: string, ch: string): number {
  let depth = 0;
  let found = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ch && depth === 0) found = i;
  }
  return found;
}

/** Does an Asterisk extension pattern (`_6XXX`, `_0.`) match a literal number? */
export function patternMatches(pattern: string, number: string): boolean {
  if (!pattern.startsWith('_')) return pattern === number;
  const re = patternToRegExp(pattern);
  return re.test(number);
}

export function patternToRegExp(pattern: string): RegExp {
  let src = '';
  const p = pattern.slice(1);
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === 'X' || c === 'x') src += '[0-9]';
    else if (c === 'Z' || c === 'z') src += '[1-9]';
    else if (c === 'N' || c === 'n') src += '[2-9]';
    else if (c === '.') src += '.+';
    else if (c === '!') src += '.*';
    else if (c === '[') {
      const end = p.indexOf(']', i);
      src += `[${p.slice(i + 1, end).replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}
