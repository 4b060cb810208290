// The IVR as a Fastify plugin: loads and validates the menu at start (a bad menu stops start-up
// naming node and path), serves the visitor's view of it and the prompt audio, takes the
// visitor form's messages, lists messages/callbacks for the owner, and runs the ARI (Stasis)
// application only when `config.ari.url` is set.
//
// Depends on the lead's owner session check: `fastify.requireOwner` (a preHandler). Without it
// the owner route answers 401 HL_NOT_OWNER rather than leaking messages. Also on what the app
// registers first: @fastify/rate-limit (the form's budgets), `checkOrigin` (routes/origin.ts) and
// the one error handler every refusal here is thrown to.
import fp from 'fastify-plugin';
import { createReadStream, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Config } from '../config/schema.ts';
import { HttpErrors } from '../errors.ts';
import { rateLimited } from '../error-handler.ts';
import { loadMenuFile, type LoadedMenu } from './menu-load.ts';
import { reachFromConfig } from './menu-validate.ts';
import { visitorMenuView, type VisitorMenuView } from './menu-view.ts';
import { PromptCache, PROMPT_ID, menuPrompts } from './prompts/cache.ts';
import { IvrStore } from './store.ts';
import { forOwner } from '../messages/audio-files.ts';
import type { Prompt } from './menu-schema.ts';
import { AriClient } from './ari/client.ts';
import { IvrAriApp } from './ari/app.ts';
import { AriSelfCheck } from './ari/selfcheck.ts';
import { upstreamKind } from '../config/load.ts';

export interface IvrPluginOptions {
  config: Config;
  /** ARI password when `config.ari.password` is empty (the generated one from secrets.json). */
  ariPassword?: string;
  /** Base URL Asterisk fetches prompts from (res_http_media_cache); default http://127.0.0.1:<port>. */
  promptBaseUrl?: string;
  /** Override of the ARI app's answer delay (ms). */
  answerDelayMs?: number;
}

export interface IvrDecoration {
  menu: LoadedMenu;
  view: VisitorMenuView;
  store: IvrStore;
  prompts: PromptCache;
  /** Present when ARI is configured; emits `nodeChanged` for the widget's side channel. */
  ari: IvrAriApp | null;
  /** On the asterisk upstream with ARI: can Asterisk play our prompts? (/readyz reports it) */
  selfCheck: AriSelfCheck | null;
  /** The ARI client (null without `config.ari.url`): the phones plugin sets a global and sends MESSAGEs with it. */
  ariClient: AriClient | null;
  /** The visitor messages' block check and edge-wide budget (a preHandler, after the route's onRequest Origin check), shared by the voice upload. */
  withinMessageBudget: (req: FastifyRequest) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    ivr: IvrDecoration;
  }
}

const MessageBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    number: Type.Optional(Type.String({ maxLength: 32, pattern: '^[0-9+ ()-]*$' })),
    message: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

/** The visitor form's budgets (@fastify/rate-limit windows): per address, and over everyone. */
export const MESSAGE_BUDGET = {
  perAddress: { max: 3, timeWindow: 10 * 60_000 },
  /** Over every caller; its max is limits.messageFormGlobalPer10Minutes. */
  edgeWindowMs: 10 * 60_000,
};

async function ivrPlugin(fastify: FastifyInstance, opts: IvrPluginOptions): Promise<void> {
  const { config } = opts;
  const reach = reachFromConfig(config);
  /** A new message or callback request, for the console's live list and the owner's phones. */
  function tell(id: number | string, summary: string): void {
    if (fastify.hasDecorator('ownerEvents')) fastify.ownerEvents.publish({ type: 'message', id, summary });
  }
  const menu = loadMenuFile(config.ivr.menuFile, reach); // throws MenuInvalidError: start-up stops
  // The edge's one SQLite connection when there is one (a plugin test alone opens its own).
  const store = new IvrStore(fastify.hasDecorator('db') ? fastify.db : join(config.dataDir, 'homeline.db'));
  if (store.migrated) fastify.log.info(store.migrated, store.migrated.from === 0 ? 'message store created' : 'message store schema upgraded');
  const prompts = new PromptCache({ dir: config.ivr.promptDir || join(config.dataDir, 'prompts'), voice: menu.menu.voice, recordingsDir: menu.baseDir });
  const view = visitorMenuView(menu.menu);
  let ari: IvrAriApp | null = null;
  let selfCheck: AriSelfCheck | null = null;
  let ariClient: AriClient | null = null;

  if (config.ari.url) {
    const t0 = performance.now();
    const { rendered, cached } = prompts.renderMenu(menu.menu);
    fastify.log.info({ rendered, cached, ms: Math.round(performance.now() - t0) }, 'IVR prompts ready');
    const base = (opts.promptBaseUrl ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
    const client = new AriClient({ url: config.ari.url, user: config.ari.user, password: config.ari.password || opts.ariPassword || '', app: config.ari.app });
    ariClient = client;
    const mediaUri = (p: Prompt) => `sound:${base}/ivr/prompts/${prompts.idFor(p)}.wav`;
    ari = new IvrAriApp({
      client,
      menu: menu.menu,
      allowedExtensions: menu.menu.role === 'visitor' ? reach.visitorExtensions : undefined,
      // The owner's ring rules decide, per call, which of the group ring (server/routes/phones.ts).
      ownerGroup: () => (fastify.hasDecorator('ringRouting') ? fastify.ringRouting.ringing() : reach.ownerGroup),
      // The same answer as the direct route's HL_OWNER_DND / HL_OWNER_HOURS (server/routes/sip-ws.ts pausedTargets).
      ownerAvailable: fastify.hasDecorator('ownerPause') ? () => fastify.ownerPause() === undefined : undefined,
      store,
      mediaUri,
      answerDelayMs: opts.answerDelayMs,
      recordingsDir: join(config.dataDir, 'recordings'),
      log: fastify.log,
    });
    if (upstreamKind(config) === 'asterisk') {
      // The shortest real prompt: the check waits for its PlaybackFinished.
      const shortest = menuPrompts(menu.menu).map((p) => ({ p, size: statSync(prompts.path(prompts.idFor(p))).size })).sort((a, b) => a.size - b.size)[0].p;
      selfCheck = new AriSelfCheck({
        client,
        app: config.ari.app,
        mediaUri: mediaUri(shortest),
        edgeListening: () => (fastify.server.listening ? Promise.resolve() : new Promise((r) => fastify.server.once('listening', () => r()))),
        log: fastify.log.child({ component: 'asterisk-selfcheck' }),
      });
    }
    // Word for the owner's console and phones (server/owner/phone-notify.ts).
    ari.on('messageStored', ({ id, kind, caller, durationSeconds }) => tell(id, kind === 'name'
      ? `${caller || 'A caller'} left their name for you`
      : `${caller || 'A caller'} left a voice message${durationSeconds ? ` (${Math.round(durationSeconds)} s)` : ''}`));
    ari.on('callbackStored', ({ id, caller, number }) => tell(`callback-${id}`, `Callback request from ${caller || 'a caller'}: ${number}`));
    client.on('connected', () => fastify.log.info({ app: config.ari.app }, 'ARI connected; Stasis app registered'));
    client.on('disconnected', (reason) => fastify.log.warn({ reason }, 'ARI events socket lost; reconnecting'));
    fastify.addHook('onReady', async () => {
      selfCheck?.start();
      ari!.start();
    });
  }

  fastify.decorate('ivr', { menu, view, store, prompts, ari, selfCheck, ariClient, withinMessageBudget: (req) => withinBudget(req) } satisfies IvrDecoration);
  fastify.addHook('onClose', async () => {
    selfCheck?.stop();
    await ari?.stop();
    store.close();
  });

  fastify.get('/api/ivr/menu', async () => view);

  // Prompt audio for Asterisk's `sound:http://…`. Content-addressed ids, so cache forever.
  fastify.get<{ Params: { file: string } }>('/ivr/prompts/:file', async (req, reply) => {
    const id = req.params.file.replace(/\.wav$/, '');
    if (!PROMPT_ID.test(id) || !req.params.file.endsWith('.wav')) throw new HttpErrors.NotFound('prompt');
    const path = prompts.path(id);
    try {
      await access(path);
    } catch {
      throw new HttpErrors.NotFound('prompt');
    }
    reply.header('content-type', 'audio/wav').header('cache-control', 'public, max-age=31536000, immutable');
    return reply.send(createReadStream(path));
  });

  // The embedded upstream's "leave word" form: a free text box on the web, so few per address
  // (the route's rateLimit) and few in all (a spread-out flood still cannot fill the store).
  const edgeWide = fastify.createRateLimit({ max: config.limits.messageFormGlobalPer10Minutes, timeWindow: MESSAGE_BUDGET.edgeWindowMs, keyGenerator: () => 'visitor-messages' });
  // The Origin is checked by each route's onRequest hook, before the body is read.
  const withinBudget = async (req: FastifyRequest) => {
    // A caller the owner blocked may not leave word either (server/owner/blocks.ts).
    if (fastify.hasDecorator('blocks') && fastify.blocks.isBlocked(req.ip, Date.now())) throw new HttpErrors.Blocked();
    const verdict = await edgeWide(req);
    if (!verdict.isAllowed && verdict.isExceeded) {
      throw rateLimited(Math.max(1, verdict.ttlInSeconds));
    }
  };
  fastify.post<{ Body: { name: string; number?: string; message: string } }>('/api/ivr/message', {
    schema: { body: MessageBody },
    config: { rateLimit: MESSAGE_BUDGET.perAddress },
    // A foreign page gets 403 whatever it sends, never a 400 describing the form.
    onRequest: async (req) => fastify.checkOrigin(req),
    preHandler: withinBudget,
  }, async (req, reply) => {
    const { name, number, message } = req.body;
    const id = store.addMessage({ source: 'form', kind: 'message', name: name.trim(), number: number?.trim() || null, text: message.trim(), caller: req.ip });
    if (number?.trim()) store.addCallback({ channel: null, caller: name.trim(), number: number.trim(), source: 'form', messageId: id });
    // Like the voice upload's: that it arrived, never what it says.
    req.log.info({ id, callback: Boolean(number?.trim()) }, 'visitor message stored');
    tell(id, `${name.trim()}${number?.trim() ? ` (${number.trim()})` : ''} wrote: ${message.trim()}`);
    return reply.code(201).send({ id });
  });

  const ownerOnly: preHandlerHookHandler = fastify.hasDecorator('requireOwner')
    ? (fastify.requireOwner as unknown as preHandlerHookHandler)
    : (async () => {
      throw new HttpErrors.NotOwner();
    });
  fastify.get('/api/owner/messages', { preHandler: ownerOnly }, async () => ({ messages: store.listMessages().map(forOwner), callbacks: store.listCallbacks() }));
}

export default fp(ivrPlugin, { name: 'homeline-ivr', fastify: '5.x' });
