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

/** How long one probe's answer serves /readyz. */
const PROBE_REUSE_MS = 2000;

export class AsteriskUpstream implements Upstream {
  readonly kind = 'asterisk' as const;
  private readonly sockets = new Set<WebSocket>();
  /** Sockets the edge itself closed: their 'close' is no news about Asterisk. */
  private readonly closedByUs = new WeakSet<WebSocket>();
  /** The last probe, shared by every /readyz inside PROBE_REUSE_MS: one connection per interval, not per request. */
  private probed?: { at: number; result: Promise<Readiness> };

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
      throw err;
    }
    if (ws.protocol !== 'sip') {
      ws.close();
      this.sockets.delete(ws);
      throw new Error(`Asterisk did not accept subprotocol sip (got "${ws.protocol}")`);
    }
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
      this.opts.log.warn({ conn: client.connId, err: err.message }, 'asterisk websocket error');
    });
    ws.on('close', (code, reason) => {
      this.sockets.delete(ws);
      const why = `phone system closed the connection (${code}${reason.length ? ` ${reason}` : ''})`;
      // Asterisk stopped or crashed (no close frame: 1006): the next /readyz probes afresh.
      if (!this.closedByUs.delete(ws)) this.probed = undefined;
      channel.onClose({ code: WsClose.UpstreamFailed, reason: why });
    });
    return channel;
  }

  /**
   * Whether Asterisk takes a WebSocket now, and why not. Probes with one connection at most every
   * PROBE_REUSE_MS (anyone may ask /readyz, and Asterisk's sessionlimit is the owner's too); a
   * connection Asterisk dropped (it stopped or crashed) makes the next call probe again at once.
   */
  async readiness(): Promise<Readiness> {
    const now = Date.now();
    if (!this.probed || now - this.probed.at > PROBE_REUSE_MS) this.probed = { at: now, result: this.probe() };
    return this.probed.result;
  }

  private async probe(): Promise<Readiness> {
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
