// One client WebSocket and its upstream channel. Every frame from the client is size- and
// rate-checked, parsed, judged by the policy, then either answered by the edge or stamped and
// passed upstream; everything from upstream is passed back. The session enforces its own
// lifetime cap and the visitor call-duration cap by ending calls with real BYEs.
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import { SipParseError, WsClose } from '../errors.ts';
import { header, headerValues, parseSip, viaBranch, removeHeaders, serializeSip, type SipMessage, type SipRequest, type SipResponse } from '../sip/message.ts';
import { decide, IDENTITY_PREFIX, type PolicyIdentity } from '../sip/policy.ts';
import { buildRefusal } from '../sip/responses.ts';
import { edgeRequest, newBranch } from '../sip/edge-requests.ts';
import { TokenBucket } from '../limits/token-bucket.ts';
import type { VisitorCallCounter } from '../limits/counters.ts';
import type { AttemptVerdict } from '../limits/call-attempts.ts';
import type { UpstreamChannel } from '../upstreams/types.ts';
import { CallTracker, TERMINATING_MS, TIMER_C_MS, type CallOutcome, type TrackedCall } from './calls.ts';
import { salvageRequest } from './salvage.ts';
import { parseSipUri, tagOf } from '../sip/uri.ts';

export interface SessionLimits {
  messagesPerSecond: number;
  messageBurst: number;
  sessionSeconds: number;
  callSeconds: number;
  visitorCallsCap: number;
  busyRetryAfterSeconds: number;
}

export interface CallRecord {
  call: TrackedCall;
  visitor: string;
  event: 'started' | 'answered' | 'ended';
}

export interface SessionDeps {
  connId: string;
  /** The client's address (req.ip: the real one behind a trusted proxy), for blocks that come later. */
  address?: string;
  socket: WebSocket;
  channel: UpstreamChannel;
  who: PolicyIdentity;
  limits: SessionLimits;
  visitorCalls: VisitorCallCounter;
  pausedTargets: () => ReadonlySet<string>;
  /** Why the paused targets are paused (absent: do-not-disturb). */
  pauseCode?: () => 'HL_OWNER_DND' | 'HL_OWNER_HOURS' | undefined;
  /** Spends one call attempt from the visitor's budgets (server/limits/call-attempts.ts). */
  callAttempt?: () => AttemptVerdict;
  onCall?: (rec: CallRecord) => void;
  /** An initial INVITE the edge refused itself (never tracked as a call): the call log shows some. */
  onRefused?: (rec: { code: string; target: string | undefined; at: number }) => void;
  log: FastifyBaseLogger;
}


export class RelaySession {
  readonly tracker: CallTracker;
  private readonly bucket: TokenBucket;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Branches of requests the edge itself made: their responses stop here. */
  private readonly ownBranches = new Set<string>();
  private closed = false;
  private notifySeq = 0;
  readonly openedAt = Date.now();

  constructor(private readonly d: SessionDeps) {
    const isVisitor = d.who.role === 'visitor';
    this.bucket = new TokenBucket(d.limits.messagesPerSecond, d.limits.messageBurst);
    this.tracker = new CallTracker({
      started: (call) => {
        if (isVisitor && call.direction === 'out') d.visitorCalls.started();
        // Timer C: an INVITE nobody answers finally is given up (tick() decides).
        this.later(TIMER_C_MS + 50, () => this.tracker.tick());
        d.log.info({ call: call.id, callId: call.callId, target: call.target, direction: call.direction }, 'call started');
        d.onCall?.({ call, visitor: d.who.user, event: 'started' });
      },
      answered: (call) => {
        d.log.info({ call: call.id, callId: call.callId, target: call.target }, 'call answered');
        if (isVisitor) this.later(d.limits.callSeconds * 1000, () => this.capCall(call));
        d.onCall?.({ call, visitor: d.who.user, event: 'answered' });
      },
      terminating: () => this.later(TERMINATING_MS + 50, () => this.tracker.tick()),
      ended: (call) => {
        if (isVisitor && call.direction === 'out') d.visitorCalls.ended();
        d.log.info({ call: call.id, callId: call.callId, target: call.target, outcome: call.outcome, seconds: secondsBetween(call.answeredAt, call.endedAt) }, 'call ended');
        d.onCall?.({ call, visitor: d.who.user, event: 'ended' });
      },
    });
    d.socket.on('message', (data, isBinary) => this.fromClient(data as Buffer, isBinary));
    // Control frames spend the same budget: ws answers every ping with a pong by itself.
    const control = () => {
      if (!this.closed && !this.bucket.take()) {
        d.log.warn('control frame rate exceeded; closing');
        this.close(WsClose.Policy, 'message rate exceeded');
      }
    };
    d.socket.on('ping', control);
    d.socket.on('pong', control);
    d.socket.on('close', (code, reason) => this.teardown(code, reason.toString()));
    d.socket.on('error', (err) => d.log.warn({ err: err.message }, 'client websocket error'));
    d.channel.onMessage = (text) => this.fromUpstream(text);
    d.channel.onClose = (why) => {
      if (this.closed) return;
      // Asterisk stopped or crashed. Nothing can be sent upstream any more; the client learns it
      // from the close code (docs/edge-api.md: 1011) and its calls end as 'dropped'.
      const calls = this.tracker.list().filter((c) => c.state !== 'ended').map((c) => ({ callId: c.callId, state: c.state }));
      d.log.warn({ reason: why.reason, code: why.code, calls }, calls.length ? 'phone system connection lost; calls on it end' : 'phone system connection lost; closing the client');
      this.close(why.code, why.reason);
    };
    this.later(d.limits.sessionSeconds * 1000, () => {
      this.endCalls('capped', 'session cap');
      this.close(WsClose.SessionCap, 'session cap reached');
    });
  }

  /** The SIP user this connection speaks as. */
  get user(): string {
    return this.d.who.user;
  }

  get address(): string | undefined {
    return this.d.address;
  }

  get role(): PolicyIdentity['role'] {
    return this.d.who.role;
  }

  /** Closes the client; the upstream channel follows in teardown. */
  close(code: number, reason: string): void {
    if (this.d.socket.readyState === this.d.socket.OPEN) this.d.socket.close(code, reason.slice(0, 120));
    else this.teardown(code, reason);
  }

  /** Drops the TCP connection without a close handshake (shutdown deadline passed). */
  terminate(): void {
    this.d.socket.terminate();
    this.teardown(WsClose.GoingAway, 'terminated at shutdown');
  }

  private fromClient(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    if (!this.bucket.take()) {
      this.d.log.warn('message rate exceeded; closing');
      return this.close(WsClose.Policy, 'message rate exceeded');
    }
    const text = data.toString('utf8');
    if (isBinary && Buffer.byteLength(text) !== data.length) return this.close(WsClose.Unparseable, 'frame is not UTF-8 SIP text');
    let msg: SipMessage;
    try {
      msg = parseSip(text);
    } catch (err) {
      return this.malformed(text, err as Error);
    }
    if (msg.kind === 'response') return this.responseFromClient(msg);
    const verdict = decide(msg, this.d.who, {
      // Only the dialog this request's Call-ID and both tags name: anything else is a 481.
      ...this.tracker.viewFor(msg),
      activeCalls: this.tracker.active,
      visitorCallsTotal: this.d.visitorCalls.total,
      visitorCallsCap: this.d.limits.visitorCallsCap,
      busyRetryAfterSeconds: this.d.limits.busyRetryAfterSeconds,
      pausedTargets: this.d.pausedTargets(),
      pauseCode: this.d.pauseCode?.(),
    });
    if (verdict.action === 'drop') {
      this.d.log.info({ method: msg.method, code: verdict.code }, 'dropped ACK outside any call');
      return;
    }
    if (verdict.action === 'refuse') {
      const level = verdict.code === 'HL_LINES_BUSY' || verdict.code === 'HL_ONE_CALL' || verdict.code === 'HL_OWNER_DND' || verdict.code === 'HL_OWNER_HOURS' ? 'info' : 'warn';
      this.d.log[level]({ method: msg.method, uri: msg.uri, code: verdict.code, detail: verdict.detail }, 'request refused by policy');
      this.refusedInvite(msg, verdict.code);
      return this.send(serializeSip(buildRefusal(msg, verdict.code, verdict)));
    }
    if (verdict.initialInvite && this.tracker.match(msg).kind === 'reused') {
      // A new call under an old Call-ID would share the old call's books (issue 10 (2)).
      this.d.log.warn({ method: msg.method, code: 'HL_CALL_ID_REUSED' }, 'request refused by policy');
      return this.send(serializeSip(buildRefusal(msg, 'HL_CALL_ID_REUSED', {})));
    }
    if (verdict.initialInvite && this.d.callAttempt) {
      // Last, so only a call that would really ring spends an attempt.
      const budget = this.d.callAttempt();
      if (!budget.ok) {
        this.d.log.info({ method: msg.method, code: 'HL_TOO_MANY_ATTEMPTS', scope: budget.scope }, 'request refused by policy');
        this.refusedInvite(msg, 'HL_TOO_MANY_ATTEMPTS');
        return this.send(serializeSip(buildRefusal(msg, 'HL_TOO_MANY_ATTEMPTS', { retryAfterSeconds: budget.retryAfterSeconds })));
      }
    }
    this.d.log.debug({ method: msg.method, callId: header(msg, 'Call-ID') }, 'request forwarded');
    this.tracker.fromClient(verdict.request);
    this.d.channel.send(verdict.request, serializeSip(verdict.request));
  }

  private refusedInvite(req: SipRequest, code: string): void {
    if (req.method !== 'INVITE' || tagOf(header(req, 'To')) !== undefined || !this.d.onRefused) return;
    this.d.onRefused({ code, target: parseSipUri(req.uri)?.user, at: Date.now() });
  }

  /**
   * A response goes upstream only if it answers a request relayed to this client; the answers to
   * the edge's own requests (side-channel MESSAGE, BYE at the cap) stop here; anything else is
   * unsolicited and dropped (issue 10 (7)).
   */
  private responseFromClient(res: SipResponse): void {
    removeHeaders(res, (n) => n.toLowerCase().startsWith(IDENTITY_PREFIX));
    const branch = viaBranch(headerValues(res, 'Via')[0]);
    if (branch && this.ownBranches.has(branch)) {
      if (res.status >= 200) this.ownBranches.delete(branch);
      return;
    }
    if (!this.tracker.expectsResponse(res)) {
      this.d.log.debug({ status: res.status, cseq: header(res, 'CSeq'), callId: header(res, 'Call-ID') }, 'unsolicited response dropped');
      return;
    }
    this.tracker.fromClient(res);
    this.d.channel.send(res, serializeSip(res));
  }

  private malformed(text: string, err: Error): void {
    const reason = err instanceof SipParseError ? err.message : 'unparseable';
    const req = salvageRequest(text);
    this.d.log.warn({ reason, method: req?.method }, 'malformed SIP from client');
    // An ACK gets no response (RFC 3261 §17.1.1.3): a client acknowledging the edge's own 400
    // repeats the Request-URI that earned it, so it is dropped, not a reason to end the session.
    if (req?.method === 'ACK') return;
    if (req) return this.send(serializeSip(buildRefusal(req, 'HL_MALFORMED', { detail: reason })));
    this.close(WsClose.Unparseable, `malformed SIP: ${reason}`);
  }

  private fromUpstream(text: string): void {
    if (this.closed) return;
    let msg: SipMessage;
    try {
      msg = parseSip(text);
    } catch (err) {
      this.d.log.warn({ reason: (err as Error).message }, 'malformed SIP from upstream; dropped');
      return;
    }
    if (msg.kind === 'response') {
      const branch = viaBranch(headerValues(msg, 'Via')[0]);
      if (branch && this.ownBranches.has(branch)) {
        if (msg.status >= 200) this.ownBranches.delete(branch);
        return;
      }
    }
    // The shared secret must never travel towards a browser, whatever the upstream echoes.
    if (msg.headers.some((h) => h.name.toLowerCase() === 'x-homeline-edge')) {
      removeHeaders(msg, (n) => n.toLowerCase() === 'x-homeline-edge');
      text = serializeSip(msg);
    }
    this.tracker.toClient(msg);
    this.send(text);
  }

  /**
   * An out-of-dialog MESSAGE from the edge itself to this client (the IVR widget's side channel).
   * It rides on the connection the client's token opened, so it needs no authorisation of its
   * own; the client's 200 stops here.
   */
  notify(contentType: string, body: string): void {
    const branch = newBranch();
    this.ownBranches.add(branch);
    const uri = `sip:${this.d.who.user}@${this.d.who.domain}`;
    const msg = edgeRequest({
      method: 'MESSAGE', uri, branch, body, cseq: ++this.notifySeq, to: `<${uri}>`,
      from: `<sip:edge@${this.d.who.domain}>;tag=${randomBytes(5).toString('hex')}`,
      callId: `hl-${randomBytes(10).toString('hex')}`,
      extra: [{ name: 'Content-Type', value: contentType }],
    });
    this.send(serializeSip(msg));
  }

  private send(text: string): void {
    if (this.d.socket.readyState === this.d.socket.OPEN) this.d.socket.send(text);
  }

  /** Ends a visitor call at the duration cap: BYE upstream as the visitor, BYE to the visitor. */
  private capCall(call: TrackedCall): void {
    if (call.state !== 'confirmed' && call.state !== 'terminating') return;
    this.d.log.info({ call: call.id, callId: call.callId }, 'call duration cap reached; ending the call');
    this.byeBothWays(call, 'call duration cap');
    this.tracker.end(call, 'capped');
  }

  private endCalls(outcome: CallOutcome, why: string): void {
    for (const call of this.tracker.list()) {
      if (call.state === 'confirmed' || call.state === 'terminating') this.byeBothWays(call, why);
      this.tracker.end(call, outcome);
    }
  }

  /** `why` names the cap in the BYEs' Reason, so each side can tell the two caps apart. */
  private byeBothWays(call: TrackedCall, why: string): void {
    const reason = `SIP;cause=408;text="homeline ${why}"`;
    if (call.remoteTarget) {
      const up = this.bye(call.remoteTarget, call.localUri, call.remoteUri, call.callId, call.localCSeq + 1, call.routeSet, reason);
      this.d.channel.send(up, serializeSip(up));
    }
    if (call.localTarget) {
      const down = this.bye(call.localTarget, call.remoteUri, call.localUri, call.callId, call.remoteCSeq + 1, [], reason);
      this.send(serializeSip(down));
    }
  }

  private bye(target: string, from: string, to: string, callId: string, cseq: number, routes: string[], reason: string): SipRequest {
    const branch = newBranch();
    this.ownBranches.add(branch);
    return edgeRequest({ method: 'BYE', uri: target, from, to, callId, cseq, routes, branch, extra: [{ name: 'Reason', value: reason }] });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    t.unref();
    this.timers.add(t);
  }

  private teardown(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.tracker.endAll('dropped');
    this.d.channel.close();
    this.d.log.info({ code, reason, seconds: Math.round((Date.now() - this.openedAt) / 1000) }, 'connection closed');
  }
}


function secondsBetween(a?: number, b?: number): number | undefined {
  return a && b ? Math.round((b - a) / 1000) : undefined;
}

