// Which browser pages may use this edge: its own origin plus config.allowedOrigins. CORS answers
// are generated from the same list, so a site on the list can fetch tokens and one off it cannot.
// Every route that checks the Origin calls app.checkOrigin (a route with a body in its onRequest
// hook, before the body is read): tokens, messages, status and /sip accept any listed site; the
// owner's routes only the edge's own pages.
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
  const refuse = (req: FastifyRequest, origin: string | undefined): never => {
    // A site owner who pasted the snippet but forgot allowedOrigins finds the origin here.
    req.log.warn({ origin, url: req.url.replace(/token=[^&]+/, 'token=…') }, 'origin refused: not in allowedOrigins (HOMELINE_ALLOWED_ORIGINS)');
    throw new HttpErrors.OriginForbidden(origin);
  };
  app.decorate('checkOrigin', (req: FastifyRequest, scope: 'allowed' | 'own' = 'allowed') => {
    const origin = req.headers.origin;
    const ok = scope === 'own' ? origin === undefined || selfOrigins().includes(origin) : app.isAllowedOrigin(origin);
    if (!ok) refuse(req, origin);
  });

  // A CORS preflight from a site off the list is refused with the code (the plugin would leave it
  // to the router's 404), before the CORS plugin's own hook sees it.
  app.addHook('onRequest', async (req) => {
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] && !app.isAllowedOrigin(origin)) refuse(req, origin);
  });
  // The refusal itself is readable by the refused page (and only the refusal: no other answer to
  // that origin carries CORS headers), so the call button can tell the site owner what to fix
  // instead of failing like a network error.
  app.addHook('onSend', async (req, reply) => {
    const origin = req.headers.origin;
    if (reply.statusCode === 403 && req.method !== 'OPTIONS' && origin !== undefined && !app.isAllowedOrigin(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
    }
  });

  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && app.isAllowedOrigin(origin) ? origin : false),
    credentials: false,
    methods: ['GET', 'POST'],
    maxAge: 600,
  });
}, { name: 'homeline-origin' });
