// The invariants the generated configuration (plus the owner's include files) must keep. The CLI
// runs them after writing; the tests run them on generated files and on broken fixtures.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, isAbsolute, relative, posix } from 'node:path';
import { parseConf, isGlob, globRegExp, type IncludeReader } from './conf-parser.ts';
import { buildPlan, type AsteriskPlan } from './plan.ts';
import type { ConfSet, Expectations, Violation } from './checks/types.ts';
import { checkVisitorReach } from './checks/visitor-reach.ts';
import { checkListeners } from './checks/listeners.ts';
import { checkEdgeIdentity } from './checks/identity.ts';
import { checkAuthentication, checkModules } from './checks/auth.ts';
import { checkAgreement } from './checks/agreement.ts';
import { checkRequiredModules } from './checks/required-modules.ts';
import { checkSessionBudget } from './checks/sessions.ts';

export type { ConfSet, Expectations, Violation };

/** Files that are only ever #include'd, never read by a module on their own. */
const INCLUDE_ONLY = /^pjsip_(phone_secrets|trunks)\.conf$/;

/**
 * Parses a set of .conf texts keyed by their path under the config dir ('pjsip.conf',
 * 'homeline/pjsip.conf'). Top-level files are what Asterisk's modules read; #include resolves
 * against the whole set as Asterisk resolves it against astetcdir, globs included.
 */
export function parseConfSet(texts: Record<string, string>, dir?: string): ConfSet {
  const read: IncludeReader = (arg) => {
    // An absolute path into the config dir is the same file as its relative name.
    const name = posix.normalize(dir && isAbsolute(arg) ? relative(dir, arg) : arg);
    if (!isGlob(name)) return texts[name];
    const re = globRegExp(name);
    return Object.keys(texts).filter((k) => re.test(k)).sort().map((k) => ({ name: k, text: texts[k] }));
  };
  const set: ConfSet = new Map();
  for (const [name, text] of Object.entries(texts)) {
    if (name.includes('/') || INCLUDE_ONLY.test(name)) continue;
    set.set(name, parseConf(text, name, read));
  }
  return set;
}

/** Every .conf file under `dir` (one level of folders: homeline/*.conf), keyed by its path in it. */
export function readConfTexts(dir: string): Record<string, string> {
  const texts: Record<string, string> = {};
  if (!existsSync(dir)) return texts;
  for (const f of readdirSync(dir)) {
    const path = join(dir, f);
    if (f.endsWith('.conf') && statSync(path).isFile()) texts[f] = readFileSync(path, 'utf8');
    else if (statSync(path).isDirectory()) {
      for (const g of readdirSync(path)) if (g.endsWith('.conf')) texts[`${f}/${g}`] = readFileSync(join(path, g), 'utf8');
    }
  }
  return texts;
}

/** The configuration Asterisk would load from `dir` (its astetcdir), #includes followed. */
export function readConfDir(dir: string): ConfSet {
  return parseConfSet(readConfTexts(dir), dir);
}

/** A missing #include makes Asterisk refuse the whole file; say so before the owner finds out. */
function checkIncludes(set: ConfSet): Violation[] {
  const out: Violation[] = [];
  for (const file of set.values()) {
    for (const d of file.directives) {
      if (d.kind === 'exec') out.push({ code: 'HL_EXEC_INCLUDE', file: d.file, line: d.line, message: `#exec ${d.arg}: configuration must not run programs` });
      else if (d.kind === 'include' && !d.found) out.push({ code: 'HL_MISSING_INCLUDE', file: d.file, line: d.line, message: `#include ${d.arg} does not exist: Asterisk would refuse ${file.name}` });
    }
  }
  return out;
}

export const CHECKS = {
  visitorReach: checkVisitorReach,
  listeners: checkListeners,
  edgeIdentity: checkEdgeIdentity,
  authentication: checkAuthentication,
  modules: (set: ConfSet) => checkModules(set),
  requiredModules: (set: ConfSet) => checkRequiredModules(set),
  agreement: checkAgreement,
  sessions: checkSessionBudget,
  includes: (set: ConfSet) => checkIncludes(set),
} satisfies Record<string, (set: ConfSet, plan: AsteriskPlan) => Violation[]>;

export function checkAll(set: ConfSet, expected: Expectations): Violation[] {
  const plan = buildPlan(expected.config, expected.secrets, expected.site);
  return Object.values(CHECKS).flatMap((check) => check(set, plan));
}
