// GET /api/status: what the call button asks before it offers "Call".
import type { FastifyInstance } from 'fastify';

export default async function statusRoutes(app: FastifyInstance) {
  app.get('/api/status', async (req, reply) => {
    app.checkOrigin(req);
    // Do-not-disturb, then opening hours, then whether a phone or tab is there to ring.
    const a = app.ownerAvailability();
    const online = app.upstream.ownerOnline();
    const reason = !a.available ? a.reason : online === false ? 'offline' : 'available';
    reply.header('cache-control', 'no-store');
    return {
      // opensAt (reason 'hours'): an ISO instant; the widget says it in the visitor's own zone.
      owner: { name: app.config.owner.name, reachable: reason === 'available', reason, ...(a.reason === 'hours' ? { opensAt: a.opensAt } : {}) },
      targets: app.config.visitor.targets.map((t) => ({ user: t.user, label: t.label, kind: t.kind })),
      upstream: app.upstream.kind,
      // The widget offers a voice message of at most this long when the owner is unreachable.
      voice: app.config.messages.voiceMaxSeconds ? { maxSeconds: app.config.messages.voiceMaxSeconds } : null,
    };
  });
}
