// Every refusal the edge makes, declared once with a stable code. HTTP errors use @fastify/error;
// SIP refusals are a table the policy and relay turn into real SIP responses. The widget and the
// tests match on the code, never on the wording.
import createError from '@fastify/error';

export const HttpErrors = {
  OriginForbidden: createError('HL_ORIGIN_FORBIDDEN', 'Origin %s is not allowed to use this edge', 403),
  RateLimited: createError('HL_RATE_LIMITED', 'Too many requests; retry in %s s', 429),
  BadPassword: createError('HL_BAD_PASSWORD', 'Wrong owner password', 401),
  NotOwner: createError('HL_NOT_OWNER', 'Owner login required', 401),
  UnknownTarget: createError('HL_UNKNOWN_TARGET', 'Unknown call target %s', 400),
  TokenRefused: createError('HL_TOKEN_REFUSED', 'Connect token refused: %s', 401),
  TooManyConnections: createError('HL_TOO_MANY_CONNECTIONS', 'Too many connections from this address', 429),
  UpstreamDown: createError('HL_UPSTREAM_DOWN', 'The phone system is not reachable', 503),
};

export interface SipRefusal {
  status: number;
  reason: string;
  text: string;
}

export const SipRefusals = {
  HL_MALFORMED: { status: 400, reason: 'Bad Request', text: 'malformed SIP message' },
  HL_METHOD_FORBIDDEN: { status: 405, reason: 'Method Not Allowed', text: 'method not allowed for this role' },
  HL_TARGET_FORBIDDEN: { status: 403, reason: 'Forbidden', text: 'target not allowed' },
  HL_FROM_FORBIDDEN: { status: 403, reason: 'Forbidden', text: 'From must be your own address' },
  HL_AOR_FORBIDDEN: { status: 403, reason: 'Forbidden', text: 'may register only its own extension' },
  HL_ROUTE_FORBIDDEN: { status: 403, reason: 'Forbidden', text: 'Route header not allowed' },
  HL_ONE_CALL: { status: 486, reason: 'Busy Here', text: 'one call at a time' },
  HL_LINES_BUSY: { status: 503, reason: 'Service Unavailable', text: 'all visitor lines are busy' },
  HL_OWNER_OFFLINE: { status: 480, reason: 'Temporarily Unavailable', text: 'the owner is not online' },
  HL_OWNER_DND: { status: 480, reason: 'Temporarily Unavailable', text: 'the owner is not taking calls' },
  HL_OWNER_BUSY: { status: 486, reason: 'Busy Here', text: 'the owner is in a call' },
  HL_NO_DIALOG: { status: 481, reason: 'Call/Transaction Does Not Exist', text: 'no such dialog' },
  HL_LOOP: { status: 483, reason: 'Too Many Hops', text: 'Max-Forwards exhausted' },
  HL_CALL_CAP: { status: 408, reason: 'Request Timeout', text: 'visitor call duration cap reached' },
  HL_NOT_FOUND: { status: 404, reason: 'Not Found', text: 'no such user' },
  // Issue 10 (header allow-lists, sip10): headers refused rather than removed, and Require tags.
  HL_HEADER_FORBIDDEN: { status: 403, reason: 'Forbidden', text: 'header not allowed' },
  HL_EXTENSION_UNSUPPORTED: { status: 420, reason: 'Bad Extension', text: 'required extension not supported' },
} satisfies Record<string, SipRefusal>;

export type SipRefusalCode = keyof typeof SipRefusals;

/** WebSocket close codes the edge uses (RFC 6455 §7.4 plus our 4xxx range). */
export const WsClose = {
  GoingAway: 1001,
  Unparseable: 1007,
  Policy: 1008,
  TooBig: 1009,
  UpstreamFailed: 1011,
  SessionCap: 4000,
} as const;

export class SipParseError extends Error {
  readonly code = 'HL_MALFORMED';
}
