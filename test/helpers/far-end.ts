// A stand-in for the phone system's SIP-over-WebSocket endpoint that a test scripts frame by frame:
// a real WebSocket server on loopback, for the faults Kamailio cannot be made to show (refusing the
// subprotocol, an HTTP error at the upgrade, broken SIP), and for timing the edge's own upgrade.
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** `sip`: accept; else refuse the upgrade as named. */
export type FarEndMode = 'sip' | 'no-subprotocol' | { httpStatus: number };

export interface FarEndOptions {
  /** Answer no upgrade until the test calls `release()` on it (see `FarEnd.held`). */
  hold?: boolean;
}

/** An upgrade request the far end has received and not answered yet (`hold: true`). */
export interface HeldUpgrade {
  /** Answer it now, as the mode says (a socket already gone is just dropped). */
  release(): void;
  /** Resolves when its TCP socket closes, whichever side closed it, before or after the release. */
  closed: Promise<void>;
}

export interface FarEnd {
  url: string;
  /** Resolves with the next socket the edge opens. */
  nextSocket(): Promise<WebSocket>;
  /** Resolves with the next upgrade request held (only with `hold: true`). */
  held(): Promise<HeldUpgrade>;
  /** How many upgrade requests the edge has made so far. */
  upgrades(): number;
  close(): Promise<void>;
}

export async function startFarEnd(mode: FarEndMode, opts: FarEndOptions = {}): Promise<FarEnd> {
  const server = createServer();
  const waiting: Array<(ws: WebSocket) => void> = [];
  const heldWaiting: Array<(h: HeldUpgrade) => void> = [];
  const heldQueue: HeldUpgrade[] = [];
  const heldSockets = new Set<Duplex>();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (mode !== 'no-subprotocol' && protocols.has('sip') ? 'sip' : false) });
  const answer = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (typeof mode === 'object') {
      socket.end(`HTTP/1.1 ${mode.httpStatus} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => waiting.shift()?.(ws));
  };
  let upgrades = 0;
  server.on('upgrade', (req, socket, head) => {
    upgrades++;
    if (!opts.hold) return answer(req, socket, head);
    heldSockets.add(socket);
    const closed = new Promise<void>((r) => socket.once('close', () => { heldSockets.delete(socket); r(); }));
    let released = false;
    const h: HeldUpgrade = {
      release: () => {
        if (released) return;
        released = true;
        answer(req, socket, head);
      },
      closed,
    };
    const w = heldWaiting.shift();
    if (w) w(h);
    else heldQueue.push(h);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    nextSocket: () => new Promise((r) => waiting.push(r)),
    upgrades: () => upgrades,
    held: () => {
      const h = heldQueue.shift();
      return h ? Promise.resolve(h) : new Promise((r) => heldWaiting.push(r));
    },
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      for (const s of heldSockets) s.destroy();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
