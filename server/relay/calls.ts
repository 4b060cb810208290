// The calls one client connection takes part in, seen from the edge. Pure bookkeeping: the relay
// feeds it every message that passes and asks it what is alive; it owns no sockets or timers.
//
//   INVITE ──► calling ──1xx──► calling ──2xx──► confirmed ──BYE──► ended
//                  │                                              ▲
//                  └──── ≥300 / CANCEL+487 / connection lost ─────┘
//
// Enough dialog state is kept (tags, remote target, route set, CSeqs) for the edge to end a call
// itself with a BYE when a visitor reaches the call-duration cap.
import { header, headerValues, parseCSeq, type SipMessage, type SipResponse } from '../sip/message.ts';
import { parseNameAddr, tagOf } from '../sip/uri.ts';

export type CallOutcome = 'answered' | 'declined' | 'busy' | 'no-answer' | 'cancelled' | 'failed' | 'dropped' | 'capped';

export interface TrackedCall {
  callId: string;
  /** `out`: this client sent the INVITE; `in`: it received it. */
  direction: 'out' | 'in';
  state: 'calling' | 'confirmed' | 'ended';
  target: string;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  outcome?: CallOutcome;
  /** Dialog as this client sees it. */
  localUri: string;
  localTag?: string;
  remoteUri: string;
  remoteTag?: string;
  remoteTarget?: string;
  /** This client's own Contact, where the edge sends a BYE it makes on the other party's behalf. */
  localTarget?: string;
  routeSet: string[];
  localCSeq: number;
  remoteCSeq: number;
}

export interface CallEvents {
  started(call: TrackedCall): void;
  answered(call: TrackedCall): void;
  ended(call: TrackedCall): void;
}

/** Ended calls stay known this long, so late ACKs, BYE responses and retransmissions still pass. */
const LINGER_MS = 32_000;

export class CallTracker {
  private readonly calls = new Map<string, TrackedCall>();
  /** Call-IDs of this connection's registrations: their refreshes are in-dialog-like. */
  private readonly registrations = new Set<string>();

  constructor(private readonly events: Partial<CallEvents> = {}, private readonly now: () => number = Date.now) {}

  get active(): number {
    let n = 0;
    for (const c of this.calls.values()) if (c.state !== 'ended') n++;
    return n;
  }

  /** Whether a request from this client may refer to this Call-ID (one of its calls or registrations). */
  knows(callId: string): boolean {
    this.sweep();
    return this.calls.has(callId) || this.registrations.has(callId);
  }

  /** The same, as the set-like view the policy takes. */
  readonly knownCallIds = { has: (callId: string) => this.knows(callId) };

  get(callId: string): TrackedCall | undefined {
    return this.calls.get(callId);
  }

  list(): TrackedCall[] {
    return [...this.calls.values()];
  }

  /** A request this client sent (after the policy let it through). */
  fromClient(msg: SipMessage): void {
    if (msg.kind === 'response') return this.responseFromClient(msg);
    const callId = header(msg, 'Call-ID')!;
    if (msg.method === 'REGISTER') { this.registrations.add(callId); return; }
    const call = this.calls.get(callId);
    const cseq = parseCSeq(header(msg, 'CSeq')!)!;
    if (msg.method === 'INVITE' && !call && !tagOf(header(msg, 'To'))) {
      const from = header(msg, 'From')!;
      const to = header(msg, 'To')!;
      const c: TrackedCall = {
        callId, direction: 'out', state: 'calling', target: userOf(msg.uri), startedAt: this.now(),
        localUri: from, localTag: tagOf(from), remoteUri: to, localTarget: contactUri(msg), routeSet: [], localCSeq: cseq.seq, remoteCSeq: 0,
      };
      this.calls.set(callId, c);
      this.events.started?.(c);
      return;
    }
    if (!call) return;
    if (cseq.method !== 'ACK' && cseq.method !== 'CANCEL') call.localCSeq = Math.max(call.localCSeq, cseq.seq);
    if (msg.method === 'BYE') this.end(call, call.state === 'confirmed' ? 'answered' : 'cancelled');
    if (msg.method === 'CANCEL' && call.state === 'calling') call.outcome = 'cancelled';
  }

  /** A message arriving from upstream, on its way to this client. */
  toClient(msg: SipMessage): void {
    if (msg.kind === 'response') return this.responseToClient(msg);
    const callId = header(msg, 'Call-ID')!;
    const call = this.calls.get(callId);
    const cseq = parseCSeq(header(msg, 'CSeq')!);
    if (msg.method === 'INVITE' && !call && !tagOf(header(msg, 'To'))) {
      const from = header(msg, 'From')!;
      const c: TrackedCall = {
        callId, direction: 'in', state: 'calling', target: userOf(msg.uri), startedAt: this.now(),
        localUri: header(msg, 'To')!, remoteUri: from, remoteTag: tagOf(from),
        remoteTarget: contactUri(msg), routeSet: headerValues(msg, 'Record-Route'),
        localCSeq: 0, remoteCSeq: cseq?.seq ?? 0,
      };
      this.calls.set(callId, c);
      this.events.started?.(c);
      return;
    }
    if (!call) return;
    if (cseq && cseq.method !== 'ACK' && cseq.method !== 'CANCEL') call.remoteCSeq = Math.max(call.remoteCSeq, cseq.seq);
    if (msg.method === 'BYE') this.end(call, call.state === 'confirmed' ? 'answered' : 'cancelled');
    if (msg.method === 'CANCEL' && call.state === 'calling') call.outcome = 'cancelled';
  }

  private responseToClient(res: SipResponse): void {
    this.finalResponse(res, 'out', (call) => {
      // The answer tells the caller about the far end: its tag, target and route set, which is
      // the Record-Route of the 2xx, reversed (RFC 3261 §12.1.2).
      call.remoteTag = tagOf(header(res, 'To'));
      call.remoteUri = header(res, 'To')!;
      call.remoteTarget = contactUri(res);
      call.routeSet = headerValues(res, 'Record-Route').reverse();
    });
  }

  private responseFromClient(res: SipResponse): void {
    this.finalResponse(res, 'in', (call) => {
      // The client's own answer: its tag and where it takes in-dialog requests.
      call.localTag = tagOf(header(res, 'To'));
      call.localUri = header(res, 'To')!;
      call.localTarget = contactUri(res);
    });
  }

  /** A response to the INVITE of a call in `direction`: 2xx confirms (learning the dialog), ≥300 ends. */
  private finalResponse(res: SipResponse, direction: TrackedCall['direction'], learnDialog: (call: TrackedCall) => void): void {
    const call = this.calls.get(header(res, 'Call-ID')!);
    const cseq = parseCSeq(header(res, 'CSeq')!);
    if (!call || call.direction !== direction || cseq?.method !== 'INVITE' || call.state === 'ended') return;
    if (res.status >= 200 && res.status < 300 && call.state === 'calling') {
      call.state = 'confirmed';
      call.answeredAt = this.now();
      learnDialog(call);
      this.events.answered?.(call);
    } else if (res.status >= 300) {
      this.end(call, outcomeOf(res.status, call.outcome));
    }
  }

  /** Marks a call over (the relay calls this for a capped call or a lost connection too). */
  end(call: TrackedCall, outcome: CallOutcome): void {
    if (call.state === 'ended') return;
    call.state = 'ended';
    call.endedAt = this.now();
    call.outcome = outcome;
    this.events.ended?.(call);
  }

  endAll(outcome: CallOutcome): void {
    for (const c of this.calls.values()) this.end(c, outcome);
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, c] of this.calls) if (c.state === 'ended' && (c.endedAt ?? t) + LINGER_MS < t) this.calls.delete(id);
  }
}

function outcomeOf(status: number, prior?: CallOutcome): CallOutcome {
  if (status === 487) return prior === 'cancelled' ? 'cancelled' : 'no-answer';
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

