// Builds the edge: decorations first (config, secrets, tokens, upstream, stores), then one plugin
// per capability. main.ts listens; tests call buildApp() and listen on port 0.
import Fastify, { type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import rateLimit from '@fastify/rate-limit';
import cookie from '@fastify/cookie';
import type { Config } from './config/schema.ts';
import { upstreamKind } from './config/load.ts';
import type { Secrets } from './config/secrets.ts';
import './fastify-types.ts';
import { TokenService } from './auth/tokens.ts';
import { AsteriskUpstream } from './upstreams/asterisk.ts';
import { EmbeddedRouter } from './upstreams/embedded/router.ts';
import type { Upstream } from './upstreams/types.ts';
import { Presence } from './owner/presence.ts';
import { OwnerSessions } from './owner/sessions.ts';
import { openDb } from './store/db.ts';
import { CallLog } from './calls/log.ts';
import { ConnectionCounter, VisitorCallCounter } from './limits/counters.ts';
import { VisitorDirectory } from './store/visitor-directory.ts';
import type { RelaySession } from './relay/session.ts';
import { WsClose } from './errors.ts';
import { errorHandler, rateLimitOptions } from './error-handler.ts';
import originPlugin from './routes/origin.ts';
import healthRoutes from './routes/health.ts';
import statusRoutes from './routes/status.ts';
import tokenRoutes from './routes/tokens.ts';
import ownerRoutes, { ownerAuth } from './routes/owner.ts';
import sipWebSocketRoute from './routes/sip-ws.ts';
import webRoutes from './routes/web.ts';
import ivrPlugin from './ivr/plugin.ts';
import { followIvr } from './ivr/side-channel.ts';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';

export interface BuildOptions {
  /** Extra plugins registered after the core (web pages, IVR), each with its options. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /** The Vite build to serve (default: <repo>/dist/web). */
  webRoot?: string;
  /** Replace pino's destination (tests collect logs to check no secret leaks). */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp(config: Config, secrets: Secrets, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
      // Tokens travel in the WebSocket URL's query: never write them to a log.
      serializers: {
        req: (req) => ({ method: req.method, url: String(req.url).replace(/token=[^&]+/, 'token=…'), ip: req.ip, origin: req.headers?.origin }),
      },
      redact: ['req.headers.cookie', 'req.headers.authorization'],
    },
    trustProxy: false,
    bodyLimit: 16 * 1024,
  });

  app.decorate('config', config);
  app.decorate('secrets', secrets);
  app.decorate('tokens', await TokenService.create({
    issuer: config.tokens.issuer,
    audience: config.tokens.audience,
    ttlSeconds: config.tokens.connectSeconds,
    privateJwk: secrets.signingKey.privateJwk,
    publicJwk: secrets.signingKey.publicJwk,
    kid: secrets.signingKey.kid,
  }));
  const presence = new Presence(config.dataDir);
  app.decorate('presence', presence);
  app.decorate('ownerSessions', new OwnerSessions(config.owner.sessionHours * 3600_000));
  const db = openDb(config.dataDir);
  app.decorate('db', db);
  // Added first so it runs last (onClose hooks run in reverse): every store sharing the
  // connection, the IVR's included, is done with it by then.
  app.addHook('onClose', async () => db.close());
  app.decorate('callLog', new CallLog(db));
  app.decorate('wsByIp', new ConnectionCounter());
  app.decorate('visitorCalls', new VisitorCallCounter());
  app.decorate('visitors', new VisitorDirectory());
  app.decorate('relaySessions', new Set<RelaySession>());
  app.decorate('upstream', makeUpstream(app, config, secrets));

  await app.register(cookie);
  await app.register(rateLimit, rateLimitOptions);
  app.setErrorHandler(errorHandler);

  await app.register(originPlugin);
  await app.register(ownerAuth);
  await app.register(websocket, {
    // Our own goodbye: 1001 with a reason (the plugin's default closes without a code), then
    // each session closes its upstream channel.
    preClose: async function closeSessions() {
      for (const s of app.relaySessions) s.close(WsClose.GoingAway, 'edge shutting down');
      // Give clients a moment to answer the close handshake, then cut whatever is left.
      const deadline = Date.now() + 2000;
      while (app.relaySessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const s of app.relaySessions) s.terminate();
    },
    options: {
      maxPayload: config.sip.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (protocols: Set<string>) => (protocols.has('sip') ? 'sip' : false),
    },
  });
  await app.register(healthRoutes);
  await app.register(statusRoutes);
  await app.register(tokenRoutes);
  await app.register(ownerRoutes);
  await app.register(sipWebSocketRoute);
  // After the owner routes: the IVR's owner-only routes use app.requireOwner.
  await app.register(ivrPlugin, { config, ariPassword: secrets.ariPassword });
  followIvr(app);
  await app.register(webRoutes, { root: opts.webRoot ?? join(PACKAGE_ROOT, 'dist/web') });
  for (const plugin of opts.plugins ?? []) await app.register(plugin);

  app.addHook('onClose', async () => {
    await app.upstream.close();
  });
  return app;
}

function makeUpstream(app: FastifyInstance, config: Config, secrets: Secrets): Upstream {
  if (upstreamKind(config) === 'asterisk') {
    return new AsteriskUpstream({
      url: config.upstream.asteriskWsUrl || 'ws://127.0.0.1:8088/ws',
      edgeSecret: secrets.edgeSecret,
      connectTimeoutMs: config.upstream.connectTimeoutMs,
      log: app.log.child({ upstream: 'asterisk' }),
    });
  }
  const ownerTargets = config.visitor.targets.filter((t) => t.kind === 'owner').map((t) => t.user);
  const log = app.log.child({ upstream: 'embedded' });
  return new EmbeddedRouter({
    domain: config.sip.domain,
    ownerExtension: config.owner.extension,
    ownerTargets,
    ringSeconds: config.owner.ringSeconds,
    isOwnerAvailable: () => app.presence.isAvailable(),
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m) },
  });
}
