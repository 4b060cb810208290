// Which browser pages may use this edge: its own origin plus config.allowedOrigins. CORS answers
// are generated from the same list, so a site on the list can fetch tokens and one off it cannot.
// Every route that checks the Origin calls app.checkOrigin: tokens, status and /sip accept any
// listed site; the owner's routes only the edge's own pages.
import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpErrors } from '../errors.ts';

export default fp(async function originPlugin(app: FastifyInstance) {
  const { host, port, publicUrl, allowedOrigins, tls } = app.config;
  const scheme = tls.certFile ? 'https' : 'http';
  const selfOrigins = (): string[] => {
    const actualPort = (app.server.address() as { port?: number } | null)?.port ?? port;
    const list = new Set<string>();
    if (publicUrl) list.add(new URL(publicUrl).origin);
    list.add(`${scheme}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`);
    if (host === '127.0.0.1' || host === 'localhost' || host === '0.0.0.0' || host === '::') {
      list.add(`${scheme}://localhost:${actualPort}`);
      list.add(`${scheme}://127.0.0.1:${actualPort}`);
    }
    return [...list];
  };
  const allowed = new Set(allowedOrigins.map((o) => o.replace(/\/$/, '')));
  app.decorate('selfOrigins', selfOrigins);
  // No Origin header means no browser (curl, a SIP test client): nothing for CORS to protect;
  // tokens, rate limits and the policy still apply to them.
  app.decorate('isAllowedOrigin', (origin: string | undefined) =>
    origin === undefined || allowed.has(origin) || selfOrigins().includes(origin));
  app.decorate('checkOrigin', (req: FastifyRequest, scope: 'allowed' | 'own' = 'allowed') => {
    const origin = req.headers.origin;
    const ok = scope === 'own' ? origin === undefined || selfOrigins().includes(origin) : app.isAllowedOrigin(origin);
    if (!ok) throw new HttpErrors.OriginForbidden(origin);
  });

  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && app.isAllowedOrigin(origin) ? origin : false),
    credentials: false,
    methods: ['GET', 'POST'],
    maxAge: 600,
  });
}, { name: 'homeline-origin' });
