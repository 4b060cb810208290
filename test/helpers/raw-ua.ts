// A bare SIP-over-WebSocket user agent for tests: it writes SIP text the way JsSIP does and lets
// a test wait for what comes back, so each step of a call can be asserted exactly.
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';
import { parseSip, canonicalName, header, headerValues, type SipMessage, type SipRequest, type SipResponse } from '../../server/sip/message.ts';
import { tagOf } from '../../server/sip/uri.ts';

export const rid = (n = 8) => randomBytes(n).toString('hex');

export interface Received {
  text: string;
  msg: SipMessage;
}

export class RawUa {
  readonly inbox: Received[] = [];
  private waiters: Array<{ test: (m: SipMessage) => boolean; resolve: (r: Received) => void }> = [];
  readonly host = `${rid(4)}.invalid`;
  readonly tag = rid(5);
  closed?: { code: number; reason: string };
  private closeWaiters: Array<(c: { code: number; reason: string }) => void> = [];
  cseq = 1;

  private constructor(readonly ws: WebSocket, readonly user: string, readonly domain: string) {
    ws.on('message', (data) => {
      const text = data.toString();
      let msg: SipMessage;
      try { msg = parseSip(text); } catch (err) {
        // A refusal echoes the request's own From/To (RFC 3261 §8.2.6.2), however malformed the
        // edge found them: read such a response by its framing alone.
        const loose = /^SIP\/2\.0 (\d{3}) /.test(text) ? looseResponse(text) : undefined;
        if (!loose) throw new Error(`edge sent unparseable SIP: ${(err as Error).message}\n${text}`);
        msg = loose;
      }
      const r = { text, msg };
      const i = this.waiters.findIndex((w) => w.test(msg));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(r);
      else this.inbox.push(r);
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.closeWaiters) w(this.closed);
    });
  }

  static async connect(wsUrl: string, user: string, domain = 'home.arpa', opts: { origin?: string; protocol?: string } = {}): Promise<RawUa> {
    const ws = new WebSocket(wsUrl, opts.protocol ?? 'sip', { headers: opts.origin ? { origin: opts.origin } : {} });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused ${res.statusCode}`), { statusCode: res.statusCode })));
      ws.once('error', reject);
    });
    return new RawUa(ws, user, domain);
  }

  get uri(): string {
    return `sip:${this.user}@${this.domain}`;
  }

  get contact(): string {
    return `<sip:${rid(4)}@${this.host};transport=ws>`;
  }

  send(text: string): void {
    this.ws.send(text);
  }

  sendMsg(m: SipMessage): void {
    this.send(serialize(m));
  }

  /** Waits for the next message matching `test` (already received ones first). */
  next(test: (m: SipMessage) => boolean = () => true, ms = 3000): Promise<Received> {
    const i = this.inbox.findIndex((r) => test(r.msg));
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const w = { test, resolve: (r: Received) => { clearTimeout(t); resolve(r); } };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`${this.user}: timed out waiting; inbox has ${this.inbox.map((r) => startLine(r.msg)).join(' | ') || 'nothing'}`));
      }, ms);
      this.waiters.push(w);
    });
  }

  response(status: number, method?: string, ms?: number): Promise<Received & { msg: SipResponse }> {
    return this.next((m) => m.kind === 'response' && m.status === status && (!method || header(m, 'CSeq')!.endsWith(` ${method}`)), ms) as any;
  }

  request(method: string, ms?: number): Promise<Received & { msg: SipRequest }> {
    return this.next((m) => m.kind === 'request' && m.method === method, ms) as any;
  }

  waitClose(ms = 3000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('socket did not close')), ms);
      this.closeWaiters.push((c) => { clearTimeout(t); resolve(c); });
    });
  }

  /** A new out-of-dialog request from this UA. */
  newRequest(method: string, uri: string, opts: { to?: string; callId?: string; body?: string; extra?: Array<[string, string]>; cseq?: number } = {}): SipRequest {
    const branch = `z9hG4bK${rid(6)}`;
    const headers: Array<[string, string]> = [
      ['Via', `SIP/2.0/WSS ${this.host};branch=${branch}`],
      ['Max-Forwards', '69'],
      ['To', opts.to ?? `<${uri}>`],
      ['From', `<${this.uri}>;tag=${this.tag}`],
      ['Call-ID', opts.callId ?? rid(10)],
      ['CSeq', `${opts.cseq ?? this.cseq++} ${method}`],
      ['Contact', this.contact],
      ...(opts.extra ?? []),
    ];
    if (opts.body) headers.push(['Content-Type', 'application/sdp']);
    return { kind: 'request', method, uri, body: opts.body ?? '', headers: headers.map(([name, value]) => ({ name, value })) };
  }

  register(expires = 600): SipRequest {
    const req = this.newRequest('REGISTER', `sip:${this.domain}`, { to: `<${this.uri}>`, extra: [['Expires', String(expires)]] });
    this.sendMsg(req);
    return req;
  }

  invite(target: string, extra: Array<[string, string]> = []): SipRequest {
    const req = this.newRequest('INVITE', `sip:${target}@${this.domain}`, { body: SDP, extra });
    this.sendMsg(req);
    return req;
  }

  /** CANCEL for an INVITE this UA sent: same Via branch, Call-ID and CSeq number (RFC 3261 §9.1). */
  cancel(invite: SipRequest): SipRequest {
    const req = this.newRequest('CANCEL', invite.uri, { callId: header(invite, 'Call-ID')!, cseq: Number(header(invite, 'CSeq')!.split(' ')[0]) });
    req.headers[0] = { name: 'Via', value: headerValues(invite, 'Via')[0] };
    this.sendMsg(req);
    return req;
  }

  /** Answer a request with `status`, keeping this UA's To tag for the dialog. */
  reply(req: SipRequest, status: number, reason: string, opts: { body?: string; tag?: string } = {}): SipResponse {
    const headers = [
      ...headerValues(req, 'Via').map((v) => ({ name: 'Via', value: v })),
      ...headerValues(req, 'Record-Route').map((v) => ({ name: 'Record-Route', value: v })),
      { name: 'From', value: header(req, 'From')! },
      { name: 'To', value: tagOf(header(req, 'To')) ? header(req, 'To')! : `${header(req, 'To')};tag=${opts.tag ?? this.tag}` },
      { name: 'Call-ID', value: header(req, 'Call-ID')! },
      { name: 'CSeq', value: header(req, 'CSeq')! },
      { name: 'Contact', value: this.contact },
    ];
    if (opts.body) headers.push({ name: 'Content-Type', value: 'application/sdp' });
    const res: SipResponse = { kind: 'response', status, reason, headers, body: opts.body ?? '' };
    this.sendMsg(res);
    return res;
  }

  /** An in-dialog request (ACK, BYE, INFO…) within the dialog set up by `invite` and its 2xx. */
  inDialog(method: string, dialog: { callId: string; remoteTarget: string; to: string; from: string; cseq: number; routes?: string[] }, body = ''): SipRequest {
    const headers: Array<[string, string]> = [
      ['Via', `SIP/2.0/WSS ${this.host};branch=z9hG4bK${rid(6)}`],
      ['Max-Forwards', '69'],
      ...(dialog.routes ?? []).map((r): [string, string] => ['Route', r]),
      ['To', dialog.to],
      ['From', dialog.from],
      ['Call-ID', dialog.callId],
      ['CSeq', `${dialog.cseq} ${method}`],
    ];
    if (body) headers.push(['Content-Type', 'application/dtmf-relay']);
    const req: SipRequest = { kind: 'request', method, uri: dialog.remoteTarget, body, headers: headers.map(([name, value]) => ({ name, value })) };
    this.sendMsg(req);
    return req;
  }

  /** Closes and waits until the edge has seen it, so the next test starts from a quiet edge. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.ws.close(1000);
    await this.waitClose();
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function serialize(m: SipMessage): string {
  const start = m.kind === 'request' ? `${m.method} ${m.uri} SIP/2.0` : `SIP/2.0 ${m.status} ${m.reason}`;
  const lines = [start, ...m.headers.map((h) => `${h.name}: ${h.value}`), `Content-Length: ${Buffer.byteLength(m.body)}`];
  return `${lines.join('\r\n')}\r\n\r\n${m.body}`;
}

function startLine(m: SipMessage): string {
  return m.kind === 'request' ? m.method : `${m.status} ${header(m, 'CSeq')}`;
}

export const SDP = [
  'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'c=IN IP4 127.0.0.1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 9 0 8', 'a=rtpmap:9 G722/8000', 'a=sendrecv', '',
].join('\r\n');

/** Status line and header lines, nothing checked: for responses that echo a refused request's headers. */
function looseResponse(text: string): SipResponse {
  const [head, body = ''] = text.split('\r\n\r\n');
  const [start, ...lines] = head.split('\r\n');
  const m = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(start)!;
  const headers = lines.map((l) => ({ name: canonicalName(l.slice(0, l.indexOf(':')).trim()), value: l.slice(l.indexOf(':') + 1).trim() }));
  return { kind: 'response', status: Number(m[1]), reason: m[2], headers, body };
}
