// The edge's own side-channel MESSAGEs for a browser test on the embedded edge, which has no voice
// menu to send them: a real RelaySession on a real loopback WebSocket makes each frame with its
// notify() (the code that speaks to visitors on an Asterisk edge), and the test hands the frame
// to the visitor's socket. Nothing about the frame is written here.
import { once } from 'node:events';
import { WebSocketServer, WebSocket } from 'ws';
import pino from 'pino';
import { RelaySession } from '../../../server/relay/session.ts';
import { EmbeddedRouter } from '../../../server/upstreams/embedded/router.ts';
import { VisitorCallCounter } from '../../../server/limits/counters.ts';

export interface SideChannel {
  /** The exact text the edge sends the visitor for this notification. */
  frame(contentType: string, body: string): Promise<string>;
  close(): Promise<void>;
}

export async function edgeSideChannel(visitorUri: string): Promise<SideChannel> {
  const m = /^sip:([^@]+)@(.+)$/.exec(visitorUri);
  if (!m) throw new Error(`not a visitor SIP URI: ${visitorUri}`);
  const [, user, domain] = m;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  await once(client, 'open');
  const [socket] = await accepted;
  const router = new EmbeddedRouter({ domain, ownerExtension: '6000', ownerTargets: ['owner'], ringSeconds: 45, isOwnerAvailable: () => true });
  const channel = await router.open({ connId: 'side-channel', role: 'visitor', user, ip: '127.0.0.1' });
  const session = new RelaySession({
    connId: 'side-channel', socket, channel,
    who: { role: 'visitor', user, targets: ['owner'], domain },
    limits: { messagesPerSecond: 10, messageBurst: 10, sessionSeconds: 600, callSeconds: 600, visitorCallsCap: 10, busyRetryAfterSeconds: 60 },
    visitorCalls: new VisitorCallCounter(),
    pausedTargets: () => new Set(),
    log: pino({ enabled: false }),
  });
  return {
    async frame(contentType, body) {
      const next = once(client, 'message') as Promise<[Buffer]>;
      session.notify(contentType, body);
      return String((await next)[0]);
    },
    async close() {
      client.close();
      await once(client, 'close');
      await new Promise<void>((r) => wss.close(() => r()));
      await router.close();
    },
  };
}
