// The owner's side of the HTTP API: login with the password, the do-not-disturb switch, recent
// calls. Owner routes answer only the edge's own origin: the console is served from here.
import fp from 'fastify-plugin';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpErrors } from '../errors.ts';
import { verifyPassword } from '../auth/password.ts';
import { LoginGuard, LoginBusy } from '../owner/login-guard.ts';

export const OWNER_COOKIE = 'hl_owner';
const COOKIE = OWNER_COOKIE;
const LoginBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
const AvailabilityBody = Type.Object({ available: Type.Boolean() }, { additionalProperties: false });

/**
 * The switch, and why visitors cannot reach the owner right now (null: they can). The console's
 * status line words the reason (web/owner/status-line.ts), so a new one (owner hours: 'hours'
 * with `until`, the next opening) needs no change there beyond its words.
 */
export interface AvailabilityView {
  available: boolean;
  reason: string | null;
  /** When the reason ends, if known (ms since the epoch). */
  until?: number;
}

export function availabilityView(app: FastifyInstance): AvailabilityView {
  // The switch, and the one combined answer (do-not-disturb, then hours: server/owner/availability.ts).
  const a = app.ownerAvailability();
  const view = { available: app.presence.isAvailable(), reason: a.available ? null : a.reason };
  return a.opensAt ? { ...view, until: Date.parse(a.opensAt) } : view;
}

// Used as the route's onRequest hook: who is asking is settled before the body is parsed or
// validated, so a stranger or another site's page gets 401/403, never a 400 describing the API.
export const ownerAuth = fp(async function ownerAuth(app: FastifyInstance) {
  app.decorate('requireOwner', async (req: FastifyRequest, _reply: FastifyReply) => {
    app.checkOrigin(req, 'own');
    if (!app.ownerSessions.valid(req.cookies[COOKIE])) throw new HttpErrors.NotOwner();
  });
}, { name: 'homeline-owner-auth', dependencies: ['homeline-origin'] });

export default async function ownerRoutes(app: FastifyInstance) {
  const secure = app.config.publicUrl.startsWith('https:') || app.config.tls.certFile !== '';
  const { limits } = app.config;
  const guard = new LoginGuard({ perMinute: limits.loginGlobalPerMinute, concurrent: limits.loginConcurrentHashes, queue: 4 });

  app.post<{ Body: Static<typeof LoginBody> }>('/api/owner/login', {
    schema: { body: LoginBody },
    config: { rateLimit: { max: app.config.limits.loginPerIpPerMinute, timeWindow: 60_000 } },
    onRequest: async (req) => app.checkOrigin(req, 'own'),
  }, async (req, reply) => {
    const wait = guard.admit();
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      req.log.warn({ retryAfterSeconds: seconds }, 'owner login refused: edge-wide login budget or back-off');
      throw Object.assign(new HttpErrors.RateLimited(seconds), { retryAfterSeconds: seconds });
    }
    let ok: boolean;
    try {
      ok = await guard.hashing(() => verifyPassword(req.body.password, app.secrets.ownerPasswordHash));
    } catch (err) {
      if (!(err instanceof LoginBusy)) throw err;
      req.log.warn('owner login refused: too many password checks at once');
      throw Object.assign(new HttpErrors.LoginBusy(1), { retryAfterSeconds: 1 });
    }
    if (!ok) {
      guard.failed();
      req.log.warn('owner login failed: wrong password');
      throw new HttpErrors.BadPassword();
    }
    guard.succeeded();
    const s = app.ownerSessions.create();
    reply.setCookie(COOKIE, s.id, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: new Date(s.expiresAt) });
    req.log.info('owner logged in');
    return reply.code(204).send();
  });

  app.post('/api/owner/logout', async (req, reply) => {
    // A foreign page must not be able to log the owner out (or probe the route) either.
    app.checkOrigin(req, 'own');
    app.ownerSessions.revoke(req.cookies[COOKIE]);
    reply.clearCookie(COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  // The console's first question, answered 200 either way: a signed-out visit to the console is
  // not an error, and a 401 here would be logged in the browser's console on every first load.
  app.get('/api/owner/session', async (req, reply) => {
    app.checkOrigin(req, 'own');
    reply.header('cache-control', 'no-store');
    if (!app.ownerSessions.valid(req.cookies[COOKIE])) return { owner: false };
    return { owner: true, name: app.config.owner.name, extension: app.config.owner.extension };
  });

  app.get('/api/owner/availability', { onRequest: app.requireOwner }, async () => availabilityView(app));

  app.put<{ Body: Static<typeof AvailabilityBody> }>('/api/owner/availability', {
    schema: { body: AvailabilityBody },
    onRequest: app.requireOwner,
  }, async (req) => {
    app.presence.set(req.body.available);
    req.log.info({ available: req.body.available }, req.body.available ? 'owner is available' : 'owner set do-not-disturb');
    app.ownerEvents.publish({ type: 'status' });
    return availabilityView(app);
  });

  app.get('/api/owner/calls', { onRequest: app.requireOwner }, async () => ({ calls: app.callLog.list(100) }));
}
