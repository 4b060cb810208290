// POST /api/visitor/token and /api/owner/token: short-lived, single-use connect tokens.
import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HttpErrors } from '../errors.ts';
import { connectInfo, visitorTargets } from './connect-info.ts';

const VisitorTokenBody = Type.Object(
  {
    target: Type.Optional(Type.String({ maxLength: 32 })),
    name: Type.Optional(Type.String({ maxLength: 60 })),
    message: Type.Optional(Type.String({ maxLength: 280 })),
  },
  { additionalProperties: false },
);

/** A fixed one-minute window over all callers: the edge's own budget, beside the per-IP one. */
class GlobalWindow {
  private windowStart = 0;
  private count = 0;
  constructor(private readonly perMinute: number) {}
  take(now = Date.now()): number {
    if (now - this.windowStart >= 60_000) { this.windowStart = now; this.count = 0; }
    if (this.count >= this.perMinute) return Math.ceil((this.windowStart + 60_000 - now) / 1000);
    this.count++;
    return 0;
  }
}

export default async function tokenRoutes(app: FastifyInstance) {
  const { limits, visitor, owner } = app.config;
  const global = new GlobalWindow(limits.tokenGlobalPerMinute);

  const originCheck = async (req: { headers: Record<string, unknown> }) => {
    const origin = req.headers.origin as string | undefined;
    if (!app.isAllowedOrigin(origin)) throw new HttpErrors.OriginForbidden(origin);
  };

  app.post<{ Body: Static<typeof VisitorTokenBody> }>('/api/visitor/token', {
    schema: { body: VisitorTokenBody },
    config: { rateLimit: { max: limits.tokenPerIpPerMinute, timeWindow: 60_000 } },
    preHandler: [originCheck, async (_req, reply) => {
      const wait = global.take();
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        const err = new HttpErrors.RateLimited(wait) as Error & { retryAfterSeconds?: number };
        err.retryAfterSeconds = wait;
        throw err;
      }
    }],
  }, async (req) => {
    const all = visitorTargets(app);
    const body = req.body ?? {};
    if (body.target !== undefined && !all.some((t) => t.user === body.target)) throw new HttpErrors.UnknownTarget(body.target);
    const user = `v-${randomBytes(9).toString('base64url')}`;
    app.visitors.set(user, { name: body.name?.trim() || undefined, message: body.message?.trim() || undefined });
    req.log.info({ visitor: user, target: body.target }, 'visitor token issued');
    return connectInfo(app, req, 'visitor', user, all, Math.round(visitor.sessionMinutes * 60));
  });

  app.post('/api/owner/token', {
    preHandler: [originCheck, app.requireOwner],
    config: { rateLimit: { max: 30, timeWindow: 60_000 } },
  }, async (req) => {
    return connectInfo(app, req, 'owner', owner.extension, [], Math.round(owner.connectionHours * 3600));
  });
}
