// Forking (RFC 3261 §16.7): a visitor's INVITE rings every registered owner tab at once, under
// one server transaction towards the caller and one branch per tab. The first 2xx wins; the
// other tabs are CANCELled with "Call completed elsewhere". The ring timer is §16.7's timer C.
//
//   start(): INVITE to every tab, ring timer running
//        │
//        ▼
//     Ringing ──── 18x from a tab ──► passed to the caller, stays Ringing
//        │
//        ├── first 2xx ───────────► Answered   2xx to the caller, dialog made, other tabs CANCELled
//        ├── a 6xx (decline) ─────► Declined   other tabs CANCELled, the 6xx to the caller
//        ├── every tab final ─────► Failed     the best final (pickBest) to the caller
//        ├── ring timer ──────────► Timed out  tabs CANCELled, 480 HL_NO_ANSWER to the caller
//        ├── caller's CANCEL ─────► Cancelled  tabs CANCELled; 487 once every tab answered
//        └── caller's conn lost ──► Cancelled  tabs CANCELled, nobody left to answer
//                 │
//                 ▼ (final sent)
//            Lingering 32 s: ACKs for a non-2xx and late tab responses still find the fork
//                 │         (a late 2xx from a losing tab is ACKed and hung up at once;
//                 ▼          a 2xx retransmission from the winner goes end to end)
//               Gone
//
// A tab's connection that drops while ringing counts as its 480.
import { header, headerValues, parseCSeq, setHeader, viaBranch, type SipRequest, type SipResponse, type SipMessage } from '../../sip/message.ts';
import { buildRefusal, buildResponse } from '../../sip/responses.ts';
import { parseNameAddr, tagOf } from '../../sip/uri.ts';
import { EDGE_VIA_HOST, edgeRequest, newBranch } from '../../sip/edge-requests.ts';
import { forwardCopy, pickBest, pushVia, reasonFor, sameTransaction } from './proxy-messages.ts';

const RECORD_ROUTE = `<sip:${EDGE_VIA_HOST};transport=ws;lr>`;

/** How long a finished fork is remembered (64·T1). */
const LINGER_MS = 32_000;

export interface Branch {
  id: string;
  connId: string;
  request: SipRequest;
  final?: number;
  /** To tag of the callee once it answered provisionally or finally. */
  toTag?: string;
}

/** An INVITE from a caller being forked to the callee's connections (a server transaction). */
export interface Fork {
  key: string;
  callerConn: string;
  request: SipRequest;
  branches: Map<string, Branch>;
  answered?: Branch;
  finalSent?: number;
  cancelled: boolean;
  timer?: NodeJS.Timeout;
}

/** What a fork needs from the router around it. */
export interface ForkIo {
  deliver(connId: string, msg: SipMessage): void;
  /** A request the fork makes itself (CANCEL, a losing tab's BYE): its answer ends at the router. */
  track(branch: string, toConn: string): void;
  /** The winning 2xx: the call now is a dialog between the caller and that tab. */
  answered(fork: Fork, branch: Branch, res: SipResponse): void;
}

export interface Tab {
  connId: string;
  contact: string;
}

export class Forks {
  private readonly byKey = new Map<string, Fork>();
  private readonly byBranch = new Map<string, Fork>();

  constructor(private readonly io: ForkIo, private readonly ringMs: number) {}

  get(key: string): Fork | undefined {
    return this.byKey.get(key);
  }

  /** Forks that have not sent their final response yet. */
  *ringing(): Iterable<Fork> {
    for (const f of this.byKey.values()) if (f.finalSent === undefined) yield f;
  }

  start(key: string, callerConn: string, req: SipRequest, tabs: Tab[]): void {
    const fork: Fork = { key, callerConn, request: req, branches: new Map(), cancelled: false };
    this.byKey.set(key, fork);
    for (const tab of tabs) {
      const id = newBranch();
      const out = forwardCopy(req, tab.contact);
      setHeader(out, 'Record-Route', RECORD_ROUTE);
      const branch: Branch = { id, connId: tab.connId, request: out };
      pushVia(out, id);
      fork.branches.set(id, branch);
      this.byBranch.set(id, fork);
      this.io.deliver(tab.connId, out);
    }
    // No answer within the ring time: CANCEL the tabs, tell the caller 480 (RFC 3261 §16.7 timer C).
    fork.timer = setTimeout(() => this.timeout(fork), this.ringMs);
  }

  /** The caller's CANCEL for a fork still ringing. */
  cancel(fork: Fork): void {
    if (fork.finalSent !== undefined) return;
    fork.cancelled = true;
    this.cancelBranches(fork);
  }

  /**
   * A response (our Via already popped) whose top branch was `branchId`, arriving on `connId`.
   * Returns false when no fork owns that branch.
   */
  respond(branchId: string, connId: string, res: SipResponse): boolean {
    const fork = this.byBranch.get(branchId);
    if (!fork) return false;
    this.onBranchResponse(fork, fork.branches.get(branchId)!, res, connId);
    return true;
  }

  /** A connection closed: a caller's forks are cancelled, a tab's ringing branches fail with 480. */
  connectionLost(connId: string): void {
    for (const fork of this.byKey.values()) {
      if (fork.finalSent !== undefined) continue;
      if (fork.callerConn === connId) {
        fork.cancelled = true;
        fork.finalSent = 487;
        this.cancelBranches(fork);
        this.finish(fork);
        continue;
      }
      for (const b of fork.branches.values()) {
        if (b.connId === connId && b.final === undefined) b.final = 480;
      }
      this.maybeFinalize(fork);
    }
  }

  clear(): void {
    for (const f of this.byKey.values()) clearTimeout(f.timer);
    this.byKey.clear();
  }

  private onBranchResponse(fork: Fork, branch: Branch, res: SipResponse, connId: string): void {
    if (branch.connId !== connId) return;
    const tag = tagOf(header(res, 'To'));
    if (tag) branch.toTag = tag;
    if (res.status < 200) {
      if (res.status > 100 && fork.finalSent === undefined && !fork.answered) this.io.deliver(fork.callerConn, res);
      return;
    }
    const first = branch.final === undefined;
    branch.final ??= res.status;
    if (res.status < 300) {
      if (fork.answered && fork.answered !== branch) {
        // A second tab answered in the same instant: it lost the race; end its call at once.
        this.ackAndBye(branch, res);
        return;
      }
      if (!first) {
        this.io.deliver(fork.callerConn, res); // 2xx retransmission goes end to end
        return;
      }
      fork.answered = branch;
      fork.finalSent = res.status;
      clearTimeout(fork.timer);
      this.io.answered(fork, branch, res);
      this.io.deliver(fork.callerConn, res);
      this.cancelBranches(fork);
      this.finish(fork);
      return;
    }
    if (!first) return;
    this.ackBranch(branch, res);
    // A 6xx from one tab (the owner pressed decline) ends the whole call (RFC 3261 §16.7.6).
    if (res.status >= 600 && fork.finalSent === undefined && !fork.answered) {
      fork.finalSent = res.status;
      this.cancelBranches(fork);
      this.io.deliver(fork.callerConn, res);
      this.finish(fork);
      return;
    }
    this.maybeFinalize(fork, res);
  }

  private maybeFinalize(fork: Fork, last?: SipResponse): void {
    if (fork.finalSent !== undefined || fork.answered) return;
    const branches = [...fork.branches.values()];
    if (branches.some((b) => b.final === undefined)) return;
    const best = fork.cancelled ? 487 : pickBest(branches.map((b) => b.final!));
    fork.finalSent = best;
    const res = last && last.status === best ? last : buildResponse(fork.request, best, reasonFor(best));
    this.io.deliver(fork.callerConn, res);
    this.finish(fork);
  }

  private finish(fork: Fork): void {
    clearTimeout(fork.timer);
    // Keep it a while: ACKs for a non-2xx answer and late branch responses still find it.
    setTimeout(() => {
      this.byKey.delete(fork.key);
      for (const id of fork.branches.keys()) this.byBranch.delete(id);
    }, LINGER_MS).unref();
  }

  private timeout(fork: Fork): void {
    if (fork.finalSent !== undefined) return;
    this.cancelBranches(fork);
    fork.finalSent = 480;
    this.io.deliver(fork.callerConn, buildRefusal(fork.request, 'HL_NO_ANSWER'));
    this.finish(fork);
  }

  private cancelBranches(fork: Fork): void {
    for (const b of fork.branches.values()) {
      if (b.final !== undefined || b === fork.answered) continue;
      const reason = fork.answered ? 'SIP;cause=200;text="Call completed elsewhere"' : 'SIP;cause=487;text="Request Terminated"';
      const cancel = sameTransaction(b.request, 'CANCEL', header(b.request, 'To')!, [{ name: 'Reason', value: reason }]);
      this.io.track(viaBranch(headerValues(b.request, 'Via')[0])!, b.connId);
      this.io.deliver(b.connId, cancel);
    }
  }

  /** Hop-by-hop ACK for a branch's non-2xx final response (RFC 3261 §17.1.1.3). */
  private ackBranch(branch: Branch, res: SipResponse): void {
    this.io.deliver(branch.connId, sameTransaction(branch.request, 'ACK', header(res, 'To')!));
  }

  /** A late 2xx from a losing branch: confirm it and hang it up straight away. */
  private ackAndBye(branch: Branch, res: SipResponse): void {
    const contact = headerValues(res, 'Contact')[0];
    const target = (contact && parseNameAddr(contact)?.uri) || branch.request.uri;
    const base = (method: string, cseq: number) => edgeRequest({
      method, uri: target, cseq, from: header(branch.request, 'From')!, to: header(res, 'To')!, callId: header(branch.request, 'Call-ID')!,
    });
    const seq = parseCSeq(header(branch.request, 'CSeq')!)!.seq;
    this.io.deliver(branch.connId, base('ACK', seq));
    const bye = base('BYE', seq + 1);
    this.io.track(viaBranch(headerValues(bye, 'Via')[0])!, branch.connId);
    this.io.deliver(branch.connId, bye);
  }
}
