// The embedded upstream: a small in-process SIP proxy for browser endpoints only, so a fresh
// `npm start` gives a working visitor → owner-tab call without Asterisk.
//
//  visitor ──INVITE──► router ──fork──► every registered owner tab
//          ◄─1xx/2xx──        ◄─first 2xx wins, the other branches are CANCELled
//  in-dialog requests are routed by the dialog table (Call-ID + tags), never by the Contact host:
//  JsSIP's Contact hosts are random `….invalid` names that only mean "this WebSocket".
//
// It is a transaction-stateful proxy in the spirit of RFC 3261 §16, trimmed to what browsers on
// one edge need: it pushes its own Via (responses are routed back by it), Record-Routes itself,
// ACKs non-2xx final responses hop by hop, and ends dialogs cleanly when a connection drops.
import {
  cloneMessage, header, headerValues, parseCSeq, parseSip, removeHeaders, serializeSip, setHeader, viaBranch,
  type SipHeader, type SipMessage, type SipRequest, type SipResponse,
} from '../../sip/message.ts';
import { buildRefusal, buildResponse } from '../../sip/responses.ts';
import { parseNameAddr, parseSipUri, tagOf } from '../../sip/uri.ts';
import type { ClientInfo, Readiness, Upstream, UpstreamChannel } from '../types.ts';
import { Registrar } from './registrar.ts';
import { forkKey, pickBest, popVia, pushVia, reasonFor, sameTransaction, withTag } from './proxy-messages.ts';
import { EDGE_VIA_HOST, edgeRequest, newBranch } from '../../sip/edge-requests.ts';

export interface EmbeddedOptions {
  domain: string;
  ownerExtension: string;
  /** Visitor target users that ring the owner. */
  ownerTargets: string[];
  /** How long the owner tabs ring before the visitor gets 480 (no answer). */
  ringSeconds: number;
  isOwnerAvailable: () => boolean;
  log?: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}

const RECORD_ROUTE = `<sip:${EDGE_VIA_HOST};transport=ws;lr>`;

interface Client {
  info: ClientInfo;
  channel: UpstreamChannel;
}

interface Branch {
  id: string;
  connId: string;
  request: SipRequest;
  final?: number;
  /** To tag of the callee once it answered provisionally or finally. */
  toTag?: string;
}

/** An INVITE from a caller being forked to the callee's connections (a server transaction). */
interface Fork {
  key: string;
  callerConn: string;
  request: SipRequest;
  branches: Map<string, Branch>;
  answered?: Branch;
  finalSent?: number;
  cancelled: boolean;
  timer?: NodeJS.Timeout;
}

/** Requests the router forwarded (or made) that are not INVITE forks: responses go back by branch. */
interface Relayed {
  fromConn?: string;
  toConn: string;
  timer: NodeJS.Timeout;
}

interface Dialog {
  callId: string;
  caller: { conn: string; uri: string; tag: string; target?: string; cseq: number };
  callee: { conn: string; uri: string; tag: string; target?: string; cseq: number };
}

export class EmbeddedRouter implements Upstream {
  readonly kind = 'embedded' as const;
  readonly registrar = new Registrar();
  private readonly clients = new Map<string, Client>();
  private readonly forks = new Map<string, Fork>();
  private readonly forkByBranch = new Map<string, Fork>();
  private readonly relayed = new Map<string, Relayed>();
  private readonly dialogs = new Map<string, Dialog>();

  constructor(private readonly opts: EmbeddedOptions) {}

  async open(info: ClientInfo): Promise<UpstreamChannel> {
    const channel: UpstreamChannel = {
      send: (msg) => this.receive(info.connId, msg),
      onMessage: () => {},
      onClose: () => {},
      close: () => this.drop(info.connId),
    };
    this.clients.set(info.connId, { info, channel });
    return channel;
  }

  async readiness(): Promise<Readiness> {
    return { ready: true, detail: `embedded router, ${this.registrar.count(this.opts.ownerExtension)} owner tab(s) registered` };
  }

  ownerOnline(): boolean {
    return this.registrar.bindings(this.opts.ownerExtension).length > 0;
  }

  /** Whether the owner is ringing or talking on any tab. */
  ownerBusy(): boolean {
    for (const f of this.forks.values()) if (f.finalSent === undefined && this.isOwnerConn([...f.branches.values()][0]?.connId)) return true;
    for (const d of this.dialogs.values()) if (this.isOwnerConn(d.caller.conn) || this.isOwnerConn(d.callee.conn)) return true;
    return false;
  }

  async close(): Promise<void> {
    for (const f of this.forks.values()) clearTimeout(f.timer);
    for (const r of this.relayed.values()) clearTimeout(r.timer);
    this.forks.clear();
    this.relayed.clear();
  }

  // ── inbound ────────────────────────────────────────────────────────────────────────────────

  private receive(connId: string, msg: SipMessage): void {
    if (msg.kind === 'response') return this.onResponse(connId, msg);
    switch (msg.method) {
      case 'REGISTER': return this.onRegister(connId, msg);
      case 'OPTIONS': if (!tagOf(header(msg, 'To'))) return this.reply(connId, buildResponse(msg, 200, 'OK', [{ name: 'Allow', value: 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REGISTER' }]));
        return this.inDialog(connId, msg);
      case 'CANCEL': return this.onCancel(connId, msg);
      case 'INVITE': if (!tagOf(header(msg, 'To'))) return this.onInvite(connId, msg);
        return this.inDialog(connId, msg);
      case 'ACK': return this.onAck(connId, msg);
      default:
        if (tagOf(header(msg, 'To'))) return this.inDialog(connId, msg);
        return this.reply(connId, buildRefusal(msg, 'HL_METHOD_FORBIDDEN', { allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER'], detail: `${msg.method} is not supported by the embedded router` }));
    }
  }

  private onRegister(connId: string, req: SipRequest): void {
    const client = this.clients.get(connId)!;
    const result = this.registrar.register(client.info.user, connId, req);
    if ('error' in result) return this.reply(connId, buildResponse(req, result.status, result.error));
    const contacts: SipHeader[] = result.bindings.map((b) => ({ name: 'Contact', value: `<${b.contact}>;expires=${b.expires}` }));
    this.reply(connId, buildResponse(req, 200, 'OK', [...contacts, { name: 'Date', value: new Date().toUTCString() }]));
    this.opts.log?.info({ conn: connId, aor: client.info.user, bindings: result.bindings.length }, result.bindings.length ? 'owner tab registered' : 'owner tab unregistered');
  }

  private onInvite(connId: string, req: SipRequest): void {
    const key = forkKey(req);
    if (this.forks.has(key)) return; // retransmission: the transaction is already under way
    const user = parseSipUri(req.uri)?.user ?? '';
    const caller = this.clients.get(connId)!;
    this.reply(connId, buildResponse(req, 100, 'Trying'));
    const ringsOwner = this.opts.ownerTargets.includes(user) || (caller.info.role === 'owner' && user === this.opts.ownerExtension);
    if (!ringsOwner) return this.reply(connId, buildRefusal(req, 'HL_NOT_FOUND', { detail: `${user} is not reachable without Asterisk (the audio menu needs it)` }));
    if (!this.opts.isOwnerAvailable()) return this.reply(connId, buildRefusal(req, 'HL_OWNER_DND'));
    const bindings = this.registrar.bindings(this.opts.ownerExtension).filter((b) => b.connId !== connId);
    if (bindings.length === 0) return this.reply(connId, buildRefusal(req, 'HL_OWNER_OFFLINE'));
    if (this.ownerBusy()) return this.reply(connId, buildRefusal(req, 'HL_OWNER_BUSY'));

    const fork: Fork = { key, callerConn: connId, request: req, branches: new Map(), cancelled: false };
    this.forks.set(key, fork);
    for (const b of bindings) {
      const id = newBranch();
      const out = this.forwardCopy(req, b.contact);
      setHeader(out, 'Record-Route', RECORD_ROUTE);
      const branch: Branch = { id, connId: b.connId, request: out };
      pushVia(out, id);
      fork.branches.set(id, branch);
      this.forkByBranch.set(id, fork);
      this.deliver(b.connId, out);
    }
    // No answer within the ring time: CANCEL the tabs, tell the caller 480 (RFC 3261 §16.7 timer C).
    fork.timer = setTimeout(() => this.timeoutFork(fork), this.opts.ringSeconds * 1000);
    this.opts.log?.info({ conn: connId, callId: header(req, 'Call-ID'), tabs: bindings.length }, 'ringing owner tabs');
  }

  private onCancel(connId: string, req: SipRequest): void {
    const fork = this.forks.get(forkKey(req));
    if (!fork || fork.callerConn !== connId) return this.reply(connId, buildRefusal(req, 'HL_NO_DIALOG'));
    this.reply(connId, buildResponse(req, 200, 'OK'));
    if (fork.finalSent !== undefined) return;
    fork.cancelled = true;
    this.cancelBranches(fork);
  }

  private onAck(connId: string, req: SipRequest): void {
    const callId = header(req, 'Call-ID')!;
    const dialog = this.dialogs.get(callId);
    const fork = this.forks.get(forkKey(req));
    // ACK for a non-2xx final response ends at the proxy that sent it (RFC 3261 §17.2.1).
    if (fork && fork.finalSent !== undefined && fork.finalSent >= 300) return;
    if (dialog) this.inDialog(connId, req);
  }

  /** Requests inside an established dialog go to the other party's connection. */
  private inDialog(connId: string, req: SipRequest): void {
    const dialog = this.dialogs.get(header(req, 'Call-ID')!);
    const side = dialog && (dialog.caller.conn === connId ? 'caller' : dialog.callee.conn === connId ? 'callee' : undefined);
    if (!dialog || !side) {
      if (req.method !== 'ACK') this.reply(connId, buildRefusal(req, 'HL_NO_DIALOG'));
      return;
    }
    const me = dialog[side];
    const peer = side === 'caller' ? dialog.callee : dialog.caller;
    const cseq = parseCSeq(header(req, 'CSeq')!)!;
    if (req.method !== 'ACK' && req.method !== 'CANCEL') me.cseq = Math.max(me.cseq, cseq.seq);
    const out = this.forwardCopy(req, peer.target ?? req.uri);
    // Our own Record-Route entry is consumed here (loose routing, RFC 3261 §16.4).
    const routes = headerValues(out, 'Route').filter((r) => !r.includes(EDGE_VIA_HOST));
    removeHeaders(out, (n) => n === 'Route');
    for (const r of routes) out.headers.splice(1, 0, { name: 'Route', value: r });
    if (req.method === 'ACK') {
      pushVia(out, newBranch());
      this.deliver(peer.conn, out);
      return;
    }
    const id = newBranch();
    pushVia(out, id);
    this.track(id, connId, peer.conn);
    this.deliver(peer.conn, out);
    if (req.method === 'BYE') this.dialogs.delete(dialog.callId);
  }

  private onResponse(connId: string, res: SipResponse): void {
    const vias = headerValues(res, 'Via');
    const top = vias[0] ? viaBranch(vias[0]) : undefined;
    if (!top || !vias[0].includes(EDGE_VIA_HOST)) return; // not ours: nothing to route it by
    const out = cloneMessage(res);
    popVia(out);
    // A CANCEL shares its INVITE's branch; its 200 ends here.
    if (parseCSeq(header(res, 'CSeq')!)?.method === 'CANCEL') { this.relayed.delete(top); return; }
    const fork = this.forkByBranch.get(top);
    if (fork) return this.onBranchResponse(fork, fork.branches.get(top)!, out, connId);
    const relayed = this.relayed.get(top);
    if (!relayed || relayed.toConn !== connId) return;
    if (res.status >= 200) {
      clearTimeout(relayed.timer);
      this.relayed.delete(top);
    }
    if (relayed.fromConn) this.deliver(relayed.fromConn, out);
  }

  private onBranchResponse(fork: Fork, branch: Branch, res: SipResponse, connId: string): void {
    if (branch.connId !== connId) return;
    const tag = tagOf(header(res, 'To'));
    if (tag) branch.toTag = tag;
    if (res.status < 200) {
      if (res.status > 100 && fork.finalSent === undefined && !fork.answered) this.deliver(fork.callerConn, res);
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
        this.deliver(fork.callerConn, res); // 2xx retransmission goes end to end
        return;
      }
      fork.answered = branch;
      fork.finalSent = res.status;
      clearTimeout(fork.timer);
      this.makeDialog(fork, branch, res);
      this.deliver(fork.callerConn, res);
      this.cancelBranches(fork);
      this.finishFork(fork);
      return;
    }
    if (!first) return;
    this.ackBranch(branch, res);
    // A 6xx from one tab (the owner pressed decline) ends the whole call (RFC 3261 §16.7.6).
    if (res.status >= 600 && fork.finalSent === undefined && !fork.answered) {
      fork.finalSent = res.status;
      this.cancelBranches(fork);
      this.deliver(fork.callerConn, res);
      this.finishFork(fork);
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
    this.deliver(fork.callerConn, res);
    this.finishFork(fork);
  }

  private finishFork(fork: Fork): void {
    clearTimeout(fork.timer);
    // Keep it a while: ACKs for a non-2xx answer and late branch responses still find it.
    setTimeout(() => {
      this.forks.delete(fork.key);
      for (const id of fork.branches.keys()) this.forkByBranch.delete(id);
    }, 32_000).unref();
  }

  private timeoutFork(fork: Fork): void {
    if (fork.finalSent !== undefined) return;
    this.cancelBranches(fork);
    fork.finalSent = 480;
    this.deliver(fork.callerConn, buildResponse(fork.request, 480, 'Temporarily Unavailable', [{ name: 'Warning', value: '399 homeline "HL_NO_ANSWER: the owner did not answer"' }]));
    this.finishFork(fork);
  }

  private makeDialog(fork: Fork, branch: Branch, res: SipResponse): void {
    const req = fork.request;
    const contact = (m: SipMessage) => { const c = headerValues(m, 'Contact')[0]; return c ? parseNameAddr(c)?.uri : undefined; };
    this.dialogs.set(header(req, 'Call-ID')!, {
      callId: header(req, 'Call-ID')!,
      caller: { conn: fork.callerConn, uri: header(req, 'From')!, tag: tagOf(header(req, 'From'))!, target: contact(req), cseq: parseCSeq(header(req, 'CSeq')!)!.seq },
      callee: { conn: branch.connId, uri: header(res, 'To')!, tag: tagOf(header(res, 'To'))!, target: contact(res), cseq: 0 },
    });
  }

  // ── outbound helpers ───────────────────────────────────────────────────────────────────────

  private cancelBranches(fork: Fork): void {
    for (const b of fork.branches.values()) {
      if (b.final !== undefined || b === fork.answered) continue;
      const reason = fork.answered ? 'SIP;cause=200;text="Call completed elsewhere"' : 'SIP;cause=487;text="Request Terminated"';
      const cancel = sameTransaction(b.request, 'CANCEL', header(b.request, 'To')!, [{ name: 'Reason', value: reason }]);
      this.track(viaBranch(headerValues(b.request, 'Via')[0])!, undefined, b.connId);
      this.deliver(b.connId, cancel);
    }
  }

  /** Hop-by-hop ACK for a branch's non-2xx final response (RFC 3261 §17.1.1.3). */
  private ackBranch(branch: Branch, res: SipResponse): void {
    const ack = sameTransaction(branch.request, 'ACK', header(res, 'To')!);
    this.deliver(branch.connId, ack);
  }

  /** A late 2xx from a losing branch: confirm it and hang it up straight away. */
  private ackAndBye(branch: Branch, res: SipResponse): void {
    const contact = headerValues(res, 'Contact')[0];
    const target = (contact && parseNameAddr(contact)?.uri) || branch.request.uri;
    const base = (method: string, cseq: number) => edgeRequest({
      method, uri: target, cseq, from: header(branch.request, 'From')!, to: header(res, 'To')!, callId: header(branch.request, 'Call-ID')!,
    });
    const seq = parseCSeq(header(branch.request, 'CSeq')!)!.seq;
    this.deliver(branch.connId, base('ACK', seq));
    const bye = base('BYE', seq + 1);
    this.track(viaBranch(headerValues(bye, 'Via')[0])!, undefined, branch.connId);
    this.deliver(branch.connId, bye);
  }

  /** A BYE on behalf of a party whose connection went away, sent to the other party. */
  private byeFor(dialog: Dialog, gone: 'caller' | 'callee'): void {
    const from = dialog[gone];
    const to = gone === 'caller' ? dialog.callee : dialog.caller;
    if (!this.clients.has(to.conn)) return;
    from.cseq += 1;
    const bye = edgeRequest({
      method: 'BYE', uri: to.target ?? `sip:${this.opts.domain}`, cseq: from.cseq, callId: dialog.callId,
      from: withTag(from.uri, from.tag), to: withTag(to.uri, to.tag),
      extra: [{ name: 'Reason', value: 'SIP;cause=480;text="Connection lost"' }],
    });
    this.track(viaBranch(headerValues(bye, 'Via')[0])!, undefined, to.conn);
    this.deliver(to.conn, bye);
  }

  /** A client connection closed: forget its bindings, end its calls for the other side. */
  private drop(connId: string): void {
    if (!this.clients.delete(connId)) return;
    this.registrar.removeConnection(connId);
    for (const dialog of [...this.dialogs.values()]) {
      if (dialog.caller.conn === connId) this.byeFor(dialog, 'caller');
      else if (dialog.callee.conn === connId) this.byeFor(dialog, 'callee');
      else continue;
      this.dialogs.delete(dialog.callId);
    }
    for (const fork of this.forks.values()) {
      if (fork.finalSent !== undefined) continue;
      if (fork.callerConn === connId) {
        fork.cancelled = true;
        fork.finalSent = 487;
        this.cancelBranches(fork);
        this.finishFork(fork);
        continue;
      }
      for (const b of fork.branches.values()) {
        if (b.connId === connId && b.final === undefined) b.final = 480;
      }
      this.maybeFinalize(fork);
    }
  }

  private forwardCopy(req: SipRequest, uri: string): SipRequest {
    const out = cloneMessage(req);
    out.uri = uri;
    const mf = Number(header(req, 'Max-Forwards') ?? '70');
    setHeader(out, 'Max-Forwards', String(Math.max(0, mf - 1)));
    return out;
  }

  private track(branch: string, fromConn: string | undefined, toConn: string): void {
    const timer = setTimeout(() => this.relayed.delete(branch), 32_000);
    timer.unref();
    this.relayed.set(branch, { fromConn, toConn, timer });
  }

  private isOwnerConn(connId: string | undefined): boolean {
    return connId !== undefined && this.clients.get(connId)?.info.user === this.opts.ownerExtension;
  }

  private reply(connId: string, res: SipResponse): void {
    this.deliver(connId, res);
  }

  private deliver(connId: string, msg: SipMessage): void {
    const client = this.clients.get(connId);
    if (!client) return;
    client.channel.onMessage(serializeSip(msg));
  }

  /** For tests and the bench: parse-and-route a raw message as if the client sent it. */
  receiveText(connId: string, text: string): void {
    this.receive(connId, parseSip(text));
  }
}
