// What each role may send, decided from the message and a snapshot of the call state. Pure: the
// relay gathers the snapshot, applies the verdict and owns every socket.
//
// A visitor is a stranger on the internet. It may set up a call to one of the targets in its
// token, in the edge's domain, and then only speak inside that call. Everything else — another
// domain, a trunk number, escaped digits, maddr, a Route elsewhere, REGISTER/REFER/MESSAGE… — is
// refused here with a SIP response, before Asterisk ever sees it (toll fraud is the threat).
import type { SipRefusalCode } from '../errors.ts';
import type { Role } from '../auth/claims.ts';
import { header, headerValues, type SipHeader, type SipRequest } from './message.ts';
import { parseNameAddr, parseSipUri, tagOf } from './uri.ts';
import { keepAllowed, screenHeaders } from './headers.ts';

export const VISITOR_METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'INFO', 'UPDATE', 'PRACK'] as const;
export const OWNER_METHODS = [...VISITOR_METHODS, 'REGISTER', 'MESSAGE', 'NOTIFY', 'SUBSCRIBE', 'REFER'] as const;
const IN_DIALOG_ONLY = new Set(['ACK', 'BYE', 'INFO', 'UPDATE', 'PRACK']);
const TRANSPORTS = new Set(['ws', 'wss', 'udp', 'tcp', 'tls']);
/** RFC 3261 §8.1.1.6 recommends 70; a larger value only lets a loop run longer. */
export const MAX_FORWARDS_CAP = 70;

export interface PolicyIdentity {
  role: Role;
  /** SIP user of this connection: `v-…` or the owner's extension. */
  user: string;
  /** Visitor: target users from the token. */
  targets: readonly string[];
  domain: string;
  /** Percent-encoded display name the visitor typed, stamped on its INVITEs. */
  callerName?: string;
}

/** What the edge learned about one dialog; the client's idea of it is not trusted (issue 10). */
export interface DialogView {
  /** The far end's Contact from the dialog-forming INVITE or 2xx (RFC 3261 §12.1), once known. */
  remoteTarget?: string;
  /** The route set learned from Record-Route, in the order requests carry it (§12.1.2). */
  routeSet: readonly string[];
}

export interface CallSnapshot {
  /**
   * The live dialog of this connection that the request's Call-ID *and both tags* name, if any
   * (the relay's call tracker gives `viewFor(request)`: a Call-ID alone names nothing, issue 10).
   */
  dialogs: { get(callId: string): DialogView | undefined };
  /** Whether the request belongs to such a dialog (or, for CANCEL, to its pending INVITE). */
  knownCallIds: { has(callId: string): boolean };
  /** Calls this connection has in progress. */
  activeCalls: number;
  /** Visitor calls in progress across the whole edge. */
  visitorCallsTotal: number;
  visitorCallsCap: number;
  busyRetryAfterSeconds: number;
  /** Target users the owner has paused (do-not-disturb, or outside opening hours): visitors get 480 for them. */
  pausedTargets: ReadonlySet<string>;
  /** Why they are paused; absent means do-not-disturb. */
  pauseCode?: 'HL_OWNER_DND' | 'HL_OWNER_HOURS';
}

export type Verdict =
  | { action: 'forward'; request: SipRequest; initialInvite: boolean }
  | { action: 'refuse'; code: SipRefusalCode; allow?: string[]; retryAfterSeconds?: number; detail?: string; unsupported?: string[] }
  /** ACK is never answered (RFC 3261 §17.1.1.3): a refused ACK is dropped and logged. */
  | { action: 'drop'; code: SipRefusalCode };

const refuse = (code: SipRefusalCode, extra: Partial<Extract<Verdict, { action: 'refuse' }>> = {}): Verdict => ({ action: 'refuse', code, ...extra });

/** The identity headers the edge stamps; any client copy is removed first (DESIGN: trust model). */
export const IDENTITY_PREFIX = 'x-homeline-';

export function decide(req: SipRequest, who: PolicyIdentity, state: CallSnapshot): Verdict {
  const verdict = decideRequest(req, who, state);
  if (verdict.action === 'refuse' && req.method === 'ACK') return { action: 'drop', code: verdict.code };
  return verdict;
}

function decideRequest(req: SipRequest, who: PolicyIdentity, state: CallSnapshot): Verdict {
  const allowed: readonly string[] = who.role === 'visitor' ? VISITOR_METHODS : OWNER_METHODS;
  if (!allowed.includes(req.method)) return refuse('HL_METHOD_FORBIDDEN', { allow: [...allowed], detail: `${req.method} is not allowed for a ${who.role}` });

  const mf = header(req, 'Max-Forwards');
  if (mf !== undefined && Number(mf) === 0) return refuse('HL_LOOP');

  const screen = screenHeaders(req);
  if (!screen.ok) return refuse(screen.code, { detail: screen.detail, unsupported: screen.unsupported });
  const contactRefusal = checkContacts(req, who);
  if (contactRefusal) return contactRefusal;

  const callId = header(req, 'Call-ID')!;
  const inDialog = tagOf(header(req, 'To')) !== undefined;
  const known = state.knownCallIds.has(callId);
  const dialogRequest = req.method === 'CANCEL' || IN_DIALOG_ONLY.has(req.method) || (inDialog && req.method !== 'REGISTER');

  if (req.method === 'REGISTER') return decideRegister(req, who);

  // From names the sender of out-of-dialog requests. Inside a dialog it is the dialog's local
  // URI, which for the owner answering a visitor is the visitor's target (`sip:owner@…`), not
  // the owner's extension; a visitor is the caller in each of its dialogs, so it keeps its own.
  if (who.role === 'visitor' || !dialogRequest) {
    const fromRefusal = checkFrom(req, who);
    if (fromRefusal) return fromRefusal;
  }

  if (dialogRequest) {
    // Requests inside a call must belong to one of this connection's own calls, so a visitor
    // can never BYE, re-INVITE or INFO into somebody else's dialog by guessing a Call-ID.
    if (!known) return refuse('HL_NO_DIALOG');
    const routed = routeInDialog(req, who, state.dialogs.get(callId));
    if ('refusal' in routed) return routed.refusal;
    return { action: 'forward', request: stamp(routed.request, who), initialInvite: false };
  }

  if (hasRoute(req)) return refuse('HL_ROUTE_FORBIDDEN');

  const target = checkTarget(req.uri, who, req.method === 'OPTIONS');
  if (target.refusal) return target.refusal;
  const toRefusal = checkTo(req, who);
  if (toRefusal) return toRefusal;

  if (req.method === 'INVITE' && who.role === 'visitor') {
    if (state.pausedTargets.has(target.user!)) return refuse(state.pauseCode ?? 'HL_OWNER_DND');
    if (state.activeCalls >= 1) return refuse('HL_ONE_CALL');
    if (state.visitorCallsTotal >= state.visitorCallsCap) {
      return refuse('HL_LINES_BUSY', { retryAfterSeconds: state.busyRetryAfterSeconds });
    }
  }
  return { action: 'forward', request: stamp(req, who), initialInvite: req.method === 'INVITE' };
}

/**
 * In-dialog requests are re-targeted, not trusted. Once the dialog's remote target is known the
 * request goes there, through the learned route set, whatever Request-URI and Route the client
 * wrote (a re-INVITE to `sip:+44…@203.0.113.9;user=phone;maddr=…` with `Route: <sip:203.0.113.9;lr>`
 * would otherwise be relayed verbatim to a trunk). Before that (CANCEL, an ACK for a failed INVITE,
 * an early-dialog request) the Request-URI gets every check an initial request gets, and a Route
 * has nothing to be checked against, so it is refused.
 */
export function routeInDialog(req: SipRequest, who: PolicyIdentity, dialog: DialogView | undefined): { request: SipRequest } | { refusal: Verdict } {
  // CANCEL must repeat its INVITE's Request-URI (§9.1), which the initial checks already passed.
  if (dialog?.remoteTarget && req.method !== 'CANCEL') {
    // The learned Routes go where the client put its own (JsSIP: first), else after the Vias.
    const first = req.headers.findIndex((h) => h.name === 'Route');
    const at = first >= 0 ? first : req.headers.findLastIndex((h) => h.name === 'Via') + 1;
    const keep = (hs: SipHeader[]) => hs.filter((h) => h.name !== 'Route');
    const routes = dialog.routeSet.map((value) => ({ name: 'Route', value }));
    return { request: { ...req, uri: dialog.remoteTarget, headers: [...keep(req.headers.slice(0, at)), ...routes, ...keep(req.headers.slice(at))] } };
  }
  if (hasRoute(req)) return { refusal: refuse('HL_ROUTE_FORBIDDEN', { detail: 'no route set learned for this dialog yet' }) };
  const target = checkTarget(req.uri, who, true);
  if (target.refusal) return { refusal: target.refusal };
  return { request: req };
}

interface TargetCheck {
  user?: string;
  refusal?: Verdict;
}

/** The Request-URI of an out-of-dialog request: our domain, an allowed user, nothing clever. */
export function checkTarget(uriText: string, who: PolicyIdentity, domainOnlyOk: boolean): TargetCheck {
  const bad = (detail: string): TargetCheck => ({ refusal: refuse('HL_TARGET_FORBIDDEN', { detail }) });
  const uri = parseSipUri(uriText);
  if (!uri) return bad('Request-URI must be a sip: URI');
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return bad('Request-URI must be a sip: URI');
  if (uri.host !== who.domain || uri.port !== undefined) return bad(`Request-URI must be in ${who.domain}`);
  if (uri.headers !== undefined) return bad('Request-URI must not carry headers');
  for (const [key, value] of uri.params) {
    // maddr/user=phone re-aim a request at another host or at the PSTN; transport is harmless.
    if (key !== 'transport') return bad(`Request-URI parameter ;${key} not allowed`);
    if (!TRANSPORTS.has(value.toLowerCase())) return bad(`Request-URI transport ${value.slice(0, 16)} not allowed`);
  }
  if (uri.user === undefined) return domainOnlyOk ? { user: undefined } : bad('Request-URI needs a user');
  if (uri.user.includes('%')) return bad('escaped characters in the Request-URI user');
  if (who.role === 'visitor') {
    if (!who.targets.includes(uri.user)) return bad(`${uri.user} is not a target this visitor may call`);
  } else if (!/^[A-Za-z0-9_.-]{1,32}$/.test(uri.user)) {
    return bad('Request-URI user must be an extension or target name');
  }
  return { user: uri.user };
}

/** The AOR comes first: a REGISTER for another extension is that, not a From problem. */
function decideRegister(req: SipRequest, who: PolicyIdentity): Verdict {
  const to = parseNameAddr(header(req, 'To')!);
  const aor = to && parseSipUri(to.uri);
  if (!aor || aor.user !== who.user || aor.host !== who.domain) return refuse('HL_AOR_FORBIDDEN');
  const ruri = parseSipUri(req.uri);
  if (!ruri || ruri.host !== who.domain || (ruri.user !== undefined && ruri.user !== who.user)) return refuse('HL_AOR_FORBIDDEN');
  const target = checkTarget(req.uri, who, true);
  if (target.refusal) return target.refusal;
  const fromRefusal = checkFrom(req, who);
  if (fromRefusal) return fromRefusal;
  if (hasRoute(req)) return refuse('HL_ROUTE_FORBIDDEN');
  return { action: 'forward', request: stamp(req, who), initialInvite: false };
}

/** URI parameters a browser's Contact carries (JsSIP: `;transport=ws;ob`, RFC 5627 `;gr`). */
const CONTACT_URI_PARAMS = new Set(['transport', 'ob', 'gr']);

/**
 * The Contact becomes the far end's remote target (or the owner's binding): a `;maddr=`, a
 * `;user=phone` or a real host there would aim the PBX's in-dialog requests (or calls to the
 * owner's extension) at any address on the internet. Both roles are browsers, which use a random
 * `.invalid` host (RFC 7118 §5.2) reached over the flow they opened; the owner's SIP phones
 * register with Asterisk directly, never through the edge.
 */
function checkContacts(req: SipRequest, who: PolicyIdentity): Verdict | undefined {
  for (const value of headerValues(req, 'Contact')) {
    if (value === '*') continue;
    const uri = parseSipUri(parseNameAddr(value)?.uri ?? '');
    if (!uri) return refuse('HL_TARGET_FORBIDDEN', { detail: 'Contact must be a sip: URI' });
    for (const key of uri.params.keys()) {
      if (!CONTACT_URI_PARAMS.has(key)) return refuse('HL_TARGET_FORBIDDEN', { detail: `Contact parameter ;${key.slice(0, 24)} not allowed` });
    }
    if (!uri.host.endsWith('.invalid')) return refuse('HL_TARGET_FORBIDDEN', { detail: 'Contact host must be a .invalid name (RFC 7118)' });
  }
  return undefined;
}

function checkFrom(req: SipRequest, who: PolicyIdentity): Verdict | undefined {
  const from = parseNameAddr(header(req, 'From')!);
  const fromUri = from && parseSipUri(from.uri);
  // No URI parameters either (JsSIP sends none): `;maddr=`/`;user=phone` in From mean nothing
  // good to a PBX that may reuse the address for caller ID or a callback.
  if (!fromUri || fromUri.user !== who.user || fromUri.host !== who.domain || fromUri.port !== undefined || fromUri.params.size) {
    return refuse('HL_FROM_FORBIDDEN', { detail: `From must be sip:${who.user}@${who.domain}` });
  }
  return undefined;
}

/**
 * The To of an out-of-dialog request names whom it is for (JsSIP: the Request-URI's target).
 * A `tel:`, another host or `;maddr=` there is nothing a browser sends and something a PBX may
 * read. Inside a dialog To is the dialog's remote URI as the upstream chose it, and is left alone.
 */
function checkTo(req: SipRequest, who: PolicyIdentity): Verdict | undefined {
  const to = parseSipUri(parseNameAddr(header(req, 'To')!)?.uri ?? '');
  if (!to || to.host !== who.domain || to.port !== undefined || to.params.size || to.user?.includes('%')) {
    return refuse('HL_TARGET_FORBIDDEN', { detail: `To must name an address in ${who.domain}` });
  }
  return undefined;
}

/** A preloaded Route would send the request past the edge's own choice of next hop. */
const hasRoute = (req: SipRequest) => req.headers.some((h) => h.name === 'Route');

export interface StampSecrets {
  edgeSecret: string;
}

/**
 * What leaves the edge: only the role's allowed headers (headers.ts; that also removes every
 * client-sent X-Homeline-* and asserted-identity header), Max-Forwards present and at most 70,
 * then who really sent it. The edge secret is added later by the Asterisk upstream only (the
 * embedded router has no use for it), so this function stays free of secrets.
 */
export function stamp(req: SipRequest, who: PolicyIdentity): SipRequest {
  const out: SipRequest = { ...req, headers: keepAllowed(req.headers, who.role).map((h) => ({ ...h })) };
  const mf = out.headers.find((h) => h.name === 'Max-Forwards');
  if (!mf) out.headers.splice(out.headers.findLastIndex((h) => h.name === 'Via') + 1, 0, { name: 'Max-Forwards', value: String(MAX_FORWARDS_CAP) });
  else mf.value = String(Math.min(Number(mf.value), MAX_FORWARDS_CAP));
  const add: SipHeader[] = [{ name: 'X-Homeline-Role', value: who.role }];
  if (who.role === 'visitor') add.push({ name: 'X-Homeline-Visitor', value: who.user });
  if (who.role === 'visitor' && who.callerName && req.method === 'INVITE') add.push({ name: 'X-Homeline-Caller', value: headerSafe(who.callerName) });
  const cl = out.headers.findIndex((h) => h.name === 'Content-Length');
  out.headers.splice(cl >= 0 ? cl : out.headers.length, 0, ...add);
  return out;
}

/** The caller name is typed by a stranger: only URI-safe characters may reach a header value. */
function headerSafe(name: string): string {
  const encoded = /^[A-Za-z0-9%._~!*'()-]*$/.test(name) ? name : encodeURIComponent(name);
  return encoded.slice(0, 256);
}
