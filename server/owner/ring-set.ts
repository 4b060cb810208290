// Which of the owner's endpoints a visitor's call rings now: each of the owner's phones (and the
// browser tab, the owner's own extension) rings always, never, or within its hours (the same
// weekly schedule as the owner's opening hours, server/owner/hours.ts). Pure: rules
// and an instant in, extensions out. The same answer drives the embedded router's fork, the
// Asterisk dialplan's [ring-owner] (a global variable, fenced there too) and the IVR's owner
// group, so every path to the owner agrees.
import { Type, type Static } from '@sinclair/typebox';
import { HoursSchema, hoursProblem, isOpen, nextClosing, nextOpening } from './hours.ts';

export const RingModeSchema = Type.Union([Type.Literal('always'), Type.Literal('never'), Type.Literal('hours')]);

export const RingRuleSchema = Type.Object(
  {
    extension: Type.String({ pattern: '^[0-9]{2,6}$' }),
    mode: RingModeSchema,
    /** Required when mode is `hours`; kept (ignored) otherwise so switching back restores it. */
    hours: Type.Optional(HoursSchema),
  },
  { additionalProperties: false },
);

export const RingRulesSchema = Type.Array(RingRuleSchema, { maxItems: 32 });

export type RingRule = Static<typeof RingRuleSchema>;

/** The global variable the edge sets over ARI and [ring-owner] reads. */
export const RING_VARIABLE = 'HL_RING_OWNER';
/** Its value when no endpoint should ring: the caller goes straight to leave-word. */
export const RING_NOBODY = 'none';

export class RingRuleError extends Error {
  readonly code = 'HL_RING_RULE_INVALID';
}

/**
 * The allow-list at the trust boundary: only the owner's own endpoints (the tab's extension and
 * config.owner.phones), each at most once, hours present and in a real time zone where used.
 */
export function validateRules(rules: readonly RingRule[], owned: readonly string[]): void {
  const seen = new Set<string>();
  for (const r of rules) {
    if (!owned.includes(r.extension)) throw new RingRuleError(`${r.extension} is not one of the owner's phones (${owned.join(', ')})`);
    if (seen.has(r.extension)) throw new RingRuleError(`${r.extension} is listed twice`);
    seen.add(r.extension);
    if (r.mode === 'hours' && !r.hours) throw new RingRuleError(`${r.extension} rings within its hours, but has none`);
    const problem = r.hours && hoursProblem(r.hours);
    if (problem) throw new RingRuleError(`${r.extension}'s hours: ${problem}`);
  }
}

/** Every owned endpoint exactly once, in the owner's order: a stored rule, or `always` for one not yet set. */
export function completeRules(rules: readonly RingRule[], owned: readonly string[]): RingRule[] {
  return owned.map((extension) => rules.find((r) => r.extension === extension) ?? { extension, mode: 'always' });
}

function rings(r: RingRule, at: Date): boolean {
  if (r.mode === 'always') return true;
  if (r.mode === 'never') return false;
  return r.hours ? isOpen(r.hours, at) : false;
}

/** The extensions that ring at `at`, in rule order. */
export function ringingNow(rules: readonly RingRule[], at: Date): string[] {
  return rules.filter((r) => rings(r, at)).map((r) => r.extension);
}

/** The next instant any rule changes its answer (the timer to re-apply at), or null. */
export function nextBoundary(rules: readonly RingRule[], at: Date): Date | null {
  let next: Date | null = null;
  for (const r of rules) {
    if (r.mode !== 'hours' || !r.hours) continue;
    const t = isOpen(r.hours, at) ? nextClosing(r.hours, at) : nextOpening(r.hours, at);
    if (t && (!next || t < next)) next = t;
  }
  return next;
}

/**
 * The variable's value: `PJSIP/6000&PJSIP/6001`, or `none`. Throws for anything outside the
 * allow-list, so a bug upstream can never hand Asterisk a foreign endpoint (the dialplan fences
 * it again).
 */
export function ringValue(extensions: readonly string[], owned: readonly string[]): string {
  for (const e of extensions) if (!owned.includes(e) || !/^[0-9]{2,6}$/.test(e)) throw new RingRuleError(`${e} is not one of the owner's phones`);
  return extensions.length ? extensions.map((e) => `PJSIP/${e}`).join('&') : RING_NOBODY;
}
