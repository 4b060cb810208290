// The embedded router's dialog table (RFC 3261 §12), keyed by Call-ID. In-dialog requests are
// routed by it, never by the Contact host: JsSIP's Contact hosts are random `….invalid` names
// that only mean "this WebSocket". Each party's highest CSeq is kept so that a BYE the edge
// sends for a party that vanished is in sequence.
//
//   fork answered (first 2xx) ──► Confirmed
//                                    │ ▲
//                                    │ └── re-INVITE, INFO, UPDATE, ACK… from either party:
//                                    │     forwarded to the other party's connection
//                                    │
//                 ┌──────────────────┴──────────────────┐
//        BYE from either party                one party's connection closed
//        (forwarded to the other)             (the edge sends the other a BYE,
//                 │                            Reason: 480 "Connection lost")
//                 ▼                                     ▼
//             Terminated ◄──────────────────────────────┘
//
// Early dialogs are not kept: until the 2xx, the fork (fork.ts) routes everything.
import { header, headerValues, parseCSeq, removeHeaders, viaBranch, type SipMessage, type SipRequest, type SipResponse } from '../../sip/message.ts';
import { buildRefusal } from '../../sip/responses.ts';
import { parseNameAddr, tagOf } from '../../sip/uri.ts';
import { EDGE_VIA_HOST, edgeRequest, newBranch } from '../../sip/edge-requests.ts';
import { forwardCopy, pushVia, withTag } from './proxy-messages.ts';

export interface DialogParty {
  conn: string;
  uri: string;
  tag: string;
  /** Remote target: the party's Contact URI. */
  target?: string;
  cseq: number;
}

export interface Dialog {
  callId: string;
  caller: DialogParty;
  callee: DialogParty;
}

/** What the dialog table needs from the router around it. */
export interface DialogIo {
  deliver(connId: string, msg: SipMessage): void;
  /** A request forwarded (`fromConn` set) or made by the edge: its answer comes back by `branch`. */
  track(branch: string, fromConn: string | undefined, toConn: string): void;
  connected(connId: string): boolean;
}

export class Dialogs {
  private readonly table = new Map<string, Dialog>();

  constructor(private readonly io: DialogIo, private readonly domain: string) {}

  has(callId: string): boolean {
    return this.table.has(callId);
  }

  values(): Iterable<Dialog> {
    return this.table.values();
  }

  /** The INVITE `invite` from `callerConn` was answered with `res` on `calleeConn`. */
  confirm(invite: SipRequest, callerConn: string, calleeConn: string, res: SipResponse): void {
    const contact = (m: SipMessage) => { const c = headerValues(m, 'Contact')[0]; return c ? parseNameAddr(c)?.uri : undefined; };
    const callId = header(invite, 'Call-ID')!;
    this.table.set(callId, {
      callId,
      caller: { conn: callerConn, uri: header(invite, 'From')!, tag: tagOf(header(invite, 'From'))!, target: contact(invite), cseq: parseCSeq(header(invite, 'CSeq')!)!.seq },
      callee: { conn: calleeConn, uri: header(res, 'To')!, tag: tagOf(header(res, 'To'))!, target: contact(res), cseq: 0 },
    });
  }

  /** Requests inside an established dialog go to the other party's connection. */
  route(connId: string, req: SipRequest): void {
    const dialog = this.table.get(header(req, 'Call-ID')!);
    const side = dialog && (dialog.caller.conn === connId ? 'caller' : dialog.callee.conn === connId ? 'callee' : undefined);
    if (!dialog || !side) {
      if (req.method !== 'ACK') this.io.deliver(connId, buildRefusal(req, 'HL_NO_DIALOG'));
      return;
    }
    const me = dialog[side];
    const peer = side === 'caller' ? dialog.callee : dialog.caller;
    const cseq = parseCSeq(header(req, 'CSeq')!)!;
    if (req.method !== 'ACK' && req.method !== 'CANCEL') me.cseq = Math.max(me.cseq, cseq.seq);
    const out = forwardCopy(req, peer.target ?? req.uri);
    // Our own Record-Route entry is consumed here (loose routing, RFC 3261 §16.4).
    const routes = headerValues(out, 'Route').filter((r) => !r.includes(EDGE_VIA_HOST));
    removeHeaders(out, (n) => n === 'Route');
    for (const r of routes) out.headers.splice(1, 0, { name: 'Route', value: r });
    if (req.method === 'ACK') {
      pushVia(out, newBranch());
      this.io.deliver(peer.conn, out);
      return;
    }
    const id = newBranch();
    pushVia(out, id);
    this.io.track(id, connId, peer.conn);
    this.io.deliver(peer.conn, out);
    if (req.method === 'BYE') this.table.delete(dialog.callId);
  }

  /** A connection closed: each of its dialogs ends, with a BYE to the party still there. */
  connectionLost(connId: string): void {
    for (const dialog of [...this.table.values()]) {
      if (dialog.caller.conn === connId) this.byeFor(dialog, 'caller');
      else if (dialog.callee.conn === connId) this.byeFor(dialog, 'callee');
      else continue;
      this.table.delete(dialog.callId);
    }
  }

  /** A BYE on behalf of a party whose connection went away, sent to the other party. */
  private byeFor(dialog: Dialog, gone: 'caller' | 'callee'): void {
    const from = dialog[gone];
    const to = gone === 'caller' ? dialog.callee : dialog.caller;
    if (!this.io.connected(to.conn)) return;
    from.cseq += 1;
    const bye = edgeRequest({
      method: 'BYE', uri: to.target ?? `sip:${this.domain}`, cseq: from.cseq, callId: dialog.callId,
      from: withTag(from.uri, from.tag), to: withTag(to.uri, to.tag),
      extra: [{ name: 'Reason', value: 'SIP;cause=480;text="Connection lost"' }],
    });
    this.io.track(viaBranch(headerValues(bye, 'Via')[0])!, undefined, to.conn);
    this.io.deliver(to.conn, bye);
  }
}
