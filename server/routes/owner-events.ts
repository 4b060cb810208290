// GET /api/owner/events: the owner console's live channel (Server-Sent Events). It forwards what
// producers publish on app.ownerEvents (a call row changed, a message arrived, the status moved)
// as `data: {"type":"call","id":"c-…"}` lines; the console fetches what changed, once per burst.
// Events carry ids, never content: the lists stay behind their own owner-only routes.
//
// Owner-only (cookie + own Origin, like every owner route). A comment line every heartbeatMs keeps
// proxies and NAT from timing the idle stream out, and is when a revoked or expired session's
// stream ends. At most maxStreams at once (an owner has a few tabs and a phone, not hundreds).
// An open stream never holds up app.close(): each is ended in preClose (with `Connection: close`,
// so its socket goes too), and the console reconnects on its own with backoff.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { HttpErrors } from '../errors.ts';
import { HSTS } from '../tls.ts';
import { OWNER_COOKIE } from './owner.ts';
import type { OwnerEvent } from '../owner/events.ts';

export interface OwnerEventsOptions {
  heartbeatMs?: number;
  maxStreams?: number;
}

export const HEARTBEAT_MS = 25_000;
export const MAX_STREAMS = 8;

/** One event as an SSE frame; JSON has no raw newlines, so one `data:` line always suffices. */
export const sseFrame = (e: OwnerEvent): string => `data: ${JSON.stringify(e)}\n\n`;

export default async function ownerEventsRoute(app: FastifyInstance, opts: OwnerEventsOptions = {}) {
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
  const maxStreams = opts.maxStreams ?? MAX_STREAMS;
  const streams = new Set<ServerResponse>();

  app.get('/api/owner/events', { onRequest: app.requireOwner }, async (req, reply) => {
    if (streams.size >= maxStreams) {
      req.log.warn({ open: streams.size }, 'owner live channel refused: too many open');
      throw new HttpErrors.TooManyStreams(maxStreams);
    }
    const cookie = req.cookies[OWNER_COOKIE];
    const res = reply.raw;
    reply.hijack();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'close',
      // nginx would otherwise buffer the stream (docs/deploy.md proxies /api/ as-is).
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...(req.protocol === 'https' ? { 'strict-transport-security': HSTS } : {}),
    });
    // The socket's idle timeout (connectionTimeout) would cut a quiet stream between heartbeats.
    req.raw.socket.setTimeout(0);
    req.raw.socket.setNoDelay(true);
    res.write(': live\n\n');
    streams.add(res);
    const unsubscribe = app.ownerEvents.subscribe((e) => { res.write(sseFrame(e)); });
    const beat = setInterval(() => {
      if (!app.ownerSessions.valid(cookie)) {
        req.log.info('owner live channel ended: session over');
        res.end();
        return;
      }
      res.write(': beat\n\n');
    }, heartbeatMs);
    beat.unref();
    res.once('close', () => {
      clearInterval(beat);
      unsubscribe();
      streams.delete(res);
      req.log.info({ open: streams.size }, 'owner live channel closed');
    });
    req.log.info({ open: streams.size }, 'owner live channel opened');
  });

  app.addHook('preClose', async () => {
    for (const res of streams) res.end(': edge shutting down\n\n');
  });
}
