// extensions.conf. Two worlds that never meet: what a visitor reaches ([from-web] and the IVR's
// exits: home extensions, the owner's ring group, voicemail) and what the owner's phones reach
// (internal calls, and outside numbers through a trunk, minus barred prefixes).
// In the visitor world every Dial names literal home endpoints and sets `i`, so neither a
// variable nor a phone's 302 redirect can turn a visitor's call into an outside call.
import { type AsteriskPlan, VISITOR_CONTEXT, IVR_EXIT_CONTEXT, IVR_RING_CONTEXT } from '../plan.ts';
import { HEADER } from './common.ts';

/** The test [ivr-ring] runs before its one computed Dial: only home endpoints, joined by &. */
export const RING_DIAL_FENCE = '${REGEX("^PJSIP/6[0-9]{3}(&PJSIP/6[0-9]{3})*$" ${HL_RING_DIAL})}';

/** The global the edge sets over ARI with the owner's ring set now (server/owner/ring-set.ts). */
export const OWNER_RING_TARGET = '${GLOBAL(HL_RING_OWNER)}';
/** Where a visitor's text message (SIP MESSAGE) lands: an empty context, so Asterisk answers 404. */
export const MESSAGE_CONTEXT = 'hl-messages-in';

/**
 * [ring-owner] dials the edge's value only through this fence: nothing but the owner's own
 * endpoints (tab and owner.phones, literally), joined by &. Any other value rings everyone.
 */
export function ownerRingFence(plan: AsteriskPlan): string {
  const own = [...plan.owner.phones, plan.owner.extension].join('|');
  return `\${REGEX("^PJSIP/(${own})(&PJSIP/(${own}))*$" ${OWNER_RING_TARGET})}`;
}

/** Seconds a single home extension rings for a visitor before voicemail. */
const EXTENSION_RING_SECONDS = 30;

function ringOwnerDial(plan: AsteriskPlan): string {
  const legs = [...plan.owner.phones, plan.owner.extension].map((e) => `PJSIP/${e}`).join('&');
  return `Dial(${legs},${plan.owner.ringSeconds},i)`;
}

function extensionTargets(plan: AsteriskPlan): string {
  return plan.targets
    .filter((t) => t.kind === 'extension')
    .map((t) => {
      const legs = (t.extensions ?? []).map((e) => `PJSIP/${e}`).join('&');
      return legs
        ? `exten => ${t.user},1,NoOp(visitor rings ${t.label})
 same => n,Dial(${legs},${EXTENSION_RING_SECONDS},i)
 same => n,Goto(leave-word,s,1)
`
        : `exten => ${t.user},1,Goto(ring-owner,s,1)\n`;
    })
    .join('');
}

/**
 * Each barred prefix in both international forms: "+4490" is also dialled "004490" (and the
 * other way round), and the provider connects either. Seen with a real trunk: barring only the
 * "+" form let 00449… through.
 */
export function barredPatterns(barred: readonly string[]): string[] {
  const forms = barred.flatMap((b) => (b.startsWith('+') ? [b, `00${b.slice(1)}`] : b.startsWith('00') ? [b, `+${b.slice(2)}`] : [b]));
  return [...new Set(forms)];
}

export function renderExtensions(plan: AsteriskPlan): string {
  const o = plan.owner;
  const targets = plan.targets
    .filter((t) => t.kind !== 'extension')
    .map((t) =>
      t.kind === 'owner'
        ? `exten => ${t.user},1,NoOp(visitor rings the owner)
 same => n,Goto(ring-owner,s,1)
`
        : `exten => ${t.user},1,NoOp(visitor enters the operator menu)
 same => n,Goto(operator-menu,s,1)
`,
    )
    .join('');
  const visitorExtens = plan.visitorExtensions
    .map(
      (e) => `exten => ${e},1,Dial(PJSIP/${e},${EXTENSION_RING_SECONDS},i)
 same => n,Goto(leave-word,s,1)
`,
    )
    .join('');
  const barred = barredPatterns(plan.barred)
    .map((b) => `exten => _${b}.,1,Goto(refused,s,1)\n`)
    .join('');
  // Digits only (and one leading +): a separator or * # could slip a barred number past the
  // prefix patterns, and the provider would strip it and connect anyway.
  const viaTrunk = (pattern: string) => `exten => ${pattern},1,GotoIf($[\${REGEX("^[+]?[0-9]+$" \${EXTEN})}]?out)
 same => n,Goto(refused,s,1)
 same => n(out),Dial(PJSIP/\${EXTEN}@${plan.trunk},120)
 same => n,Hangup()
`;
  const outbound = plan.trunk
    ? `; Outside numbers through the trunk ${plan.trunk}. Barred prefixes above win (longer match).
${viaTrunk('_0X.')}${viaTrunk('_+X.')}`
    : `; No trunk configured (set "trunk" in <dataDir>/asterisk.json): outside numbers are refused.
exten => _0X.,1,Goto(refused,s,1)
exten => _+X.,1,Goto(refused,s,1)
`;
  const did =
    plan.did === 'ivr'
      ? ' same => n,Goto(operator-menu,did,1)'
      : ' same => n,Goto(ring-owner,s,1)';
  return `${HEADER}
[general]
static=yes
; "dialplan save" must never overwrite this file.
writeprotect=yes
autofallthrough=yes
clearglobalvars=yes

[globals]

; ================================================================ the visitor world
; Visitors (endpoint "visitor") land here. Only the targets below exist; an INVITE for anything
; else gets "404 Not Found" from chan_pjsip before any dialplan runs.
[${VISITOR_CONTEXT}]
${targets}${extensionTargets(plan)}
; The operator menu is the edge's ARI application; it gets the visitor id the edge stamped (a
; header the edge strips from clients), so the widget can follow the menu. Stasis() fails at once when the edge is not
; connected (STASISSTATUS=FAILED): then ring the owner, then voicemail, so nobody rings into nothing.
[operator-menu]
exten => s,1,Stasis(${plan.ari.app},visitor,\${PJSIP_HEADER(read,X-Homeline-Visitor)})
 same => n,GotoIf($["\${STASISSTATUS}" = "FAILED"]?fallback)
 same => n,Hangup()
 same => n(fallback),NoOp(operator menu offline: ring the owner instead)
 same => n,Goto(ring-owner,s,1)
; Callers from the home's DIDs get the same (visitor-safe) menu, labelled so the IVR can tell.
exten => did,1,Stasis(${plan.ari.app},did)
 same => n,GotoIf($["\${STASISSTATUS}" = "FAILED"]?fallback)
 same => n,Hangup()
 same => n(fallback),Goto(ring-owner,s,1)

; Where the IVR may "continue" a visitor's channel (ARI continueInDialplan): home extensions,
; the owner's ring group and voicemail. Nothing here dials anything else.
[${IVR_EXIT_CONTEXT}]
${visitorExtens}exten => owner,1,Goto(ring-owner,s,1)
exten => voicemail,1,Goto(leave-word,s,1)

; Where the IVR's "ring" action continues a channel (server/ivr/README.md): the edge sets
; HL_RING_DIAL from menu-validated extensions; the REGEX is a second fence, so even a wrong value
; can only ring home extensions (_6XXX), never a trunk. Nobody answered: back into the menu.
[${IVR_RING_CONTEXT}]
exten => ring,1,GotoIf($[${RING_DIAL_FENCE}]?dial)
 same => n,Hangup()
 same => n(dial),Dial(\${HL_RING_DIAL},\${IF($[\${HL_RING_TIMEOUT} > 0]?\${HL_RING_TIMEOUT}:${EXTENSION_RING_SECONDS})},i)
 same => n,GotoIf($["\${DIALSTATUS}" = "ANSWER"]?done)
 same => n,Stasis(${plan.ari.app},ring-result,\${DIALSTATUS})
 same => n(done),Hangup()
exten => dialout,1,Hangup()

; The owner's ring group, as the owner's ring rules say now: the edge sets HL_RING_OWNER over ARI
; (the phones that ring at this hour, or "none"), re-set at each boundary and ARI reconnect. Unset
; (Asterisk just started) or anything the fence refuses: every phone and the tab, as before.
[ring-owner]
exten => s,1,GotoIf($["${OWNER_RING_TARGET}" = "none"]?nobody)
 same => n,GotoIf($[${ownerRingFence(plan)}]?chosen)
 same => n,${ringOwnerDial(plan)}
 same => n,Goto(leave-word,s,1)
 same => n(chosen),Dial(${OWNER_RING_TARGET},${o.ringSeconds},i)
 same => n(nobody),Goto(leave-word,s,1)

; "Leave word": the owner is often away for days, so a caller can always leave a message.
[leave-word]
exten => s,1,VoiceMail(${o.mailbox},u)
 same => n,Hangup()

; SIP MESSAGE to Asterisk from any endpoint: res_pjsip_messaging is loaded only so the edge can
; text the owner's phones; nothing that arrives runs anything (no extension here: 404).
[${MESSAGE_CONTEXT}]

; ================================================================ the owner's world
; Calls between home extensions (phones and the owner's tab).
[internal]
exten => _6XXX,1,Dial(PJSIP/\${EXTEN},${EXTENSION_RING_SECONDS})
 same => n,VoiceMail(${o.mailbox},u)
 same => n,Hangup()
exten => *97,1,VoiceMailMain(${o.mailbox},s)
 same => n,Hangup()

; The owner's browser tab: home extensions and voicemail, no outside calls.
[from-owner-web]
include => internal

; The home phones (digest-authenticated over TLS): internal calls and, through the trunk, outside.
[from-phones]
include => internal
include => phones-outbound

[phones-outbound]
; Barred prefixes: premium rate, directory services, whatever the owner listed.
${barred}${outbound}
[refused]
exten => s,1,NoOp(refused: barred or unavailable destination)
 same => n,Hangup(21)

; Calls arriving from a trunk (the home's DIDs).
[from-trunk]
exten => _[+0-9].,1,NoOp(DID \${EXTEN})
${did}
exten => s,1,Goto(ring-owner,s,1)
`;
}
