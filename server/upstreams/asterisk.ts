// The production upstream: one WebSocket per client to Asterisk's SIP-over-WebSocket endpoint
// (RFC 7118, subprotocol "sip"). The edge adds the shared secret here and only here, so Asterisk
// can identify the visitor/owner endpoint by header (identify_by=header) and nobody else can.
import WebSocket from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import { WsClose } from '../errors.ts';
import type { ClientInfo, Readiness, Upstream, UpstreamChannel } from './types.ts';

export interface AsteriskUpstreamOptions {
  url: string;
  edgeSecret: string;
  connectTimeoutMs: number;
  log: FastifyBaseLogger;
}

export class AsteriskUpstream implements Upstream {
  readonly kind = 'asterisk' as const;
  private readonly sockets = new Set<WebSocket>();
  /** Sockets the edge itself closed: their 'close' is no news about Asterisk. */
  private readonly closedByUs = new WeakSet<WebSocket>();
  private lastError = '';
  private lastOkAt = 0;

  constructor(private readonly opts: AsteriskUpstreamOptions) {}

  async open(client: ClientInfo): Promise<UpstreamChannel> {
    const ws = new WebSocket(this.opts.url, 'sip', { handshakeTimeout: this.opts.connectTimeoutMs, perMessageDeflate: false });
    this.sockets.add(ws);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`Asterisk answered HTTP ${res.statusCode}`)));
      });
    } catch (err) {
      this.sockets.delete(ws);
      ws.terminate();
      this.lastError = (err as Error).message;
      throw err;
    }
    if (ws.protocol !== 'sip') {
      ws.close();
      this.sockets.delete(ws);
      throw new Error(`Asterisk did not accept subprotocol sip (got "${ws.protocol}")`);
    }
    this.lastOkAt = Date.now();
    this.lastError = '';
    const edgeHeader = `X-Homeline-Edge: ${client.role}-${this.opts.edgeSecret}`;
    const channel: UpstreamChannel = {
      send: (msg, text) => {
        if (ws.readyState !== WebSocket.OPEN) return;
        // Requests get the secret right after the start line; Content-Length stays true.
        ws.send(msg.kind === 'request' ? text.replace('\r\n', `\r\n${edgeHeader}\r\n`) : text);
      },
      onMessage: () => {},
      onClose: () => {},
      close: () => {
        this.closedByUs.add(ws);
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
      },
    };
    ws.on('message', (data, isBinary) => channel.onMessage(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString()));
    ws.on('error', (err) => {
      this.lastError = err.message;
      this.opts.log.warn({ conn: client.connId, err: err.message }, 'asterisk websocket error');
    });
    ws.on('close', (code, reason) => {
      this.sockets.delete(ws);
      const why = `phone system closed the connection (${code}${reason.length ? ` ${reason}` : ''})`;
      // Asterisk stopped or crashed (no close frame: 1006): not ready until a connection opens again.
      if (!this.closedByUs.delete(ws)) this.lastError = why;
      channel.onClose({ code: WsClose.UpstreamFailed, reason: why });
    });
    return channel;
  }

  /** Without a network round trip: what the last connection attempt or loss said. */
  readiness(): Readiness {
    if (this.lastError) return { ready: false, detail: `asterisk: ${this.lastError}` };
    return { ready: true, detail: this.lastOkAt ? 'asterisk websocket reachable' : 'asterisk not yet contacted' };
  }

  /** Probes the WebSocket endpoint once: used by /readyz so an owner sees "Asterisk is down". */
  async probe(): Promise<Readiness> {
    try {
      const ch = await this.open({ connId: 'probe', role: 'visitor', user: 'probe', ip: '127.0.0.1' });
      ch.onClose = () => {};
      ch.close();
      return { ready: true, detail: 'asterisk websocket reachable' };
    } catch (err) {
      return { ready: false, detail: `asterisk: ${(err as Error).message}` };
    }
  }

  ownerOnline(): boolean | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) {
      this.closedByUs.add(ws);
      ws.close(1001);
    }
    this.sockets.clear();
  }
}
