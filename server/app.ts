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
import { turnSecret } from './turn/credentials.ts';
import { AsteriskUpstream } from './upstreams/asterisk.ts';
import { EmbeddedRouter } from './upstreams/embedded/router.ts';
import type { Upstream } from './upstreams/types.ts';
import { Presence } from './owner/presence.ts';
import { OwnerSessions } from './owner/sessions.ts';
import { OwnerEvents } from './owner/events.ts';
import { HoursStore } from './owner/hours-store.ts';
import { availabilityFrom, pauseCode } from './owner/availability.ts';
import { Blocks } from './owner/blocks.ts';
import { openDb } from './store/db.ts';
import { CallLog } from './calls/log.ts';
import { ConnectionCounter, VisitorCallCounter } from './limits/counters.ts';
import { ChannelBudget } from './limits/channel-budget.ts';
import { CallAttemptBudget } from './limits/call-attempts.ts';
import { VisitorDirectory } from './store/visitor-directory.ts';
import type { RelaySession } from './relay/session.ts';
import { HttpErrors, WsClose } from './errors.ts';
import { errorHandler, rateLimitOptions } from './error-handler.ts';
import originPlugin from './routes/origin.ts';
import healthRoutes from './routes/health.ts';
import statusRoutes from './routes/status.ts';
import tokenRoutes from './routes/tokens.ts';
import ownerRoutes, { ownerAuth } from './routes/owner.ts';
import ownerEventsRoute, { type OwnerEventsOptions } from './routes/owner-events.ts';
import sipWebSocketRoute from './routes/sip-ws.ts';
import hoursRoutes from './routes/hours.ts';
import blockRoutes from './routes/blocks.ts';
import webRoutes from './routes/web.ts';
import securityHeaders from './routes/security-headers.ts';
import ivrPlugin from './ivr/plugin.ts';
import phonesPlugin from './routes/phones.ts';
import { followIvr } from './ivr/side-channel.ts';
import messagesPlugin from './messages/plugin.ts';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';
import { HSTS, readTlsFiles } from './tls.ts';
import type { Server as SecureServer } from 'node:https';

export interface BuildOptions {
  /** Extra plugins registered after the core (web pages, IVR), each with its options. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /** The Vite build to serve (default: <repo>/dist/web). */
  webRoot?: string;
  /** Replace pino's destination (tests collect logs to check no secret leaks). */
  logStream?: NodeJS.WritableStream;
  /** The owner's live channel: heartbeat and stream cap (tests shorten them). */
  ownerEvents?: OwnerEventsOptions;
}

export async function buildApp(config: Config, secrets: Secrets, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const tlsFiles = config.tls.certFile ? readTlsFiles(config.tls) : undefined;
  // A client that sends its headers (or a WebSocket upgrade) slowly, or never finishes them, is
  // cut off: Node checks headersTimeout every connectionsCheckingInterval; requestTimeout bounds
  // a whole request (bodies are at most 16 KiB); connectionTimeout an idle socket (ws turns it
  // off on the sockets it upgrades).
  const serverTimeouts = {
    headersTimeout: config.limits.headersTimeoutMs,
    requestTimeout: Math.max(30_000, config.limits.headersTimeoutMs),
    connectionsCheckingInterval: Math.min(1000, config.limits.headersTimeoutMs),
  };
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
    // Only the listed proxies may say who the client is (X-Forwarded-For); never `true`, which
    // would let any client pick the address every per-address limit keys on.
    trustProxy: config.trustProxy.length ? config.trustProxy : false,
    bodyLimit: 16 * 1024,
    // The same timeouts for the edge's own TLS server (https.createServer takes http's options).
    ...(tlsFiles ? { https: { ...tlsFiles, ...serverTimeouts } } : { http: serverTimeouts }),
    requestTimeout: serverTimeouts.requestTimeout,
    connectionTimeout: Math.max(60_000, config.limits.headersTimeoutMs),
  }) as unknown as FastifyInstance;

  if (tlsFiles) {
    // SIGHUP (main.ts) re-reads the files; open connections keep the context they began with.
    app.decorate('reloadTls', () => {
      try {
        (app.server as unknown as SecureServer).setSecureContext(readTlsFiles(config.tls));
        app.log.info('TLS certificate reloaded');
        return true;
      } catch (err) {
        app.log.error({ err: (err as Error).message }, 'TLS certificate not reloaded; the previous one stays in use');
        return false;
      }
    });
  } else {
    app.decorate('reloadTls', () => false);
  }
  app.addHook('onSend', async (req, reply) => {
    if (req.protocol === 'https') reply.header('strict-transport-security', HSTS);
  });

  app.decorate('config', config);
  app.decorate('secrets', secrets);
  // A missing or short turn.secretFile stops start-up, not the first visitor's token request.
  if (config.turn.urls.length > 0) turnSecret(config, secrets);
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
  // Persisted in the data dir, so the owner's tab survives an edge restart (server/owner/sessions.ts).
  const ownerSessions = new OwnerSessions(config.owner.sessionHours * 3600_000, {
    file: join(config.dataDir, 'owner-sessions.json'),
    passwordHash: secrets.ownerPasswordHash,
  });
  app.decorate('ownerSessions', ownerSessions);
  const ownerEvents = new OwnerEvents();
  app.decorate('ownerEvents', ownerEvents);
  if (ownerSessions.restored) app.log.info({ sessions: ownerSessions.restored }, 'owner sessions restored');
  const db = openDb(config.dataDir);
  app.decorate('db', db);
  // Added first so it runs last (onClose hooks run in reverse): every store sharing the
  // connection, the IVR's included, is done with it by then.
  app.addHook('onClose', async () => db.close());
  app.decorate('callLog', new CallLog(db, ownerEvents));
  // After the call log: the blocks list names the call each block came from.
  app.decorate('blocks', new Blocks(db, secrets.edgeSecret));
  const hours = new HoursStore({
    dataDir: config.dataDir,
    configHours: config.hours,
    log: app.log.child({ component: 'hours' }),
    changed: () => app.ownerEvents.publish({ type: 'status' }),
  });
  app.decorate('hours', hours);
  app.addHook('onClose', async () => hours.close());
  app.decorate('ownerAvailability', (at: number = Date.now()) => availabilityFrom(presence.isAvailable(), hours.isOpen(at), () => hours.nextOpening(at)));
  app.decorate('ownerPause', () => pauseCode(presence.isAvailable(), () => hours.isOpen()));
  app.decorate('wsByIp', new ConnectionCounter());
  app.decorate('visitorCalls', new VisitorCallCounter());
  app.decorate('visitorChannels', new ChannelBudget(config.limits.visitorUpstreamChannels));
  app.decorate('callAttempts', new CallAttemptBudget({
    perConnectionPerMinute: config.limits.callAttemptsPerConnectionPerMinute,
    perAddressPerMinute: config.limits.callAttemptsPerAddressPerMinute,
    edgePerMinute: config.limits.callAttemptsPerMinute,
  }));
  app.decorate('visitors', new VisitorDirectory());
  app.decorate('relaySessions', new Set<RelaySession>());
  app.decorate('upstream', makeUpstream(app, config, secrets));

  await app.register(cookie);
  await app.register(rateLimit, rateLimitOptions);
  app.setErrorHandler(errorHandler);
  // Fastify's own 404 has no code; a path the edge does not serve is refused like the rest. The
  // query is left out: a /sip?token=… typo would otherwise echo the token.
  app.setNotFoundHandler(async (req) => {
    throw new HttpErrors.NotFound(`route: ${req.method} ${req.url.split('?')[0]}`);
  });

  await app.register(originPlugin);
  await app.register(securityHeaders);
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
    // A client that breaks the WebSocket protocol (an oversized frame, bad UTF-8…) is ws's
    // WS_ERR_* error: the session already logs it as a warning with the connection and user, and
    // ws has closed with its code (1009, 1007…). Only the edge's own failures are errors.
    errorHandler: (err: Error & { code?: string }, socket, req) => {
      if (!err.code?.startsWith('WS_ERR_')) req.log.error({ err }, 'websocket handler failed');
      socket.terminate();
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
  await app.register(ownerEventsRoute, opts.ownerEvents ?? {});
  await app.register(hoursRoutes);
  await app.register(blockRoutes);
  await app.register(sipWebSocketRoute);
  // After the owner routes: the IVR's owner-only routes use app.requireOwner.
  await app.register(ivrPlugin, { config, ariPassword: secrets.ariPassword });
  // After the IVR: the ring rules reach Asterisk through its ARI client.
  await app.register(phonesPlugin);
  followIvr(app);
  await app.register(messagesPlugin);
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
    isOwnerAvailable: () => app.ownerPause() === undefined,
    pauseCode: () => app.ownerPause(),
    tabsRing: () => !app.hasDecorator('ringRouting') || app.ringRouting.rings(config.owner.extension),
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m) },
  });
}
