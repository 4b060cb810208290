// Every code the edge puts on a refusal, shared by the edge (server/errors.ts adds the wording)
// and the call widget (web/softphone/end-reason.ts reads what a code means for the caller).
// Neutral ground: nothing here imports from server/ or web/, and both import from here.
//
// SIP refusals travel as `Warning: 399 homeline "HL_CODE: text"` (docs/edge-api.md); HTTP errors
// as `{ statusCode, code, error, message }`.

/** What a refusal means to the person calling: the widget says it in words (web/button/strings.ts). */
export type CallerMeaning =
  | 'oneCall' | 'linesBusy' | 'unavailable' | 'busy' | 'noAnswer'
  | 'refused' | 'failed' | 'tooManyAttempts' | 'closed';

export interface SipCode {
  status: number;
  /** Absent: the code adds nothing to the SIP status, the widget goes by that. */
  caller?: CallerMeaning;
}

// No code for the visitor call-duration cap: the relay ends such a call with BYEs (Reason
// `homeline call duration cap`, for logs and Asterisk), and the widget already knows the cap from
// its connect info and says so itself (web/softphone/softphone.ts).
export const SIP_CODES = {
  HL_MALFORMED: { status: 400, caller: 'failed' },
  HL_METHOD_FORBIDDEN: { status: 405, caller: 'refused' },
  HL_TARGET_FORBIDDEN: { status: 403, caller: 'refused' },
  HL_FROM_FORBIDDEN: { status: 403, caller: 'refused' },
  HL_AOR_FORBIDDEN: { status: 403, caller: 'refused' },
  HL_ROUTE_FORBIDDEN: { status: 403, caller: 'refused' },
  HL_ONE_CALL: { status: 486, caller: 'oneCall' },
  HL_LINES_BUSY: { status: 503, caller: 'linesBusy' },
  HL_OWNER_OFFLINE: { status: 480, caller: 'unavailable' },
  HL_OWNER_DND: { status: 480, caller: 'unavailable' },
  // Outside the owner's opening hours (server/owner/hours.ts): the widget says so, and when back.
  HL_OWNER_HOURS: { status: 480, caller: 'closed' },
  HL_OWNER_BUSY: { status: 486, caller: 'busy' },
  // 480 like the owner being away, but the caller should hear "didn't answer", not "unavailable".
  HL_NO_ANSWER: { status: 480, caller: 'noAnswer' },
  HL_NO_DIALOG: { status: 481 },
  HL_LOOP: { status: 483 },
  HL_NOT_FOUND: { status: 404, caller: 'unavailable' },
  HL_HEADER_FORBIDDEN: { status: 403, caller: 'refused' },
  HL_EXTENSION_UNSUPPORTED: { status: 420, caller: 'refused' },
  // cap10 (issue 10): visitor upstream channels are opened lazily, within a budget.
  HL_UPSTREAM_BUSY: { status: 503, caller: 'linesBusy' },
  HL_UPSTREAM_DOWN: { status: 503, caller: 'failed' },
  // Dialog-exact tracking and call-attempt budgets (issue 10).
  HL_CALL_ID_REUSED: { status: 400, caller: 'failed' },
  HL_TOO_MANY_ATTEMPTS: { status: 503, caller: 'tooManyAttempts' },
} as const satisfies Record<string, SipCode>;

export type SipCodeName = keyof typeof SIP_CODES;

/** HTTP error codes and their status. */
export const HTTP_CODES = {
  HL_BAD_REQUEST: 400,
  HL_UNKNOWN_TARGET: 400,
  HL_SUBPROTOCOL: 400,
  HL_BAD_PASSWORD: 401,
  HL_NOT_OWNER: 401,
  HL_TOKEN_REFUSED: 401,
  HL_ORIGIN_FORBIDDEN: 403,
  HL_NOT_FOUND: 404,
  HL_RATE_LIMITED: 429,
  HL_TOO_MANY_CONNECTIONS: 429,
  HL_INTERNAL: 500,
  HL_UPSTREAM_DOWN: 503,
  HL_WEB_NOT_BUILT: 503,
  // cap10 (issue 10): owner logins wait for a password-hash slot; a full queue is refused.
  HL_LOGIN_BUSY: 429,
  // Opening hours and blocked callers (issue 12).
  HL_BAD_HOURS: 400,
  HL_BLOCKED: 403,
  // Voice messages (server/messages/): refused uploads, and audio the owner asks for.
  HL_VOICE_OFF: 404,
  HL_VOICE_TYPE: 415,
  HL_VOICE_TOO_BIG: 413,
  HL_VOICE_NOT_OPUS: 422,
  HL_AUDIO_GONE: 410,
  HL_RANGE: 416,
  // Issue 12: the page a visitor calls from must be on an allowed origin; the owner's live
  // channel (GET /api/owner/events) takes a bounded number of tabs.
  HL_BAD_PAGE: 400,
  HL_TOO_MANY_STREAMS: 429,
  // Which phones ring when: a rule for an endpoint that is not the owner's, or hours that cannot be read.
  HL_RING_RULE_INVALID: 400,
  // A request body Fastify's parsers refuse before any route sees it (FST_ERR_CTP_*): malformed
  // JSON is HL_BAD_REQUEST; these two are the type and the size.
  HL_BODY_TYPE: 415,
  HL_BODY_TOO_LARGE: 413,
} as const satisfies Record<string, number>;

export type HttpCodeName = keyof typeof HTTP_CODES;

/** `399 homeline "HL_LINES_BUSY: all lines busy"` → `HL_LINES_BUSY`. */
export function homelineWarningCode(warning: string | undefined): string | undefined {
  if (!warning) return undefined;
  const m = /\b399\s+homeline\s+"(HL_[A-Z0-9_]+)/i.exec(warning);
  return m?.[1]?.toUpperCase();
}

/** What a SIP refusal code means for the caller, if the edge knows the code and it says more than its status. */
export function callerMeaning(code: string | undefined): CallerMeaning | undefined {
  if (!code || !Object.hasOwn(SIP_CODES, code)) return undefined;
  return (SIP_CODES[code as SipCodeName] as SipCode).caller;
}
