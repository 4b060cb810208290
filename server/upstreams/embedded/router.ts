// The embedded upstream: a small in-process SIP proxy for browser endpoints only, so a fresh
// `npm start` gives a working visitor → owner-tab call without Asterisk.
//
//  visitor ──INVITE──► router ──fork──► every registered owner tab
//          ◄─1xx/2xx──        ◄─first 2xx wins, the other branches are CANCELled
//  in-dialog requests are routed by the dialog table (Call-ID + tags), never by the Contact host.
//
// It is a transaction-stateful proxy in the spirit of RFC 3261 §16, trimmed to what browsers on
// one edge need: it pushes its own Via (responses are routed back by it), Record-Routes itself,
// ACKs non-2xx final responses hop by hop, and ends dialogs cleanly when a connection drops.
// This file only coordinates: it admits INVITEs and dispatches each message to the concern that
// owns it, each with its state machine drawn where it lives:
//   fork.ts          the INVITE forked to the owner tabs, with its ring timer
//   transactions.ts  client transactions: requests forwarded in a dialog or made by the router
//   dialogs.ts       the dialog table: in-dialog routing, BYEs for lost connections
//   registrar.ts     owner tab bindings
import {
  cloneMessage, header, headerValues, parseCSeq, serializeSip, viaBranch,
  type SipHeader, type SipMessage, type SipRequest, type SipResponse,
} from '../../sip/message.ts';
import { buildRefusal, buildResponse } from '../../sip/responses.ts';
import { parseSipUri, tagOf } from '../../sip/uri.ts';
import { EDGE_VIA_HOST } from '../../sip/edge-requests.ts';
import type { ClientInfo, Readiness, Upstream, UpstreamChannel } from '../types.ts';
import { Registrar } from './registrar.ts';
import { forkKey, popVia } from './proxy-messages.ts';
import { Forks } from './fork.ts';
import { ClientTransactions } from './transactions.ts';
import { Dialogs } from './dialogs.ts';

export interface EmbeddedOptions {
  domain: string;
  ownerExtension: string;
  /** Visitor target users that ring the owner. */
  ownerTargets: string[];
  /** How long the owner tabs ring before the visitor gets 480 (no answer). */
  ringSeconds: number;
  isOwnerAvailable: () => boolean;
  /** Why the owner is unavailable (absent: do-not-disturb). */
  pauseCode?: () => 'HL_OWNER_DND' | 'HL_OWNER_HOURS' | undefined;
  /** Whether the owner's ring rules let the tabs ring now (the only endpoints this router has). */
  tabsRing?: () => boolean;
  log?: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}

interface Client {
  info: ClientInfo;
  channel: UpstreamChannel;
}

export class EmbeddedRouter implements Upstream {
  readonly kind = 'embedded' as const;
  readonly registrar = new Registrar();
  private readonly clients = new Map<string, Client>();
  private readonly transactions = new ClientTransactions();
  private readonly dialogs: Dialogs;
  private readonly forks: Forks;

  constructor(private readonly opts: EmbeddedOptions) {
    const deliver = (connId: string, msg: SipMessage) => this.deliver(connId, msg);
    this.dialogs = new Dialogs({
      deliver,
      track: (branch, fromConn, toConn) => this.transactions.start(branch, fromConn, toConn),
      connected: (connId) => this.clients.has(connId),
    }, opts.domain);
    this.forks = new Forks({
      deliver,
      track: (branch, toConn) => this.transactions.start(branch, undefined, toConn),
      answered: (fork, branch, res) => this.dialogs.confirm(fork.request, fork.callerConn, branch.connId, res),
    }, opts.ringSeconds * 1000);
  }

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
    for (const f of this.forks.ringing()) if (this.isOwnerConn([...f.branches.values()][0]?.connId)) return true;
    for (const d of this.dialogs.values()) if (this.isOwnerConn(d.caller.conn) || this.isOwnerConn(d.callee.conn)) return true;
    return false;
  }

  async close(): Promise<void> {
    this.forks.clear();
    this.transactions.clear();
  }

  // ── inbound ────────────────────────────────────────────────────────────────────────────────

  private receive(connId: string, msg: SipMessage): void {
    if (msg.kind === 'response') return this.onResponse(connId, msg);
    switch (msg.method) {
      case 'REGISTER': return this.onRegister(connId, msg);
      case 'OPTIONS': if (!tagOf(header(msg, 'To'))) return this.deliver(connId, buildResponse(msg, 200, 'OK', [{ name: 'Allow', value: 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REGISTER' }]));
        return this.dialogs.route(connId, msg);
      case 'CANCEL': return this.onCancel(connId, msg);
      case 'INVITE': if (!tagOf(header(msg, 'To'))) return this.onInvite(connId, msg);
        return this.dialogs.route(connId, msg);
      case 'ACK': return this.onAck(connId, msg);
      default:
        if (tagOf(header(msg, 'To'))) return this.dialogs.route(connId, msg);
        return this.deliver(connId, buildRefusal(msg, 'HL_METHOD_FORBIDDEN', { allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER'], detail: `${msg.method} is not supported by the embedded router` }));
    }
  }

  private onRegister(connId: string, req: SipRequest): void {
    const client = this.clients.get(connId)!;
    const result = this.registrar.register(client.info.user, connId, req);
    if ('error' in result) return this.deliver(connId, buildResponse(req, result.status, result.error));
    const contacts: SipHeader[] = result.bindings.map((b) => ({ name: 'Contact', value: `<${b.contact}>;expires=${b.expires}` }));
    this.deliver(connId, buildResponse(req, 200, 'OK', [...contacts, { name: 'Date', value: new Date().toUTCString() }]));
    this.opts.log?.info({ conn: connId, aor: client.info.user, bindings: result.bindings.length }, result.bindings.length ? 'owner tab registered' : 'owner tab unregistered');
  }

  /** A new call: admitted only towards the owner, who must be available, online and free. */
  private onInvite(connId: string, req: SipRequest): void {
    const key = forkKey(req);
    if (this.forks.get(key)) return; // retransmission: the transaction is already under way
    const user = parseSipUri(req.uri)?.user ?? '';
    const caller = this.clients.get(connId)!;
    this.deliver(connId, buildResponse(req, 100, 'Trying'));
    const ringsOwner = this.opts.ownerTargets.includes(user) || (caller.info.role === 'owner' && user === this.opts.ownerExtension);
    if (!ringsOwner) return this.deliver(connId, buildRefusal(req, 'HL_NOT_FOUND', { detail: `${user} is not reachable without Asterisk (the audio menu needs it)` }));
    if (!this.opts.isOwnerAvailable()) return this.deliver(connId, buildRefusal(req, this.opts.pauseCode?.() ?? 'HL_OWNER_DND'));
    if (caller.info.role === 'visitor' && this.opts.tabsRing && !this.opts.tabsRing()) {
      return this.deliver(connId, buildRefusal(req, 'HL_OWNER_DND', { detail: 'the owner\'s tab does not ring at this hour' }));
    }
    const bindings = this.registrar.bindings(this.opts.ownerExtension).filter((b) => b.connId !== connId);
    if (bindings.length === 0) return this.deliver(connId, buildRefusal(req, 'HL_OWNER_OFFLINE'));
    if (this.ownerBusy()) return this.deliver(connId, buildRefusal(req, 'HL_OWNER_BUSY'));
    this.forks.start(key, connId, req, bindings);
    this.opts.log?.info({ conn: connId, callId: header(req, 'Call-ID'), tabs: bindings.length }, 'ringing owner tabs');
  }

  private onCancel(connId: string, req: SipRequest): void {
    const fork = this.forks.get(forkKey(req));
    if (!fork || fork.callerConn !== connId) return this.deliver(connId, buildRefusal(req, 'HL_NO_DIALOG'));
    this.deliver(connId, buildResponse(req, 200, 'OK'));
    this.forks.cancel(fork);
  }

  private onAck(connId: string, req: SipRequest): void {
    const fork = this.forks.get(forkKey(req));
    // ACK for a non-2xx final response ends at the proxy that sent it (RFC 3261 §17.2.1).
    if (fork && fork.finalSent !== undefined && fork.finalSent >= 300) return;
    if (this.dialogs.has(header(req, 'Call-ID')!)) this.dialogs.route(connId, req);
  }

  /** Responses come back by the branch of the Via the router pushed: a fork's or a client transaction's. */
  private onResponse(connId: string, res: SipResponse): void {
    const vias = headerValues(res, 'Via');
    const top = vias[0] ? viaBranch(vias[0]) : undefined;
    if (!top || !vias[0].includes(EDGE_VIA_HOST)) return; // not ours: nothing to route it by
    const out = cloneMessage(res);
    popVia(out);
    // A CANCEL shares its INVITE's branch; its 200 ends here.
    if (parseCSeq(header(res, 'CSeq')!)?.method === 'CANCEL') return this.transactions.end(top);
    if (this.forks.respond(top, connId, out)) return;
    const tx = this.transactions.respond(top, connId, res.status);
    if (tx?.fromConn) this.deliver(tx.fromConn, out);
  }

  /** A client connection closed: forget its bindings, end its calls for the other side. */
  private drop(connId: string): void {
    if (!this.clients.delete(connId)) return;
    this.registrar.removeConnection(connId);
    this.dialogs.connectionLost(connId);
    this.forks.connectionLost(connId);
  }

  private isOwnerConn(connId: string | undefined): boolean {
    return connId !== undefined && this.clients.get(connId)?.info.user === this.opts.ownerExtension;
  }

  private deliver(connId: string, msg: SipMessage): void {
    const client = this.clients.get(connId);
    if (!client) return;
    client.channel.onMessage(serializeSip(msg));
  }
}
