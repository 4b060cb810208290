// Liveness and readiness. /readyz says *why* it is not ready, so an owner with "it didn't ring"
// can curl it and read "asterisk: connect ECONNREFUSED 127.0.0.1:8088".
import type { FastifyInstance } from 'fastify';
import { AsteriskUpstream } from '../upstreams/asterisk.ts';

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ ok: true }));
  app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
    const up = app.upstream instanceof AsteriskUpstream ? await app.upstream.probe() : app.upstream.readiness();
    const body = {
      ready: up.ready,
      upstream: app.upstream.kind,
      detail: up.detail,
      connections: app.relaySessions.size,
      visitorCalls: app.visitorCalls.total,
    };
    return reply.code(up.ready ? 200 : 503).send(body);
  });
}
