// The dialogs one client connection takes part in, seen from the edge (DESIGN: "the dialog is the
// unit of trust"). Pure bookkeeping: the relay feeds it every message that passes and asks it
// what is alive; it owns no sockets or timers (the clock is injected, `tick()` applies timers).
//
// A call is (Call-ID, local tag, remote tag), "local" being this client's side. It is learned
// from the INVITE (Call-ID and the caller's tag) and its responses (the callee's tag):
//
//                  1xx with a tag          2xx                  BYE from the client
//   INVITE ──► pending ──────────► early ──────────► confirmed ──────────────────► terminating
//                 │ └──────────────── 2xx ──────────────▲ │                               │
//                 │                    │                  │ BYE from upstream,            │ 2xx to the BYE,
//                 │ final ≥300         │ final ≥300       │ duration cap,                 │ Timer F (32 s),
//                 │ or Timer C (330 s) │ or Timer C       │ connection lost               │ cap, connection lost
//                 ▼                    ▼                  ▼                               ▼
//               ended ◄────────────────┴──────────────────┴───────────────────────────────┘
//   (487 after a CANCEL is the outcome `cancelled`; ended calls linger 32 s for late ACKs, then
//   are forgotten; their Call-IDs are not)
//
// Only these end a call: a final non-2xx to its INVITE, a 2xx to a BYE (from either side), a BYE
// from upstream (the upstream is trusted), a timer, or the relay (cap, connection lost). A BYE
// from the client only starts terminating: if the far end answers 481 the call goes on in the
// edge's books and still counts against the caps (issue 10 (1)).
//
// A request from the client belongs to a call only if its Call-ID and both tags name a live
// dialog of this connection (`match`); anything else is answered 481 by the edge. An initial
// INVITE may not re-use a Call-ID this connection has used (issue 10 (2)); each call carries an
// id the edge made, which is what the call log keys on.
//
// Responses from the client are checked against the server transactions the edge relayed to it
// (`expectsResponse`): an unsolicited response is dropped, never relayed (issue 10 (7)).
import { randomBytes } from 'node:crypto';
import { header, headerValues, parseCSeq, viaBranch, type SipMessage, type SipRequest, type SipResponse } from '../sip/message.ts';
import { parseNameAddr, tagOf } from '../sip/uri.ts';
import type { DialogView } from '../sip/policy.ts';

/** The edge's id for a call (or a refused attempt): what the call log keys on. */
export const newCallId = (): string => `c-${randomBytes(8).toString('hex')}`;

export type CallOutcome = 'answered' | 'declined' | 'busy' | 'no-answer' | 'cancelled' | 'failed' | 'dropped' | 'capped';
export type CallState = 'pending' | 'early' | 'confirmed' | 'terminating' | 'ended';

export interface TrackedCall {
  /** Made by the edge: the call log's key (a client chooses its Call-IDs). */
  id: string;
  callId: string;
  /** `out`: this client sent the INVITE; `in`: it received it. */
  direction: 'out' | 'in';
  state: CallState;
  target: string;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  /** When the call entered its current state (timers count from here). */
  since: number;
  outcome?: CallOutcome;
  /** Dialog as this client sees it. */
  localUri: string;
  localTag?: string;
  remoteUri: string;
  remoteTag?: string;
  /** Tags of the far end's provisional responses (forked early dialogs) before a 2xx picks one. */
  earlyTags: Set<string>;
  remoteTarget?: string;
  /** This client's own Contact, where the edge sends a BYE it makes on the other party's behalf. */
  localTarget?: string;
  routeSet: string[];
  /** CSeq number of the dialog-forming INVITE (its CANCEL and non-2xx ACK repeat it). */
  inviteCSeq: number;
  cancelled: boolean;
  /** Ended by 401/407/422: the client may send the INVITE again with the same Call-ID (§22.2, RFC 4028). */
  retryable?: boolean;
  localCSeq: number;
  remoteCSeq: number;
}

export interface CallEvents {
  started(call: TrackedCall): void;
  answered(call: TrackedCall): void;
  /** A BYE is on its way; the session may arm a timer and call `tick()`. */
  terminating(call: TrackedCall): void;
  ended(call: TrackedCall): void;
}

export interface TrackerOptions {
  now?: () => number;
  newId?: () => string;
}

/** How a request from the client relates to this connection's calls. */
export type DialogMatch =
  | { kind: 'dialog'; call: TrackedCall }
  /** No To tag, not CANCEL/ACK: a new initial request. */
  | { kind: 'initial' }
  /** An initial INVITE with a Call-ID this connection has used before. */
  | { kind: 'reused'; callId: string }
  | { kind: 'none' };

/** Ended calls stay known this long (64·T1), so late ACKs and BYE responses still pass. */
export const LINGER_MS = 32_000;
/** A BYE unanswered this long ends the call anyway (RFC 3261 Timer F, 64·T1). */
export const TERMINATING_MS = 32_000;
/**
 * An INVITE with no final response this long is given up (RFC 3261 §16.6 Timer C, > 3 min). It
 * must outlast the longest ring the configuration allows (owner.ringSeconds ≤ 300): a 2xx that
 * came after it would find the call ended and go uncounted.
 */
export const TIMER_C_MS = 330_000;
/** Completed server transactions stay this long, for retransmitted 2xx (§13.3.1.4, 64·T1). */
const TRANSACTION_LINGER_MS = 32_000;
/** Call-IDs remembered to refuse re-use: enough for any session the caps allow. */
const MAX_USED_CALL_IDS = 4096;
/** Open server transactions kept per connection (the upstream is trusted; this bounds a bug). */
const MAX_SERVER_TX = 4096;

const IN_DIALOG_ONLY = new Set(['ACK', 'BYE', 'INFO', 'UPDATE', 'PRACK']);
/** Responses after which RFC 3261 has the client retry the same INVITE with the same Call-ID. */
const RETRY_STATUSES = new Set([401, 407, 422]);

const live = (c: TrackedCall) => c.state !== 'ended';

export class CallTracker {
  private readonly calls = new Map<string, TrackedCall>();
  /** Every Call-ID this connection's INVITEs used, in order (bounded). */
  private readonly usedCallIds = new Set<string>();
  /** Call-IDs of this connection's registrations: their refreshes are in-dialog-like. */
  private readonly registrations = new Set<string>();
  /** Server transactions relayed to the client: `branch method` → done at (or undefined). */
  private readonly serverTx = new Map<string, number | undefined>();
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly events: Partial<CallEvents> = {}, opts: TrackerOptions | (() => number) = {}) {
    const o = typeof opts === 'function' ? { now: opts } : opts;
    this.now = o.now ?? Date.now;
    this.newId = o.newId ?? newCallId;
  }

  /** Calls that count against the caps: everything not ended (terminating included). */
  get active(): number {
    let n = 0;
    for (const c of this.calls.values()) if (live(c)) n++;
    return n;
  }

  /** Whether a Call-ID is one of this connection's calls or registrations (not tag-exact). */
  knows(callId: string): boolean {
    this.sweep();
    return this.registrations.has(callId) || this.byCallId(callId).length > 0;
  }

  /** The newest call with this Call-ID. */
  get(callId: string): TrackedCall | undefined {
    return this.byCallId(callId).at(-1);
  }

  list(): TrackedCall[] {
    return [...this.calls.values()];
  }

  /**
   * Which call a request from the client belongs to. In-dialog requests need the Call-ID and
   * both tags of a dialog of this connection: From tag = its local tag, To tag = the remote tag
   * (confirmed), or one of the early tags (early). CANCEL and the ACK of a failed INVITE repeat
   * the INVITE's CSeq number and its From tag.
   */
  match(req: SipRequest): DialogMatch {
    this.sweep();
    const callId = header(req, 'Call-ID')!;
    const fromTag = tagOf(header(req, 'From'));
    const toTag = tagOf(header(req, 'To'));
    const cseq = parseCSeq(header(req, 'CSeq') ?? '');
    const dialogRequest = req.method === 'CANCEL' || IN_DIALOG_ONLY.has(req.method) || toTag !== undefined;
    if (!dialogRequest || req.method === 'REGISTER') {
      if (req.method !== 'INVITE' || !this.usedCallIds.has(callId)) return { kind: 'initial' };
      return this.isRetry(callId, fromTag, cseq?.seq) ? { kind: 'initial' } : { kind: 'reused', callId };
    }
    const mine = (c: TrackedCall) => c.callId === callId && fromTag !== undefined && c.localTag === fromTag;
    for (const c of this.byCallId(callId).reverse()) {
      if (!mine(c)) continue;
      if (req.method === 'CANCEL') {
        // Its To is the INVITE's, untagged (RFC 3261 §9.1): a tag names no transaction to cancel.
        if ((c.state === 'pending' || c.state === 'early') && c.direction === 'out' && cseq?.seq === c.inviteCSeq && toTag === undefined) return { kind: 'dialog', call: c };
        continue;
      }
      if (req.method === 'ACK' && cseq?.seq === c.inviteCSeq && (toTag === undefined || c.remoteTag === undefined || c.remoteTag === toTag || c.earlyTags.has(toTag))) {
        // The ACK of the INVITE's final response, 2xx or not (a failed call lingers for it).
        return { kind: 'dialog', call: c };
      }
      if (!live(c) || toTag === undefined) continue;
      if (c.state === 'confirmed' || c.state === 'terminating') {
        if (c.remoteTag === toTag) return { kind: 'dialog', call: c };
      } else if (c.earlyTags.has(toTag) || c.remoteTag === toTag) {
        return { kind: 'dialog', call: c };
      }
    }
    return { kind: 'none' };
  }

  /** The policy's dialog inputs for one request: only the dialog its Call-ID and tags name. */
  viewFor(req: SipRequest): { knownCallIds: { has(callId: string): boolean }; dialogs: { get(callId: string): DialogView | undefined } } {
    const m = this.match(req);
    const callId = header(req, 'Call-ID');
    const call = m.kind === 'dialog' ? m.call : undefined;
    return {
      // A registration's Call-ID is no dialog: REGISTER is judged on its own (policy.ts).
      knownCallIds: { has: (id) => id === callId && call !== undefined },
      dialogs: { get: (id) => (id === callId ? call : undefined) },
    };
  }

  /** Whether a response from the client answers a request the edge relayed to it. */
  expectsResponse(res: SipResponse): boolean {
    this.sweep();
    const key = txKey(res);
    return key !== undefined && this.serverTx.has(key);
  }

  /** A request this client sent (after the policy let it through and `match` placed it). */
  fromClient(msg: SipMessage): void {
    if (msg.kind === 'response') return this.responseFromClient(msg);
    const callId = header(msg, 'Call-ID')!;
    if (msg.method === 'REGISTER') { this.registrations.add(callId); return; }
    const cseq = parseCSeq(header(msg, 'CSeq')!)!;
    const m = this.match(msg);
    if (msg.method === 'INVITE' && m.kind === 'initial') {
      const from = header(msg, 'From')!;
      this.open({
        callId, direction: 'out', target: userOf(msg.uri), localUri: from, localTag: tagOf(from), remoteUri: header(msg, 'To')!,
        localTarget: contactUri(msg), routeSet: [], inviteCSeq: cseq.seq, localCSeq: cseq.seq, remoteCSeq: 0,
      });
      return;
    }
    if (m.kind !== 'dialog') return;
    const call = m.call;
    if (cseq.method !== 'ACK' && cseq.method !== 'CANCEL') call.localCSeq = Math.max(call.localCSeq, cseq.seq);
    if (msg.method === 'CANCEL') call.cancelled = true;
    if (msg.method === 'BYE' && live(call)) {
      if (call.state === 'confirmed') this.enter(call, 'terminating');
      else if (call.state === 'pending' || call.state === 'early') call.cancelled = true; // BYE in an early dialog (§15)
    }
  }

  /** A message arriving from upstream, on its way to this client. */
  toClient(msg: SipMessage): void {
    if (msg.kind === 'response') return this.responseToClient(msg);
    const key = txKey(msg);
    if (key && msg.method !== 'ACK' && this.serverTx.size < MAX_SERVER_TX) this.serverTx.set(key, undefined);
    const callId = header(msg, 'Call-ID')!;
    const cseq = parseCSeq(header(msg, 'CSeq')!);
    if (msg.method === 'INVITE' && !tagOf(header(msg, 'To'))) {
      if (this.byCallId(callId).some(live)) return; // a retransmission
      const from = header(msg, 'From')!;
      this.open({
        callId, direction: 'in', target: userOf(msg.uri), localUri: header(msg, 'To')!, remoteUri: from, remoteTag: tagOf(from),
        remoteTarget: contactUri(msg), routeSet: headerValues(msg, 'Record-Route'),
        inviteCSeq: cseq?.seq ?? 0, localCSeq: 0, remoteCSeq: cseq?.seq ?? 0,
      });
      return;
    }
    // Upstream is trusted, but still only speaks into the dialog its tags name.
    const call = this.upstreamDialog(msg);
    if (!call) return;
    if (cseq && cseq.method !== 'ACK' && cseq.method !== 'CANCEL') call.remoteCSeq = Math.max(call.remoteCSeq, cseq.seq);
    if (msg.method === 'CANCEL' && call.direction === 'in') call.cancelled = true;
    if (msg.method === 'BYE') this.end(call, call.answeredAt ? 'answered' : 'cancelled');
  }

  private responseToClient(res: SipResponse): void {
    const call = this.responseDialog(res, 'out');
    const cseq = parseCSeq(header(res, 'CSeq')!);
    if (!call || !cseq) return;
    if (cseq.method === 'INVITE') {
      this.inviteResponse(call, res, () => {
        // The answer tells the caller about the far end: its tag, target and route set, which is
        // the Record-Route of the 2xx, reversed (RFC 3261 §12.1.2).
        call.remoteTag = tagOf(header(res, 'To'));
        call.remoteUri = header(res, 'To')!;
        call.remoteTarget = contactUri(res);
        call.routeSet = headerValues(res, 'Record-Route').reverse();
      }, (tag) => call.earlyTags.add(tag));
    } else if (cseq.method === 'BYE') {
      this.byeResponse(call, res.status);
    }
  }

  private responseFromClient(res: SipResponse): void {
    const key = txKey(res);
    if (key && res.status >= 200 && this.serverTx.has(key) && this.serverTx.get(key) === undefined) this.serverTx.set(key, this.now());
    const call = this.responseDialog(res, 'in');
    const cseq = parseCSeq(header(res, 'CSeq')!);
    if (!call || !cseq) return;
    if (cseq.method === 'INVITE') {
      this.inviteResponse(call, res, () => {
        // The client's own answer: its tag and where it takes in-dialog requests.
        call.localTag = tagOf(header(res, 'To'));
        call.localUri = header(res, 'To')!;
        call.localTarget = contactUri(res);
      }, (tag) => { call.localTag ??= tag; });
    } else if (cseq.method === 'BYE') {
      this.byeResponse(call, res.status);
    }
  }

  /** 1xx with a tag: early; 2xx: confirmed (learning the dialog); ≥300: ended. */
  private inviteResponse(call: TrackedCall, res: SipResponse, learnDialog: () => void, learnEarly: (tag: string) => void): void {
    if (!live(call) || call.state === 'confirmed' || call.state === 'terminating') return;
    const tag = tagOf(header(res, 'To'));
    if (res.status < 200) {
      if (res.status > 100 && tag) {
        learnEarly(tag);
        if (call.state === 'pending') this.enter(call, 'early');
      }
    } else if (res.status < 300) {
      learnDialog();
      call.answeredAt = this.now();
      this.enter(call, 'confirmed');
      this.events.answered?.(call);
    } else {
      if (tag) learnEarly(tag); // the failure's ACK carries it
      this.end(call, outcomeOf(res.status, call.cancelled));
      if (RETRY_STATUSES.has(res.status)) call.retryable = true;
    }
  }

  /** A 2xx to a BYE ends the call; any other final answer leaves it where it was (terminating). */
  private byeResponse(call: TrackedCall, status: number): void {
    if (status >= 200 && status < 300 && live(call)) this.end(call, call.answeredAt ? 'answered' : 'cancelled');
  }

  /** Marks a call over (the relay calls this for a capped call or a lost connection too). */
  end(call: TrackedCall, outcome: CallOutcome): void {
    if (call.state === 'ended') return;
    call.endedAt = this.now();
    call.outcome = outcome;
    this.enter(call, 'ended');
    this.events.ended?.(call);
  }

  endAll(outcome: CallOutcome): void {
    for (const c of this.calls.values()) this.end(c, outcome);
  }

  /** Applies the timers: an unanswered BYE, an INVITE without a final answer. */
  tick(): void {
    const t = this.now();
    for (const c of this.calls.values()) {
      if (c.state === 'terminating' && t - c.since >= TERMINATING_MS) this.end(c, 'answered');
      else if ((c.state === 'pending' || c.state === 'early') && t - c.since >= TIMER_C_MS) this.end(c, 'no-answer');
    }
    this.sweep();
  }

  private open(init: Omit<TrackedCall, 'id' | 'state' | 'startedAt' | 'since' | 'earlyTags' | 'cancelled'>): void {
    const t = this.now();
    const c: TrackedCall = { ...init, id: this.newId(), state: 'pending', startedAt: t, since: t, earlyTags: new Set(), cancelled: false };
    this.calls.set(c.id, c);
    this.usedCallIds.delete(c.callId);
    this.usedCallIds.add(c.callId);
    if (this.usedCallIds.size > MAX_USED_CALL_IDS) this.usedCallIds.delete(this.usedCallIds.values().next().value!);
    this.events.started?.(c);
  }

  private enter(call: TrackedCall, state: CallState): void {
    call.state = state;
    call.since = this.now();
    if (state === 'terminating') this.events.terminating?.(call);
  }

  /** A client INVITE re-sent after a challenge or 422: same Call-ID and From tag, higher CSeq. */
  private isRetry(callId: string, fromTag: string | undefined, seq: number | undefined): boolean {
    const last = this.get(callId);
    return !!last && last.direction === 'out' && last.retryable === true && last.localTag === fromTag && seq !== undefined && seq > last.inviteCSeq;
  }

  /** The call an upstream request speaks into: From tag = remote tag, To tag = local tag. */
  private upstreamDialog(req: SipRequest): TrackedCall | undefined {
    const fromTag = tagOf(header(req, 'From'));
    const toTag = tagOf(header(req, 'To'));
    return this.byCallId(header(req, 'Call-ID')!).reverse().find((c) => live(c)
      && (c.remoteTag === fromTag || (fromTag !== undefined && c.earlyTags.has(fromTag)))
      && (toTag === undefined || c.localTag === undefined || c.localTag === toTag));
  }

  /**
   * The call a response belongs to. Responses to the INVITE carry the caller's tag in From; a
   * response to a BYE the other side sent names the dialog the same way as the BYE did.
   */
  private responseDialog(res: SipResponse, inviteDirection: TrackedCall['direction']): TrackedCall | undefined {
    const fromTag = tagOf(header(res, 'From'));
    const cseq = parseCSeq(header(res, 'CSeq') ?? '');
    const calls = this.byCallId(header(res, 'Call-ID')!).reverse();
    if (cseq?.method === 'INVITE') {
      return calls.find((c) => c.direction === inviteDirection && (inviteDirection === 'out' ? c.localTag === fromTag : c.remoteTag === fromTag) && c.inviteCSeq === cseq.seq)
        ?? calls.find((c) => c.direction === inviteDirection && (inviteDirection === 'out' ? c.localTag === fromTag : c.remoteTag === fromTag));
    }
    // A BYE response: To/From as in the BYE. Toward the client (`out`) the BYE was the client's:
    // From = local tag; from the client (`in`) the BYE was upstream's: From = remote tag.
    return calls.find((c) => live(c) && (inviteDirection === 'out' ? c.localTag === fromTag : c.remoteTag === fromTag));
  }

  private byCallId(callId: string): TrackedCall[] {
    const out: TrackedCall[] = [];
    for (const c of this.calls.values()) if (c.callId === callId) out.push(c);
    return out;
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, c] of this.calls) if (c.state === 'ended' && (c.endedAt ?? t) + LINGER_MS < t) this.calls.delete(id);
    for (const [k, done] of this.serverTx) if (done !== undefined && done + TRANSACTION_LINGER_MS < t) this.serverTx.delete(k);
  }
}

/** A server transaction's key: the top Via branch the client must echo, and the CSeq method. */
function txKey(msg: SipMessage): string | undefined {
  const branch = viaBranch(headerValues(msg, 'Via')[0] ?? '');
  const cseq = parseCSeq(header(msg, 'CSeq') ?? '');
  return branch && cseq ? `${branch} ${cseq.method}` : undefined;
}

function outcomeOf(status: number, cancelled: boolean): CallOutcome {
  if (status === 487) return cancelled ? 'cancelled' : 'no-answer';
  if (status === 486 || status === 600) return 'busy';
  if (status === 603) return 'declined';
  if (status === 408 || status === 480) return 'no-answer';
  return 'failed';
}

function userOf(uri: string): string {
  const m = /^sips?:([^@;?]+)@/i.exec(uri);
  return m ? m[1] : uri;
}

function contactUri(msg: SipMessage): string | undefined {
  const c = headerValues(msg, 'Contact')[0];
  return c ? parseNameAddr(c)?.uri : undefined;
}
