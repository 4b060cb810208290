// POST /api/visitor/token and /api/owner/token: short-lived, single-use connect tokens.
import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpErrors } from '../errors.ts';
import { connectInfo, visitorTargets } from './connect-info.ts';
import { pagePath } from '../calls/page.ts';

const VisitorTokenBody = Type.Object(
  {
    target: Type.Optional(Type.String({ maxLength: 32 })),
    name: Type.Optional(Type.String({ maxLength: 60 })),
    message: Type.Optional(Type.String({ maxLength: 280 })),
    /** The page the button is on (location.href); only its path is kept, for the call log. */
    page: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: false },
);

export default async function tokenRoutes(app: FastifyInstance) {
  const { limits, visitor, owner } = app.config;
  // The edge's own budget over every caller, beside the per-address limit in the route config.
  // createRateLimit is the plugin's checker without its once-per-request guard, so both apply.
  const edgeWide = app.createRateLimit({ max: limits.tokenGlobalPerMinute, timeWindow: 60_000, keyGenerator: () => 'visitor-tokens' });

  // onRequest: a page off the list gets 403 before its body is parsed or validated, so a
  // stranger learns nothing of the route's schema from a 400.
  const originCheck = async (req: FastifyRequest) => app.checkOrigin(req);

  app.post<{ Body: Static<typeof VisitorTokenBody> }>('/api/visitor/token', {
    schema: { body: VisitorTokenBody },
    config: { rateLimit: { max: limits.tokenPerIpPerMinute, timeWindow: 60_000 } },
    onRequest: originCheck,
    preHandler: async (req, reply) => {
      const verdict = await edgeWide(req);
      if (!verdict.isAllowed && verdict.isExceeded) {
        const wait = Math.max(1, verdict.ttlInSeconds);
        reply.header('retry-after', String(wait));
        const err = new HttpErrors.RateLimited(wait) as Error & { retryAfterSeconds?: number };
        err.retryAfterSeconds = wait;
        throw err;
      }
    },
  }, async (req) => {
    // req.ip: the client's address as the trusted proxies report it (trustProxy), never a header.
    if (app.blocks.isBlocked(req.ip, Date.now())) {
      req.log.info('visitor token refused: the caller is blocked');
      throw new HttpErrors.Blocked();
    }
    const all = visitorTargets(app);
    const body = req.body ?? {};
    // One target per token: the connection may INVITE only what was asked for (the policy
    // refuses any other target with HL_TARGET_FORBIDDEN). No target asked: the first one.
    const target = body.target === undefined ? all[0] : all.find((t) => t.user === body.target);
    if (!target) throw new HttpErrors.UnknownTarget(body.target);
    const page = pagePath(body.page, req.headers.referer, (o) => app.isAllowedOrigin(o));
    if (page && 'bad' in page) throw new HttpErrors.BadPage(page.bad);
    const user = `v-${randomBytes(9).toString('base64url')}`;
    app.visitors.set(user, { name: body.name?.trim() || undefined, message: body.message?.trim() || undefined, page: page?.path });
    req.log.info({ visitor: user, target: target.user }, 'visitor token issued');
    return connectInfo(app, req, 'visitor', user, [target], Math.round(visitor.sessionMinutes * 60));
  });

  app.post('/api/owner/token', {
    onRequest: [originCheck, app.requireOwner],
    config: { rateLimit: { max: 30, timeWindow: 60_000 } },
  }, async (req) => {
    return connectInfo(app, req, 'owner', owner.extension, [], Math.round(owner.connectionHours * 3600));
  });
}
