// What each role may send, decided from the message and a snapshot of the call state. Pure: the
// relay gathers the snapshot, applies the verdict and owns every socket.
//
// A visitor is a stranger on the internet. It may set up a call to one of the targets in its
// token, in the edge's domain, and then only speak inside that call. Everything else — another
// domain, a trunk number, escaped digits, maddr, a Route elsewhere, REGISTER/REFER/MESSAGE… — is
// refused here with a SIP response, before Asterisk ever sees it (toll fraud is the threat).
import type { SipRefusalCode } from '../errors.ts';
import type { Role } from '../auth/claims.ts';
import { header, removeHeaders, type SipHeader, type SipRequest } from './message.ts';
import { parseNameAddr, parseSipUri, tagOf } from './uri.ts';

export const VISITOR_METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'INFO', 'UPDATE', 'PRACK'] as const;
export const OWNER_METHODS = [...VISITOR_METHODS, 'REGISTER', 'MESSAGE', 'NOTIFY', 'SUBSCRIBE', 'REFER'] as const;
const IN_DIALOG_ONLY = new Set(['ACK', 'BYE', 'INFO', 'UPDATE', 'PRACK']);
const TRANSPORTS = new Set(['ws', 'wss', 'udp', 'tcp', 'tls']);
/** Headers a PBX may believe about the caller's identity (RFC 3325, draft RPID); never a visitor's to assert. */
const ASSERTED_IDENTITY = new Set(['p-asserted-identity', 'p-preferred-identity', 'remote-party-id']);

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

export interface CallSnapshot {
  /** Call-IDs of this connection's calls and registrations still alive (dialogs or pending INVITEs). */
  knownCallIds: { has(callId: string): boolean };
  /** Calls this connection has in progress. */
  activeCalls: number;
  /** Visitor calls in progress across the whole edge. */
  visitorCallsTotal: number;
  visitorCallsCap: number;
  busyRetryAfterSeconds: number;
  /** Target users the owner has paused (do-not-disturb): visitors get 480 for them. */
  pausedTargets: ReadonlySet<string>;
}

export type Verdict =
  | { action: 'forward'; request: SipRequest; initialInvite: boolean }
  | { action: 'refuse'; code: SipRefusalCode; allow?: string[]; retryAfterSeconds?: number; detail?: string }
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
    return { action: 'forward', request: stamp(req, who), initialInvite: false };
  }

  if (hasRoute(req)) return refuse('HL_ROUTE_FORBIDDEN');

  const target = checkTarget(req.uri, who, req.method === 'OPTIONS');
  if (target.refusal) return target.refusal;

  if (req.method === 'INVITE' && who.role === 'visitor') {
    if (state.pausedTargets.has(target.user!)) return refuse('HL_OWNER_DND');
    if (state.activeCalls >= 1) return refuse('HL_ONE_CALL');
    if (state.visitorCallsTotal >= state.visitorCallsCap) {
      return refuse('HL_LINES_BUSY', { retryAfterSeconds: state.busyRetryAfterSeconds });
    }
  }
  return { action: 'forward', request: stamp(req, who), initialInvite: req.method === 'INVITE' };
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
  const fromRefusal = checkFrom(req, who);
  if (fromRefusal) return fromRefusal;
  if (hasRoute(req)) return refuse('HL_ROUTE_FORBIDDEN');
  return { action: 'forward', request: stamp(req, who), initialInvite: false };
}

function checkFrom(req: SipRequest, who: PolicyIdentity): Verdict | undefined {
  const from = parseNameAddr(header(req, 'From')!);
  const fromUri = from && parseSipUri(from.uri);
  if (!fromUri || fromUri.user !== who.user || fromUri.host !== who.domain) {
    return refuse('HL_FROM_FORBIDDEN', { detail: `From must be sip:${who.user}@${who.domain}` });
  }
  return undefined;
}

/** A preloaded Route would send the request past the edge's own choice of next hop. */
const hasRoute = (req: SipRequest) => req.headers.some((h) => h.name === 'Route');

export interface StampSecrets {
  edgeSecret: string;
}

/**
 * Removes every client-sent X-Homeline-* header, then adds who really sent it. The edge secret is
 * added later by the Asterisk upstream only (the embedded router has no use for it), so this
 * function stays free of secrets.
 */
export function stamp(req: SipRequest, who: PolicyIdentity): SipRequest {
  const out: SipRequest = { ...req, headers: req.headers.map((h) => ({ ...h })) };
  removeHeaders(out, (name) => {
    const lower = name.toLowerCase();
    return lower.startsWith(IDENTITY_PREFIX) || (who.role === 'visitor' && ASSERTED_IDENTITY.has(lower));
  });
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
