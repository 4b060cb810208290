// Which header fields a request from each role may carry upstream: an allow-list, decided per
// header. Whatever is not listed is removed; a few are refused with a coded response because
// removing them would silently change what the client asked for. Pure: the policy applies it.
//
// The visitor list is what JsSIP 3.13 (and any plain RFC 3261 UA) puts on the requests of one
// call: RTCSession (INVITE, re-INVITE, UPDATE, BYE/CANCEL with Reason, session timers), its
// DTMF INFO, PRACK (RAck) and OPTIONS. The owner list adds what registration and the owner's
// own event and transfer requests need, and nothing that claims an identity or a route.
import type { SipRefusalCode } from '../errors.ts';
import type { Role } from '../auth/claims.ts';
import type { SipHeader, SipRequest } from './message.ts';
import { TOKEN } from './uri.ts';

const CALL_HEADERS = [
  // RFC 3261 §8.1.1 mandatory set, and the body's framing.
  'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Contact', 'Content-Type', 'Content-Length',
  // Capabilities and preferences: JsSIP sends Allow, Supported, User-Agent on every request.
  'Allow', 'Supported', 'Require', 'Accept', 'User-Agent', 'Subject', 'Allow-Events', 'Content-Disposition',
  // Session timers (RFC 4028): JsSIP's INVITE/UPDATE carry Session-Expires; Min-SE after a 422.
  'Session-Expires', 'Min-SE',
  // PRACK's RAck (RFC 3262); BYE/CANCEL's Reason (RFC 3326, JsSIP: `Reason: SIP ;cause=…`).
  'RAck', 'Reason',
  // Only in-dialog, and then replaced by the dialog's learned route set (policy.ts); a Route on
  // an out-of-dialog request is refused before this list is applied.
  'Route',
] as const;

export const VISITOR_HEADERS: readonly string[] = CALL_HEADERS;

export const OWNER_HEADERS: readonly string[] = [
  ...CALL_HEADERS,
  // REGISTER (RFC 3261 §10) and SUBSCRIBE/NOTIFY/REFER/INFO packages (RFC 6665, 3515, 6086)
  // from the owner's tab.
  'Expires', 'Event', 'Subscription-State', 'Refer-To', 'Info-Package', 'Recv-Info',
];
/** Header names are case-insensitive (§7.3.1); unknown ones keep the client's spelling. */
const lowerSet = (names: readonly string[]) => new Set(names.map((n) => n.toLowerCase()));
const ALLOWED = { visitor: lowerSet(VISITOR_HEADERS), owner: lowerSet(OWNER_HEADERS) };

/**
 * Refused rather than removed, for both roles: stripping them would turn the request into
 * something the client did not ask for.
 * - Replaces/Join (RFC 3891, 3911): take over or barge into another dialog. Without them an
 *   INVITE would become an unexpected fresh call; no homeline client transfers calls.
 * - Content-Encoding: the body cannot be read (nor checked) without it.
 */
const REFUSED: Record<string, string> = {
  replaces: 'Replaces would take over another dialog',
  join: 'Join would barge into another dialog',
  'content-encoding': 'encoded bodies are not accepted',
};

/**
 * Removed (not refused) from both roles: the call still makes sense without them, and each is a
 * claim or a hint the edge cannot vouch for.
 * - Record-Route, Path: a UA's request has no business inserting hops (§16.6, RFC 3327); kept,
 *   they would make the PBX route later requests or a registration through the sender's host.
 * - Diversion, History-Info, Referred-By, P-* (RFC 5806, 7044, 3892, 3325/3455…), Remote-Party-ID,
 *   Privacy: identity, billing and redirection claims the PBX may believe (P-Called-Party-ID,
 *   P-Charge-Info name whom to bill or what was dialled).
 * - Alert-Info, Call-Info: `info=alert-autoanswer` / `answer-after=0` make phones pick up by
 *   themselves: a stranger could open the owner's microphone. Without them the call just rings.
 * - X-Homeline-*: the edge stamps its own (policy.ts); anything unknown: not on the list.
 * These are named only for the comment and the tests; the allow-list above is what removes them.
 */
export const REMOVED_EXAMPLES = [
  'Record-Route', 'Path', 'Diversion', 'History-Info', 'Referred-By', 'P-Called-Party-ID', 'P-Charge-Info',
  'P-Asserted-Identity', 'P-Preferred-Identity', 'Remote-Party-ID', 'Privacy', 'Alert-Info', 'Call-Info',
] as const;

/** Require option tags the edge and its upstreams handle (RFC 3262, 4028, 5626, 5627). */
export const KNOWN_OPTION_TAGS: ReadonlySet<string> = new Set(['100rel', 'timer', 'outbound', 'gruu']);

export type HeaderScreen =
  | { ok: true }
  | { ok: false; code: SipRefusalCode; detail: string; unsupported?: string[] };

/** Refusals first (a request carrying one is answered, not trimmed). */
export function screenHeaders(req: SipRequest): HeaderScreen {
  for (const h of req.headers) {
    const why = REFUSED[h.name.toLowerCase()];
    if (why) return { ok: false, code: 'HL_HEADER_FORBIDDEN', detail: `${h.name}: ${why}` };
  }
  // Require names what the far end must support, Proxy-Require what the edge, as the proxy in
  // the path, must support (§20.29, §20.32); it supports no proxy extensions. Either way a tag it
  // cannot vouch for is a 420 with Unsupported (§8.2.2.3), never silently dropped.
  const unknown: string[] = [];
  for (const h of req.headers) {
    if (h.name !== 'Require' && h.name !== 'Proxy-Require') continue;
    for (const tag of h.value.split(',').map((t) => t.trim().toLowerCase())) {
      const known = h.name === 'Require' && KNOWN_OPTION_TAGS.has(tag);
      if (!known && !unknown.includes(tag)) unknown.push(tag);
    }
  }
  if (unknown.length) {
    // Only token-shaped tags are echoed in the Unsupported header; the Warning names the count.
    const echo = unknown.filter((t) => TOKEN.test(t));
    return { ok: false, code: 'HL_EXTENSION_UNSUPPORTED', detail: `${unknown.length} unsupported option tag(s) in Require/Proxy-Require`, unsupported: echo };
  }
  return { ok: true };
}

export function isAllowedHeader(name: string, role: Role): boolean {
  return ALLOWED[role].has(name.toLowerCase());
}

/** The headers that may leave the edge for this role, in their original order. */
export function keepAllowed(headers: readonly SipHeader[], role: Role): SipHeader[] {
  return headers.filter((h) => isAllowedHeader(h.name, role));
}
