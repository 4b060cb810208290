// A stand-in for the phone system's SIP-over-WebSocket endpoint that a test scripts frame by frame:
// a real WebSocket server on loopback, for the faults Kamailio cannot be made to show (refusing the
// subprotocol, an HTTP error at the upgrade, broken SIP).
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

/** `sip`: accept; else refuse the upgrade as named. */
export type FarEndMode = 'sip' | 'no-subprotocol' | { httpStatus: number };

export interface FarEnd {
  url: string;
  /** Resolves with the next socket the edge opens. */
  nextSocket(): Promise<WebSocket>;
  close(): Promise<void>;
}

export async function startFarEnd(mode: FarEndMode): Promise<FarEnd> {
  const server = createServer();
  const waiting: Array<(ws: WebSocket) => void> = [];
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (mode !== 'no-subprotocol' && protocols.has('sip') ? 'sip' : false) });
  server.on('upgrade', (req, socket, head) => {
    if (typeof mode === 'object') {
      socket.end(`HTTP/1.1 ${mode.httpStatus} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => waiting.shift()?.(ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    nextSocket: () => new Promise((r) => waiting.push(r)),
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
