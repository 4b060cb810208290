// What the owner does with what visitors leave, and the widget's voice messages:
//   POST   /api/voice-message             the widget's recording (raw Opus body, who in headers)
//   PUT    /api/owner/{messages,callbacks}/:id/done   { done } marks it done, or not
//   DELETE /api/owner/{messages,callbacks}/:id        deletes it (a message with its audio)
//   GET    /api/owner/messages/:id/audio  the audio of one message, by id only (Range served)
// plus retention (retention.ts) at start and every messages.pruneEveryMinutes. Registered after
// the IVR plugin, whose store (app.ivr.store) and message budget it shares, and after the owner
// routes (app.requireOwner). Not wrapped in fastify-plugin: its audio body parser and its error
// mapping stay inside these routes.
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HttpErrors } from '../errors.ts';
import { errorHandler } from '../error-handler.ts';
import { MESSAGE_BUDGET } from '../ivr/plugin.ts';
import type { InboxTable } from '../ivr/store.ts';
import { audioDirs, audioSize, contentTypeOf, removeFile, saveVoice, sweepStrays } from './audio-files.ts';
import { byteRange } from './range.ts';
import { pruneMessages } from './retention.ts';
import { containerOf, looksLikeOpus, voiceByteCap } from './voice-audio.ts';
import { decodeVoiceHeaders, VoiceHeaders, voiceSummary } from './voice-headers.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const DoneBody = Type.Object({ done: Type.Boolean() }, { additionalProperties: false });
type Id = Static<typeof IdParams>;

export default async function messagesPlugin(app: FastifyInstance): Promise<void> {
  if (!app.hasDecorator('requireOwner') || !app.hasDecorator('ivr')) throw new Error('the messages plugin needs the owner routes and the IVR plugin registered first');
  const { config } = app;
  const { store, withinMessageBudget } = app.ivr;
  const dirs = audioDirs(config.dataDir);
  const maxSeconds = config.messages.voiceMaxSeconds;
  const cap = voiceByteCap(Math.max(1, maxSeconds));
  const log = app.log.child({ component: 'messages' });
  const policy = { retentionDays: config.messages.retentionDays, maxAudioBytes: config.messages.maxAudioMegabytes * 1024 * 1024 };

  app.setErrorHandler((err: Error & { code?: string }, req, reply) =>
    errorHandler(err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? new HttpErrors.VoiceTooBig(cap, maxSeconds) : err, req, reply));
  app.addContentTypeParser(['audio/webm', 'audio/ogg'], { parseAs: 'buffer', bodyLimit: cap }, (_req, body, done) => done(null, body));

  // Refused before a byte of the body is read: foreign page (first: a stranger learns nothing
  // else, not even whether voice is off), off, type off the list, too long.
  const admissible = async (req: FastifyRequest) => {
    app.checkOrigin(req);
    if (maxSeconds === 0) throw new HttpErrors.VoiceOff();
    const type = req.headers['content-type'];
    if (!containerOf(type)) throw new HttpErrors.VoiceType(type ?? 'no content type');
    if (Number(req.headers['content-length'] ?? 0) > cap) throw new HttpErrors.VoiceTooBig(cap, maxSeconds);
  };

  app.post<{ Headers: Static<typeof VoiceHeaders>; Body: Buffer }>('/api/voice-message', {
    schema: { headers: VoiceHeaders },
    bodyLimit: cap,
    config: { rateLimit: MESSAGE_BUDGET.perAddress },
    onRequest: admissible,
    preHandler: withinMessageBudget,
  }, async (req, reply) => {
    const container = containerOf(req.headers['content-type'])!;
    if (!looksLikeOpus(req.body, container)) throw new HttpErrors.VoiceNotOpus(container);
    const who = decodeVoiceHeaders(req.headers, maxSeconds);
    const { id } = saveVoice(store, dirs.voice, req.body, container, { ...who, caller: req.ip });
    req.log.info({ id, bytes: req.body.length, container, seconds: who.durationSeconds }, 'voice message stored');
    app.ownerEvents.publish({ type: 'message', id, summary: voiceSummary(who) });
    return reply.code(201).send({ id });
  });

  const owner = { onRequest: app.requireOwner };
  for (const table of ['messages', 'callbacks'] as const satisfies InboxTable[]) {
    const what = table === 'messages' ? 'message' : 'callback request';
    app.put<{ Params: Id; Body: Static<typeof DoneBody> }>(`/api/owner/${table}/:id/done`, { ...owner, schema: { params: IdParams, body: DoneBody } }, async (req) => {
      const doneAt = store.setDone(table, req.params.id, req.body.done);
      if (doneAt === false) throw new HttpErrors.NotFound(what);
      return { id: req.params.id, doneAt };
    });
    app.delete<{ Params: Id }>(`/api/owner/${table}/:id`, { ...owner, schema: { params: IdParams } }, async (req, reply) => {
      const audio = store.delete(table, req.params.id);
      if (audio === false) throw new HttpErrors.NotFound(what);
      if (audio) removeFile(audio);
      req.log.info({ table, id: req.params.id, audio: audio !== null }, `owner deleted a ${what}`);
      return reply.code(204).send();
    });
  }

  // By id only: the path comes from the row, never from the request.
  app.get<{ Params: Id }>('/api/owner/messages/:id/audio', { ...owner, schema: { params: IdParams } }, async (req, reply) => {
    const m = store.getMessage(req.params.id);
    if (!m?.audioPath) throw new HttpErrors.NotFound('message audio');
    return sendAudio(req, reply, m.id, m.audioPath);
  });

  const prune = () => {
    try {
      pruneMessages(store, policy, log);
    } catch (err) {
      log.error({ err }, 'message retention failed; it runs again at the next interval');
    }
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    const strays = sweepStrays(store, config.dataDir);
    if (strays.length) log.warn({ files: strays }, 'audio files no message names were removed');
    prune();
    timer = setInterval(prune, config.messages.pruneEveryMinutes * 60_000).unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}

function sendAudio(req: FastifyRequest, reply: FastifyReply, id: number, path: string) {
  const size = audioSize(path);
  const type = contentTypeOf(path);
  if (size === null || !type) throw new HttpErrors.AudioGone(id);
  const range = byteRange(req.headers.range, size);
  if (range.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`);
    throw new HttpErrors.Range(req.headers.range);
  }
  reply.header('content-type', type).header('accept-ranges', 'bytes').header('cache-control', 'private, no-cache');
  if (range.kind === 'whole') return reply.header('content-length', size).send(createReadStream(path));
  return reply.code(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
    .header('content-length', range.end - range.start + 1)
    .send(createReadStream(path, { start: range.start, end: range.end }));
}
