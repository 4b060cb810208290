// Which browser pages may use this edge: its own origin plus config.allowedOrigins. CORS answers
// are generated from the same list, so a site on the list can fetch tokens and one off it cannot.
import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export default fp(async function originPlugin(app: FastifyInstance) {
  const { host, port, publicUrl, allowedOrigins } = app.config;
  const selfOrigins = (): string[] => {
    const actualPort = (app.server.address() as { port?: number } | null)?.port ?? port;
    const list = new Set<string>();
    if (publicUrl) list.add(new URL(publicUrl).origin);
    list.add(`http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`);
    if (host === '127.0.0.1' || host === 'localhost' || host === '0.0.0.0' || host === '::') {
      list.add(`http://localhost:${actualPort}`);
      list.add(`http://127.0.0.1:${actualPort}`);
    }
    return [...list];
  };
  const allowed = new Set(allowedOrigins.map((o) => o.replace(/\/$/, '')));
  app.decorate('selfOrigins', selfOrigins);
  // No Origin header means no browser (curl, a SIP test client): nothing for CORS to protect;
  // tokens, rate limits and the policy still apply to them.
  app.decorate('isAllowedOrigin', (origin: string | undefined) =>
    origin === undefined || allowed.has(origin) || selfOrigins().includes(origin));

  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && app.isAllowedOrigin(origin) ? origin : false),
    credentials: false,
    methods: ['GET', 'POST'],
    maxAge: 600,
  });
}, { name: 'homeline-origin' });
