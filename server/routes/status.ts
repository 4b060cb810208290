// GET /api/status: what the call button asks before it offers "Call".
import type { FastifyInstance } from 'fastify';

export default async function statusRoutes(app: FastifyInstance) {
  app.get('/api/status', async (req, reply) => {
    app.checkOrigin(req);
    // Do-not-disturb, then opening hours, then whether a phone or tab is there to ring.
    const a = app.ownerAvailability();
    const online = app.upstream.ownerOnline();
    const reason = !a.available ? a.reason : online === false ? 'offline' : 'available';
    // Open visitor pages re-ask every few seconds while visible (web/button/status-poll.ts): the
    // browser may answer those from its cache for 5 s, so a change shows within one poll plus 5 s.
    // Decisions (the first draw, after a call, the menu's ring step) revalidate past it. Private:
    // the answer is per Origin (CORS), no shared cache keeps it.
    reply.header('cache-control', 'private, max-age=5');
    reply.header('vary', 'Origin');
    return {
      // opensAt (reason 'hours'): an ISO instant; the widget says it in the visitor's own zone.
      // name: only when configured (trimmed at load); the widget words an unnamed owner in the page's language.
      owner: { name: app.config.owner.name, reachable: reason === 'available', reason, ...(a.reason === 'hours' ? { opensAt: a.opensAt } : {}) },
      targets: app.config.visitor.targets.map((t) => ({ user: t.user, label: t.label, kind: t.kind })),
      upstream: app.upstream.kind,
      // The widget offers a voice message of at most this long when the owner is unreachable.
      voice: app.config.messages.voiceMaxSeconds ? { maxSeconds: app.config.messages.voiceMaxSeconds } : null,
    };
  });
}
