// Toll fraud is the attack that costs money: a website visitor must never reach a trunk, an
// outside-number pattern or a barred number. This walks every context a visitor can reach — the
// visitor endpoint's context, the IVR's exit context, and everything they include, Goto/Gosub
// into or Dial through Local/…@context — and allows only a short list of harmless applications,
// with Dial restricted to literal home endpoints that ignore call forwarding.
import { get, objects, type ConfFile } from '../conf-parser.ts';
import { parseDialplan, jumpsOf, type Dialplan, type Step, patternMatches } from '../dialplan.ts';
import { type AsteriskPlan, VISITOR_ENDPOINT, VISITOR_CONTEXT, IVR_EXIT_CONTEXT, IVR_RING_CONTEXT, TRUNK_TEMPLATE } from '../plan.ts';
import type { ConfSet, Violation } from './types.ts';
import { barredPatterns, ownerRingFence, OWNER_RING_TARGET, RING_DIAL_FENCE } from '../render/extensions.ts';

/** Applications a visitor's channel may run. Anything else (DISA, Originate, Queue, ChanSpy, VoiceMailMain…) is refused. */
const VISITOR_APPS = new Set(
  ['Answer', 'Hangup', 'NoOp', 'Verbose', 'Log', 'Wait', 'Ringing', 'Progress', 'Busy', 'Congestion', 'Playback',
    'Set', 'Goto', 'GotoIf', 'Gosub', 'GosubIf', 'Return', 'Dial', 'VoiceMail', 'Stasis'].map((a) => a.toLowerCase()),
);
/** Dial options a visitor's call may use: i (ignore forwards), r (ringing), e (extra timing). */
const VISITOR_DIAL_OPTIONS = /^[ire]*$/;
/** Numbers an outside-number pattern would match: national, international, +E.164. */
const OUTSIDE_SAMPLES = ['01234567890', '00441234567890', '+441234567890', '9011441234567'];

function trunkEndpoints(pjsip: ConfFile | undefined): Set<string> {
  const out = new Set<string>();
  if (!pjsip) return out;
  for (const s of objects(pjsip, 'endpoint')) {
    if (s.templates.includes(TRUNK_TEMPLATE) || get(s, 'outbound_auth') || get(s, 'context') === 'from-trunk') out.add(s.name);
  }
  for (const r of objects(pjsip, 'registration')) {
    const ep = get(r, 'endpoint');
    if (ep) out.add(ep);
  }
  return out;
}

/**
 * The IVR's ring Dial names its targets in a variable the edge sets; it is allowed only when the
 * same extension first jumps to it through the fence that admits nothing but home endpoints. The
 * same holds for [ring-owner]'s HL_RING_OWNER (the owner's ring rules), fenced to the owner's own.
 */
function isFenced(steps: Step[], dial: Step, fence: string): boolean {
  return !!dial.label && steps.some((s) => s.exten === dial.exten && s.priority < dial.priority && s.app.toLowerCase() === 'gotoif'
    && s.args.join(',') === `$[${fence}]?${dial.label}`);
}

export function checkVisitorReach(set: ConfSet, plan: AsteriskPlan): Violation[] {
  const out: Violation[] = [];
  const ext = set.get('extensions.conf');
  const pjsip = set.get('pjsip.conf');
  if (!ext) return [{ code: 'HL_MISSING_FILE', file: 'extensions.conf', message: 'no dialplan to check' }];
  const dialplan: Dialplan = parseDialplan(ext);
  const visitor = pjsip && objects(pjsip, 'endpoint').find((s) => s.name === VISITOR_ENDPOINT);
  // An endpoint without context= lands in [default]; a missing visitor endpoint is the identity check's finding.
  // The IVR's ARI app continues a visitor's channel into the exits and into [ivr-ring].
  // A visitor's SIP MESSAGE (res_pjsip_messaging) runs its message_context: reachable too.
  const messageContext = visitor && get(visitor, 'message_context');
  const roots = [visitor ? get(visitor, 'context') ?? 'default' : VISITOR_CONTEXT, IVR_EXIT_CONTEXT, IVR_RING_CONTEXT, ...(messageContext ? [messageContext] : [])];
  // Computed Dial targets allowed only in their context, behind their fence.
  const fences = new Map([['${HL_RING_DIAL}', { context: IVR_RING_CONTEXT, fence: RING_DIAL_FENCE }], [OWNER_RING_TARGET, { context: 'ring-owner', fence: ownerRingFence(plan) }]]);
  const home = new Set([...plan.phones.map((p) => p.extension), plan.owner.extension]);
  const trunks = trunkEndpoints(pjsip);
  // "+4490" is barred as "004490" too: the provider connects either form.
  const barredList = barredPatterns(plan.barred);
  const file = 'extensions.conf';
  const v = (code: string, step: Step | undefined, ctx: string, message: string) =>
    out.push({ code, file, line: step?.line, message: `[${ctx}]${step ? ` ${step.exten}` : ''}: ${message}` });

  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const ctx = dialplan.get(name);
    if (!ctx) { v('HL_VISITOR_UNKNOWN_CONTEXT', undefined, name, 'reachable by visitors but not defined'); continue; }
    for (const inc of ctx.includes) queue.push(inc.context);
    for (const step of ctx.steps) {
      const app = step.app.toLowerCase();
      if (app === 'hint') continue;
      if (!VISITOR_APPS.has(app)) { v('HL_VISITOR_APP', step, name, `${step.app} is not allowed where a visitor can reach`); continue; }
      for (const j of jumpsOf(step)) {
        if (j.context === undefined) continue;
        if (j.context.includes('$')) v('HL_VISITOR_DYNAMIC_JUMP', step, name, `${step.app} into a computed context ${j.context}`);
        else queue.push(j.context);
      }
      if (app === 'voicemail' && (step.args[0] ?? '').includes('$')) v('HL_VISITOR_DYNAMIC_JUMP', step, name, 'VoiceMail box is computed');
      if (app === 'stasis' && step.args[0] !== plan.ari.app) v('HL_EDGE_MISMATCH', step, name, `Stasis(${step.args[0]}) but the edge's ARI app is ${plan.ari.app}`);
      if (app !== 'dial') continue;
      const isPattern = step.exten.startsWith('_');
      if (isPattern) {
        const outside = OUTSIDE_SAMPLES.some((n) => patternMatches(step.exten, n));
        v('HL_VISITOR_PATTERN', step, name, `Dial under pattern ${step.exten}${outside ? ', which matches outside numbers' : ''}`);
      }
      const barredExten = barredList.find((b) => (isPattern ? patternMatches(step.exten, `${b}1234567`) : step.exten.startsWith(b)));
      if (barredExten) v('HL_VISITOR_BARRED', step, name, `Dial in an extension matching barred prefix ${barredExten}`);
      const options = step.args[2] ?? '';
      if (!options.includes('i')) v('HL_VISITOR_DIAL_FORWARDS', step, name, 'Dial without option i: a phone\'s 302 could forward the visitor outside');
      if (!VISITOR_DIAL_OPTIONS.test(options)) v('HL_VISITOR_DIAL_OPTIONS', step, name, `Dial options ${options} (only i, r, e allowed)`);
      for (const target of (step.args[0] ?? '').split('&').map((t) => t.trim())) {
        const fenced = fences.get(target);
        if (fenced && name === fenced.context && isFenced(ctx.steps, step, fenced.fence)) continue;
        if (target.includes('$')) { v('HL_VISITOR_DYNAMIC_DIAL', step, name, `Dial target ${target} is computed`); continue; }
        const local = /^Local\/[^@]+@([^/]+)/i.exec(target);
        if (local) { queue.push(local[1]); continue; }
        const pj = /^PJSIP\/(.+)$/i.exec(target);
        if (!pj) { v('HL_VISITOR_DIAL_TARGET', step, name, `Dial target ${target} is not a PJSIP home endpoint`); continue; }
        if (pj[1].includes('/')) { v('HL_VISITOR_DIAL_TARGET', step, name, `Dial target ${target} dials a raw URI`); continue; }
        const [user, via] = pj[1].split('@');
        const barred = barredList.find((b) => user.startsWith(b));
        if (barred && !home.has(user)) v('HL_VISITOR_BARRED', step, name, `Dial target ${target} is a barred number (${barred})`);
        else if (via !== undefined || trunks.has(user)) v('HL_VISITOR_TRUNK', step, name, `Dial target ${target} goes through a trunk`);
        else if (!home.has(user)) v('HL_VISITOR_DIAL_TARGET', step, name, `Dial target ${target} is not a home extension`);
      }
    }
  }
  return out;
}
