// GET /api/status: what the call button asks before it offers "Call".
import type { FastifyInstance } from 'fastify';

export default async function statusRoutes(app: FastifyInstance) {
  app.get('/api/status', async (req, reply) => {
    app.checkOrigin(req);
    const available = app.presence.isAvailable();
    const online = app.upstream.ownerOnline();
    const reason = !available ? 'dnd' : online === false ? 'offline' : 'available';
    reply.header('cache-control', 'no-store');
    return {
      owner: { name: app.config.owner.name, reachable: reason === 'available', reason },
      targets: app.config.visitor.targets.map((t) => ({ user: t.user, label: t.label, kind: t.kind })),
      upstream: app.upstream.kind,
      // The widget offers a voice message of at most this long when the owner is unreachable.
      voice: app.config.messages.voiceMaxSeconds ? { maxSeconds: app.config.messages.voiceMaxSeconds } : null,
    };
  });
}
