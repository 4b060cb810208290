// Every refusal the edge makes, declared once with a stable code. The codes and their statuses
// are the shared table in contract/codes.ts (the widget reads it too); here they get their
// wording. HTTP errors use @fastify/error and all go through the one error handler
// (error-handler.ts); SIP refusals are a table the policy and relay turn into real SIP
// responses. The widget and the tests match on the code, never on the wording.
import createError from '@fastify/error';
import { HTTP_CODES, SIP_CODES, type HttpCodeName, type SipCodeName } from '../contract/codes.ts';

/** An HTTP error whose status comes from the shared code table. */
const http = (code: HttpCodeName, message: string) => createError(code, message, HTTP_CODES[code]);

export const HttpErrors = {
  OriginForbidden: http('HL_ORIGIN_FORBIDDEN', 'Origin %s is not allowed to use this edge'),
  RateLimited: http('HL_RATE_LIMITED', 'Too many requests; retry in %s s'),
  BadPassword: http('HL_BAD_PASSWORD', 'Wrong owner password'),
  NotOwner: http('HL_NOT_OWNER', 'Owner login required'),
  NotFound: http('HL_NOT_FOUND', 'No such %s'),
  UnknownTarget: http('HL_UNKNOWN_TARGET', 'Unknown call target %s'),
  TokenRefused: http('HL_TOKEN_REFUSED', 'Connect token refused: %s'),
  TooManyConnections: http('HL_TOO_MANY_CONNECTIONS', 'Too many connections from this address'),
  UpstreamDown: http('HL_UPSTREAM_DOWN', 'The phone system is not reachable'),
  Subprotocol: http('HL_SUBPROTOCOL', 'WebSocket subprotocol "sip" is required (RFC 7118)'),
  WebNotBuilt: http('HL_WEB_NOT_BUILT', 'web build missing: run `npm run build:web`'),
  LoginBusy: http('HL_LOGIN_BUSY', 'Too many logins at once; retry in %s s'),
  BadHours: http('HL_BAD_HOURS', 'Opening hours not saved: %s'),
  // Says no more than that: a blocked caller learns nothing about how or for how long.
  Blocked: http('HL_BLOCKED', 'Calls from this network are not accepted'),
  BadRequest: http('HL_BAD_REQUEST', '%s'),
  VoiceOff: http('HL_VOICE_OFF', 'Voice messages are turned off on this edge (messages.voiceMaxSeconds is 0)'),
  VoiceType: http('HL_VOICE_TYPE', 'A voice message must be audio/webm or audio/ogg (Opus); got %s'),
  VoiceTooBig: http('HL_VOICE_TOO_BIG', 'A voice message may be at most %s bytes (%s s)'),
  VoiceNotOpus: http('HL_VOICE_NOT_OPUS', 'The upload is not an Opus recording in %s'),
  AudioGone: http('HL_AUDIO_GONE', 'The audio file of message %s is missing from the data directory'),
  Range: http('HL_RANGE', 'Range %s is outside the file'),
  BadPage: http('HL_BAD_PAGE', 'page must be an http(s) URL on an allowed origin; got %s'),
  TooManyStreams: http('HL_TOO_MANY_STREAMS', 'Too many open owner consoles (at most %s live channels)'),
  RingRuleInvalid: http('HL_RING_RULE_INVALID', 'Ring rules refused: %s'),
};

export interface SipRefusal {
  status: number;
  reason: string;
  text: string;
}

/** A SIP refusal: status from the shared code table, reason phrase and default text here. */
const sip = (code: SipCodeName, reason: string, text: string): SipRefusal => ({ status: SIP_CODES[code].status, reason, text });

export const SipRefusals = {
  HL_MALFORMED: sip('HL_MALFORMED', 'Bad Request', 'malformed SIP message'),
  HL_METHOD_FORBIDDEN: sip('HL_METHOD_FORBIDDEN', 'Method Not Allowed', 'method not allowed for this role'),
  HL_TARGET_FORBIDDEN: sip('HL_TARGET_FORBIDDEN', 'Forbidden', 'target not allowed'),
  HL_FROM_FORBIDDEN: sip('HL_FROM_FORBIDDEN', 'Forbidden', 'From must be your own address'),
  HL_AOR_FORBIDDEN: sip('HL_AOR_FORBIDDEN', 'Forbidden', 'may register only its own extension'),
  HL_ROUTE_FORBIDDEN: sip('HL_ROUTE_FORBIDDEN', 'Forbidden', 'Route header not allowed'),
  HL_ONE_CALL: sip('HL_ONE_CALL', 'Busy Here', 'one call at a time'),
  HL_LINES_BUSY: sip('HL_LINES_BUSY', 'Service Unavailable', 'all visitor lines are busy'),
  HL_OWNER_OFFLINE: sip('HL_OWNER_OFFLINE', 'Temporarily Unavailable', 'the owner is not online'),
  HL_OWNER_DND: sip('HL_OWNER_DND', 'Temporarily Unavailable', 'the owner is not taking calls'),
  HL_OWNER_HOURS: sip('HL_OWNER_HOURS', 'Temporarily Unavailable', 'outside the owner\'s opening hours'),
  HL_OWNER_BUSY: sip('HL_OWNER_BUSY', 'Busy Here', 'the owner is in a call'),
  HL_NO_ANSWER: sip('HL_NO_ANSWER', 'Temporarily Unavailable', 'the owner did not answer'),
  HL_NO_DIALOG: sip('HL_NO_DIALOG', 'Call/Transaction Does Not Exist', 'no such dialog'),
  HL_LOOP: sip('HL_LOOP', 'Too Many Hops', 'Max-Forwards exhausted'),
  HL_NOT_FOUND: sip('HL_NOT_FOUND', 'Not Found', 'no such user'),
  // Header allow-lists: headers refused rather than removed, and Require tags the edge does not know.
  HL_HEADER_FORBIDDEN: sip('HL_HEADER_FORBIDDEN', 'Forbidden', 'header not allowed'),
  HL_EXTENSION_UNSUPPORTED: sip('HL_EXTENSION_UNSUPPORTED', 'Bad Extension', 'required extension not supported'),
  // cap10 (issue 10)
  HL_UPSTREAM_BUSY: sip('HL_UPSTREAM_BUSY', 'Service Unavailable', 'the phone system has no free line for visitors'),
  HL_UPSTREAM_DOWN: sip('HL_UPSTREAM_DOWN', 'Service Unavailable', 'the phone system is not reachable'),
  // Dialog-exact tracking and call-attempt budgets (issue 10).
  HL_CALL_ID_REUSED: sip('HL_CALL_ID_REUSED', 'Bad Request', 'a new call needs a new Call-ID'),
  HL_TOO_MANY_ATTEMPTS: sip('HL_TOO_MANY_ATTEMPTS', 'Service Unavailable', 'too many call attempts; try again later'),
} satisfies Record<SipCodeName, SipRefusal>;

export type SipRefusalCode = keyof typeof SipRefusals;

/** WebSocket close codes the edge uses (RFC 6455 §7.4 plus our 4xxx range). */
export const WsClose = {
  GoingAway: 1001,
  Unparseable: 1007,
  Policy: 1008,
  TooBig: 1009,
  UpstreamFailed: 1011,
  SessionCap: 4000,
  /** A visitor connected but placed no call within visitor.idleSeconds. */
  NoCall: 4001,
  /** The owner blocked this visitor's address or network while it was connected (HL_BLOCKED). */
  Blocked: 4002,
} as const;

export class SipParseError extends Error {
  readonly code = 'HL_MALFORMED';
}
