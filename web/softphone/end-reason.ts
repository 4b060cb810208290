// Why a call ended, decided from what the SIP stack and the socket saw. Pure: the UI turns the
// result into words (web/button/strings.ts), tests feed it plain objects.
//
// Sources, most specific first:
//   Warning: 399 homeline "HL_CODE: text"  — the edge explains its own refusals (docs/edge-api.md)
//   SIP status code                         — 603/486 from the owner, 503 + Retry-After from the cap
//   WebSocket close code                    — 4000 session cap, 1006 network, 1001 edge going away,
//                                             1011 the edge lost the home phone system (Asterisk)
//   ICE failure                             — no media path through the visitor's network
//   JsSIP cause                             — BYE, CANCELED, NO_ANSWER, media errors
import { callerMeaning, homelineWarningCode } from '../../contract/codes.ts';

export type EndReason =
  | { kind: 'hungUpByYou' }
  | { kind: 'hungUpByOther' }
  | { kind: 'declined' }
  | { kind: 'busy' }
  | { kind: 'noAnswer' }
  | { kind: 'unavailable' }
  /** Outside the owner's opening hours (HL_OWNER_HOURS). */
  | { kind: 'closed' }
  /** The owner blocked this caller's address or network (HL_BLOCKED at the token). */
  | { kind: 'blocked' }
  | { kind: 'oneCall' }
  | { kind: 'linesBusy'; retryAfterSeconds?: number }
  | { kind: 'rateLimited'; retryAfterSeconds?: number }
  | { kind: 'tooManyAttempts'; retryAfterSeconds?: number }
  | { kind: 'networkLost' }
  | { kind: 'iceFailed' }
  | { kind: 'sessionCap' }
  | { kind: 'serviceDown' }
  | { kind: 'homeLost' }
  | { kind: 'refused' }
  | { kind: 'media' }
  | { kind: 'micDenied' }
  | { kind: 'micMissing' }
  | { kind: 'micBusy' }
  | { kind: 'failed' };

export interface EndFacts {
  /** Who ended it, as JsSIP reports: 'local' | 'remote' | 'system'. */
  originator?: string;
  /** JsSIP cause string (JsSIP.C.causes). */
  cause?: string;
  /** Final SIP status of a failed INVITE (or of the BYE/response that ended it). */
  statusCode?: number;
  /** Raw Warning header value, if any. */
  warning?: string;
  /** Raw Retry-After header value, if any. */
  retryAfter?: string;
  /** Close code of the WebSocket if it closed while the call was alive. */
  wsCloseCode?: number;
  /**
   * The media path could not be set up: ICE failed (no candidate pair answered, e.g. a firewall
   * drops UDP and no TURN relay got through) or no candidate was gathered at all. JsSIP then
   * ends the call itself, locally, which would otherwise read as "You hung up".
   */
  iceFailed?: boolean;
}

function seconds(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : parseInt(v, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function endReason(f: EndFacts): EndReason {
  // The edge's own codes mean what the shared table says (contract/codes.ts); a code it does not
  // list, or one that says no more than its status, leaves the decision to the status below.
  const meaning = callerMeaning(homelineWarningCode(f.warning));
  if (meaning === 'linesBusy' || meaning === 'tooManyAttempts') return { kind: meaning, retryAfterSeconds: seconds(f.retryAfter) };
  if (meaning) return { kind: meaning };
  // Before the socket and the cause: JsSIP's own ending of an ICE failure says BYE or CANCEL.
  if (f.iceFailed) return { kind: 'iceFailed' };
  if (f.wsCloseCode !== undefined) {
    if (f.wsCloseCode === 4000) return { kind: 'sessionCap' };
    if (f.wsCloseCode === 4002) return { kind: 'blocked' };
    if (f.wsCloseCode === 1008) return { kind: 'rateLimited' };
    // 1011: the edge's connection to Asterisk went away under a call (Asterisk stopped or crashed).
    if (f.wsCloseCode === 1011) return { kind: 'homeLost' };
    if (f.wsCloseCode === 1001) return { kind: 'serviceDown' };
    return { kind: 'networkLost' };
  }
  switch (f.statusCode) {
    case 603: case 403: return f.statusCode === 603 ? { kind: 'declined' } : { kind: 'refused' };
    case 486: case 600: return { kind: 'busy' };
    case 503: return f.retryAfter ? { kind: 'linesBusy', retryAfterSeconds: seconds(f.retryAfter) } : { kind: 'serviceDown' };
    case 480: case 404: case 410: return { kind: 'unavailable' };
    case 408: return { kind: 'noAnswer' };
    case 429: return { kind: 'rateLimited', retryAfterSeconds: seconds(f.retryAfter) };
    case 488: case 606: return { kind: 'media' };
  }
  switch (f.cause) {
    case 'Terminated': return f.originator === 'local' ? { kind: 'hungUpByYou' } : { kind: 'hungUpByOther' };
    case 'Canceled': return { kind: 'hungUpByYou' };
    case 'No Answer': case 'Expires': return { kind: 'noAnswer' };
    case 'Rejected': return { kind: 'declined' };
    case 'Busy': return { kind: 'busy' };
    case 'Unavailable': case 'Not Found': return { kind: 'unavailable' };
    // JsSIP's only use of 'RTP Timeout': it hangs up when iceConnectionState becomes 'failed'.
    case 'RTP Timeout': return { kind: 'iceFailed' };
    case 'Connection Error': case 'Request Timeout': case 'No ACK': return { kind: 'networkLost' };
    case 'WebRTC Error': case 'Incompatible SDP': case 'Missing SDP': case 'Bad Media Description':
    case 'User Denied Media Access': return { kind: 'media' };
  }
  return { kind: 'failed' };
}

/**
 * How long after the far end's BYE a lost home phone system still explains it. Asterisk that
 * stops (`core stop now`, systemd's SIGTERM) first hangs every call up with an ordinary BYE
 * (Q.850 cause 16, just like a hang-up) and drops its connections about a second later.
 */
export const HOME_LOST_AFTER_BYE_MS = 3000;

/**
 * A call that read as "the other side hung up" and whose socket then closed with `wsCloseCode`
 * (within HOME_LOST_AFTER_BYE_MS): the better reason, or undefined when the first one stands.
 */
export function amendEndReason(first: EndReason, wsCloseCode: number): EndReason | undefined {
  if (first.kind === 'hungUpByOther' && wsCloseCode === 1011) return { kind: 'homeLost' };
  // Blocked mid-call by the owner (4002): the BYE or the lost socket came first, the why after.
  if ((first.kind === 'hungUpByOther' || first.kind === 'networkLost') && wsCloseCode === 4002) return { kind: 'blocked' };
  return undefined;
}

/**
 * After a call that never reached the owner (or whose audio could not get through the visitor's
 * network), the button offers to leave word instead.
 */
export const offersMessage = (r: EndReason) =>
  ['declined', 'busy', 'noAnswer', 'unavailable', 'closed', 'linesBusy', 'tooManyAttempts', 'iceFailed'].includes(r.kind);

/** Whether the button asks the edge again after the call; not when its answer could only be "wait" or "fix your microphone". */
export const asksStatusAgain = (r: EndReason) => r.kind !== 'rateLimited' && !r.kind.startsWith('mic');
