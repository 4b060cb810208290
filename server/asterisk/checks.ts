// The invariants the generated configuration (plus the owner's include files) must keep. The CLI
// runs them after writing; the tests run them on generated files and on broken fixtures.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import { parseConf } from './conf-parser.ts';
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

/** Parses a set of .conf texts; #include resolves against the same set, as in Asterisk's etc dir. */
export function parseConfSet(texts: Record<string, string>): ConfSet {
  const set: ConfSet = new Map();
  const read = (name: string) => texts[basename(name)];
  for (const [name, text] of Object.entries(texts)) {
    if (INCLUDE_ONLY.test(name)) continue;
    set.set(name, parseConf(text, name, read));
  }
  return set;
}

export function readConfDir(dir: string): ConfSet {
  const texts: Record<string, string> = {};
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)) if (f.endsWith('.conf')) texts[f] = readFileSync(join(dir, f), 'utf8');
  }
  return parseConfSet(texts);
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
