// Liveness and readiness. /readyz says *why* it is not ready, so an owner with "it didn't ring"
// can curl it and read "asterisk: connect ECONNREFUSED 127.0.0.1:8088" or "res_http_media_cache
// not loaded". Each entry of `checks` is one thing that must hold; the Asterisk self-check's
// verdict is the one it cached at the last ARI connect, never re-run per request.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLoopback } from '../asterisk/plan.ts';
import { OWNER_COOKIE } from './owner.ts';

export interface ReadinessCheck {
  ok: boolean;
  detail: string;
  /** What to look at when it fails. */
  hint?: string;
  /** When the verdict was reached (checks that are not re-run per request). */
  at?: string;
}

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ ok: true }));
  // Anyone may ask whether the edge is ready; only the owner (signed in, or on the machine itself)
  // is told why: the upstream's error text and the live counters are not a stranger's business.
  const mayReadDetails = (req: FastifyRequest) =>
    isLoopback(req.ip.replace(/^::ffff:/, '')) || (app.hasDecorator('ownerSessions') && app.ownerSessions.valid(req.cookies?.[OWNER_COOKIE]));
  app.get('/readyz', { logLevel: 'warn' }, async (req, reply) => {
    const up = await app.upstream.readiness();
    const checks: Record<string, ReadinessCheck> = { upstream: { ok: up.ready, detail: up.detail } };
    const selfCheck = app.hasDecorator('ivr') ? app.ivr.selfCheck?.result : undefined;
    if (selfCheck) {
      checks.asteriskPrompts = { ok: selfCheck.status === 'ok', detail: selfCheck.reason, ...(selfCheck.hint ? { hint: selfCheck.hint } : {}), ...(selfCheck.at ? { at: selfCheck.at } : {}) };
    }
    const failing = Object.values(checks).filter((c) => !c.ok);
    const body = {
      ready: failing.length === 0,
      upstream: app.upstream.kind,
      detail: up.detail,
      ...(failing.length ? { reason: failing.map((c) => c.detail).join('; ') } : {}),
      checks,
      connections: app.relaySessions.size,
      visitorCalls: app.visitorCalls.total,
    };
    const code = failing.length ? 503 : 200;
    return reply.code(code).send(mayReadDetails(req) ? body : { ready: body.ready });
  });
}
