// Checks a menu document beyond its JSON Schema: every goto exists, option keys are single
// digits (`*` back and `#` repeat are reserved), one action per option, every node reachable
// from `start`, no node trapped in a cycle without a way out, and every target inside what the
// tree's role may reach. A visitor's tree can ring only allowed home extensions (_6XXX) and can
// never hold a trunk/outside number: that is the toll-fraud line this file guards.
import { Value } from '@sinclair/typebox/value';
import type { Config } from '../config/schema.ts';
import type { MenuIssue } from './errors.ts';
import { HOME_PLAN, matchesExt, parseExtPattern, patternWithin } from './ext-pattern.ts';
import {
  ACTION_KEYS,
  MenuSchema,
  NodeSchema,
  OptionSchema,
  actionKind,
  type Action,
  type Fallback,
  type Menu,
  type MenuNode,
  type MenuOption,
  type Prompt,
} from './menu-schema.ts';

/** What a menu may reach, derived from the config. */
export interface MenuReach {
  /** Home extensions a visitor's tree may ring (all inside _6XXX). */
  visitorExtensions: string[];
  /** The `owner` ring group: the owner's browser extension and phones. */
  ownerGroup: string[];
  /** Outside-number prefixes no tree may dial (premium rate, expensive mobiles). */
  barredPrefixes: string[];
}

export const DEFAULT_BARRED_PREFIXES = ['09', '118', '0870', '0871', '0872', '0873', '070', '076', '00'];

export function reachFromConfig(config: Config): MenuReach {
  const ownerGroup = [config.owner.extension, ...config.owner.phones];
  const candidates = [...ownerGroup, ...config.visitor.targets.flatMap((t) => [t.user, ...(t.extensions ?? [])])];
  const visitorExtensions = [...new Set(candidates.filter((e) => matchesExt(HOME_PLAN, e)))];
  return { visitorExtensions, ownerGroup, barredPrefixes: DEFAULT_BARRED_PREFIXES };
}

const FALLBACK_KEYS = ['goto', 'record', 'callback', 'say', 'hangup'];
/** Action kinds that take the caller out of the menu walk. */
const EXIT_KINDS = new Set(['record', 'callback', 'hangup', 'ring', 'collect', 'dialOut']);

export interface ValidateOptions {
  reach: MenuReach;
  /** Checks that a recorded prompt file exists; omitted means files are not checked. */
  fileExists?: (relPath: string) => boolean;
}

/** Schema (with defaults applied) then semantics. Returns the typed menu only when there is no issue. */
export function validateMenu(raw: unknown, opts: ValidateOptions): { menu?: Menu; issues: MenuIssue[] } {
  const value = Value.Default(MenuSchema, structuredClone(raw ?? {})) as Menu;
  // Value.Default does not descend into Record values: apply node and option defaults by hand.
  if (value && typeof value.nodes === 'object' && value.nodes) {
    for (const [id, node] of Object.entries(value.nodes)) {
      const n = (value.nodes[id] = Value.Default(NodeSchema, node) as MenuNode);
      if (n && typeof n.options === 'object') for (const k of Object.keys(n.options)) n.options[k] = Value.Default(OptionSchema, n.options[k]) as MenuOption;
    }
  }
  const schemaIssues: MenuIssue[] = [];
  for (const e of Value.Errors(MenuSchema, value)) {
    const node = /^\/nodes\/([^/]+)/.exec(e.path)?.[1] ?? '';
    schemaIssues.push({ node, path: e.path || '/', code: 'HL_IVR_SCHEMA', message: e.message });
    if (schemaIssues.length >= 20) break;
  }
  if (schemaIssues.length) return { issues: dedupe(schemaIssues) };
  const issues = checkSemantics(value, opts);
  return issues.length ? { issues } : { menu: value, issues };
}

function dedupe(issues: MenuIssue[]): MenuIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => (seen.has(i.path + i.message) ? false : (seen.add(i.path + i.message), true)));
}

function checkSemantics(menu: Menu, opts: ValidateOptions): MenuIssue[] {
  const issues: MenuIssue[] = [];
  const add = (node: string, path: string, code: MenuIssue['code'], message: string): void => void issues.push({ node, path, code, message });
  const ids = new Set(Object.keys(menu.nodes));
  const edges = new Map<string, Set<string>>([...ids].map((id) => [id, new Set<string>()]));
  const exits = new Set<string>();

  if (!ids.has(menu.start)) add('', '/start', 'HL_IVR_UNKNOWN_GOTO', `start node "${menu.start}" does not exist`);

  const checkGoto = (node: string, path: string, target: string | undefined) => {
    if (target === undefined) return;
    if (!ids.has(target)) add(node, path, 'HL_IVR_UNKNOWN_GOTO', `goto "${target}": no such node`);
    else if (node) edges.get(node)!.add(target);
  };
  const checkPrompt = (node: string, path: string, p: Prompt | undefined) => {
    if (p && typeof p === 'object' && p.file && opts.fileExists && !opts.fileExists(p.file)) {
      add(node, `${path}/file`, 'HL_IVR_PROMPT_FILE', `recorded prompt ${p.file} not found`);
    }
  };
  const checkFallback = (node: string, path: string, f: Fallback | undefined) => {
    if (!f) return;
    const keys = FALLBACK_KEYS.filter((k) => (f as Record<string, unknown>)[k] !== undefined);
    if (keys.length !== 1) return add(node, path, 'HL_IVR_ONE_ACTION', `a fallback needs exactly one of ${FALLBACK_KEYS.join('/')}, got ${keys.join(',') || 'none'}`);
    checkAction(node, path, f as Action);
  };
  const checkRingTargets = (node: string, path: string, exts: string[]) => {
    exts.forEach((ext, i) => {
      if (menu.role === 'visitor' && !(matchesExt(HOME_PLAN, ext) && opts.reach.visitorExtensions.includes(ext))) {
        add(node, `${path}/${i}`, 'HL_IVR_TARGET_FORBIDDEN', `extension ${ext} is not a home extension a visitor may ring (allowed: ${opts.reach.visitorExtensions.join(', ') || 'none'})`);
      }
    });
  };
  function checkAction(node: string, path: string, a: Action): void {
    const kind = actionKind(a);
    if (EXIT_KINDS.has(kind) && node) exits.add(node);
    switch (kind) {
      case 'goto':
        return checkGoto(node, `${path}/goto`, a.goto);
      case 'say':
        checkPrompt(node, `${path}/say/prompt`, a.say!.prompt);
        if (a.say!.next === undefined) return;
        return checkGoto(node, `${path}/say/next`, a.say!.next);
      case 'record':
        checkPrompt(node, `${path}/record/prompt`, a.record!.prompt);
        return;
      case 'callback':
      case 'hangup':
        return;
      case 'ring': {
        const r = a.ring!;
        if (!!r.extensions === !!r.group) add(node, `${path}/ring`, 'HL_IVR_ONE_ACTION', 'ring needs exactly one of extensions/group');
        if (r.extensions) checkRingTargets(node, `${path}/ring/extensions`, r.extensions);
        return checkFallback(node, `${path}/ring/noAnswer`, r.noAnswer);
      }
      case 'collect': {
        const c = a.collect!;
        const sets = parseExtPattern(c.pattern);
        if (!sets) add(node, `${path}/collect/pattern`, 'HL_IVR_BAD_PATTERN', `"${c.pattern}" is not an extension pattern`);
        else if (sets.length !== c.digits) add(node, `${path}/collect/pattern`, 'HL_IVR_BAD_PATTERN', `pattern "${c.pattern}" has ${sets.length} digits, collect.digits is ${c.digits}`);
        else if (menu.role === 'visitor') {
          if (!patternWithin(sets, HOME_PLAN)) add(node, `${path}/collect/pattern`, 'HL_IVR_TARGET_FORBIDDEN', `pattern "${c.pattern}" reaches beyond the home extensions _6XXX`);
          else if (!opts.reach.visitorExtensions.some((e) => matchesExt(sets, e))) add(node, `${path}/collect/pattern`, 'HL_IVR_TARGET_FORBIDDEN', `pattern "${c.pattern}" matches no extension a visitor may ring`);
        }
        checkPrompt(node, `${path}/collect/prompt`, c.prompt);
        return checkFallback(node, `${path}/collect/noAnswer`, c.noAnswer);
      }
      case 'dialOut': {
        const d = a.dialOut!;
        if (menu.role === 'visitor') add(node, `${path}/dialOut`, 'HL_IVR_TARGET_FORBIDDEN', `a visitor's tree may never dial an outside number (${d.number})`);
        else if (opts.reach.barredPrefixes.some((p) => d.number.replace(/^\+/, '00').startsWith(p))) add(node, `${path}/dialOut/number`, 'HL_IVR_TARGET_FORBIDDEN', `${d.number} is a barred number`);
        return checkFallback(node, `${path}/dialOut/noAnswer`, d.noAnswer);
      }
    }
  }

  checkFallback('', '/defaults/onTooManyFailures', menu.defaults.onTooManyFailures);
  checkFallback('', '/defaults/noAnswer', menu.defaults.noAnswer);
  // Defaults' gotos are edges of every node (fallbacks apply everywhere).
  const defaultOnFail = menu.defaults.onTooManyFailures;

  for (const [id, node] of Object.entries(menu.nodes) as [string, MenuNode][]) {
    const base = `/nodes/${id}`;
    checkPrompt(id, `${base}/prompt`, node.prompt);
    checkPrompt(id, `${base}/shortPrompt`, node.shortPrompt);
    for (const [key, opt] of Object.entries(node.options)) {
      const path = `${base}/options/${key}`;
      if (key === '*' || key === '#') add(id, path, 'HL_IVR_RESERVED_KEY', `key ${key} is reserved (${key === '*' ? 'back' : 'repeat'})`);
      else if (!/^[0-9]$/.test(key)) add(id, path, 'HL_IVR_SCHEMA', `option key "${key}" must be one DTMF digit 0-9`);
      const kinds = ACTION_KEYS.filter((k) => (opt as Record<string, unknown>)[k] !== undefined);
      if (kinds.length !== 1) {
        add(id, path, 'HL_IVR_ONE_ACTION', `an option needs exactly one action (${ACTION_KEYS.join('/')}), got ${kinds.join(',') || 'none'}`);
        continue;
      }
      checkAction(id, path, opt);
    }
    checkGoto(id, `${base}/back`, node.back);
    const onFail = node.onTooManyFailures ?? defaultOnFail;
    if (node.onTooManyFailures) checkFallback(id, `${base}/onTooManyFailures`, node.onTooManyFailures);
    else if (onFail?.goto && ids.has(onFail.goto)) edges.get(id)!.add(onFail.goto);
    if (!onFail || actionKind(onFail) !== 'goto') exits.add(id); // too many failures hangs up
    if (menu.defaults.noAnswer?.goto && ids.has(menu.defaults.noAnswer.goto)) edges.get(id)!.add(menu.defaults.noAnswer.goto);
  }
  if (issues.length || !ids.has(menu.start)) return issues;

  // Reachability from start over explicit transitions.
  const reached = walk([menu.start], (n) => edges.get(n)!);
  for (const id of ids) if (!reached.has(id)) add(id, `/nodes/${id}`, 'HL_IVR_UNREACHABLE', `node "${id}" cannot be reached from "${menu.start}"`);

  // Way out: `*` (back to where the caller came from) is an edge too unless `back` pins it.
  const preds = new Map<string, Set<string>>([...ids].map((id) => [id, new Set<string>()]));
  for (const [from, tos] of edges) for (const to of tos) preds.get(to)!.add(from);
  const moves = new Map<string, Set<string>>();
  for (const id of ids) {
    const m = new Set(edges.get(id));
    if (!menu.nodes[id]!.back) for (const p of preds.get(id)!) m.add(p);
    moves.set(id, m);
  }
  const reverse = new Map<string, Set<string>>([...ids].map((id) => [id, new Set<string>()]));
  for (const [from, tos] of moves) for (const to of tos) reverse.get(to)!.add(from);
  const canLeave = walk([...exits], (n) => reverse.get(n)!);
  for (const id of reached) {
    if (!canLeave.has(id)) {
      const loop = [...walk([id], (n) => moves.get(n)!)].join(' → ');
      add(id, `/nodes/${id}`, 'HL_IVR_NO_WAY_OUT', `caller is trapped: ${loop} never rings, records, takes a callback or hangs up`);
    }
  }
  return issues;
}

function walk(from: string[], next: (n: string) => Iterable<string>): Set<string> {
  const seen = new Set(from);
  const queue = [...from];
  while (queue.length) for (const n of next(queue.shift()!)) if (!seen.has(n)) (seen.add(n), queue.push(n));
  return seen;
}
