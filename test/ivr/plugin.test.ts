// The IVR plugin through fastify.inject, with a real SQLite file and (for the ARI part) the
// simulator over real sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { validateConfig } from '../../server/config/load.ts';
import ivrPlugin from '../../server/ivr/plugin.ts';
import { AriSimulator } from './ari-simulator.ts';

const here = dirname(fileURLToPath(import.meta.url));

function setup(overrides: Record<string, unknown> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hl-ivr-'));
  const config = validateConfig({ dataDir, ...overrides });
  const app = Fastify();
  return { app, config, dataDir, done: async () => (await app.close(), rmSync(dataDir, { recursive: true, force: true })) };
}

test('serves the visitor view of the menu without any extension numbers', async () => {
  const { app, config, done } = setup();
  await app.register(ivrPlugin, { config });
  const res = await app.inject('/api/ivr/menu');
  assert.equal(res.statusCode, 200);
  const view = res.json();
  assert.equal(view.start, 'main');
  assert.deepEqual(view.nodes.main.options.map((o: { key: string }) => o.key), ['0', '1', '6']);
  assert.equal(view.nodes.contact.options[0].label, 'Ring the owner');
  assert.doesNotMatch(res.body, /60\d\d|PJSIP|ownerGroup/);
  assert.equal(app.ivr.ari, null, 'no ARI without config.ari.url');
  await done();
});

test('a bad menu stops start-up naming the node and path', async () => {
  const { app, config, done } = setup({ ivr: { menuFile: join(here, 'fixtures/bad/visitor-trunk.yaml') } });
  await assert.rejects(async () => { await app.register(ivrPlugin, { config }).ready(); }, (err: Error & { code?: string }) => {
    assert.equal(err.code, 'HL_IVR_MENU_INVALID');
    assert.match(err.message, /node "main" at \/nodes\/main\/options\/1\/dialOut/);
    return true;
  });
  await done();
});

test('visitor messages are stored, rate-limited, and listed only to the owner', async () => {
  const { app, config, done } = setup();
  let owner = false;
  app.decorate('requireOwner', async (_req: FastifyRequest, reply: FastifyReply) => {
    if (!owner) await reply.code(401).send({ code: 'HL_NOT_OWNER' });
  });
  await app.register(ivrPlugin, { config });
  const post = (payload: object) => app.inject({ method: 'POST', url: '/api/ivr/message', payload });
  assert.equal((await post({ name: 'Ann', number: '+44 20 7946 0000', message: 'Call me' })).statusCode, 201);
  assert.equal((await post({ name: 'Ann', message: '' })).statusCode, 400);
  await post({ name: 'Ann', message: 'two' });
  await post({ name: 'Ann', message: 'three' });
  const limited = await post({ name: 'Ann', message: 'four' });
  assert.equal(limited.statusCode, 429);
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal(limited.json().code, 'HL_RATE_LIMITED');
  assert.equal((await app.inject('/api/owner/messages')).statusCode, 401);
  owner = true;
  const list = (await app.inject('/api/owner/messages')).json();
  assert.deepEqual(list.messages.map((m: { text: string }) => m.text), ['three', 'two', 'Call me']);
  assert.equal(list.callbacks[0].number, '+44 20 7946 0000');
  await done();
});

test('without the lead\'s requireOwner the owner list refuses', async () => {
  const { app, config, done } = setup();
  await app.register(ivrPlugin, { config });
  const res = await app.inject('/api/owner/messages');
  assert.equal(res.statusCode, 401);
  assert.equal(res.json().code, 'HL_NOT_OWNER');
  await done();
});

test('with ARI configured: prompts rendered (into ivr.promptDir), Stasis app registered, played media is served', async () => {
  const sim = new AriSimulator({ playbackMs: 2 });
  const url = await sim.listen();
  const promptDir = mkdtempSync(join(tmpdir(), 'hl-prompts-'));
  const { app, config, dataDir, done } = setup({ port: 18080, ari: { url, user: sim.user, password: sim.password, app: 'homeline' }, ivr: { promptDir } });
  await app.register(ivrPlugin, { config, answerDelayMs: 5 });
  const registered = once(sim, 'appConnected');
  await app.ready();
  await registered;
  const id = sim.startCall('homeline')!;
  const [play] = (await once(sim, 'request', { signal: AbortSignal.timeout(5000) })) as unknown as [{ path: string }];
  void play;
  while (!sim.channelRequests(id).some((r) => r.path.endsWith('/play'))) await once(sim, 'request');
  const media = sim.channelRequests(id).find((r) => r.path.endsWith('/play'))!.query.media!;
  assert.match(media, /^sound:http:\/\/127\.0\.0\.1:18080\/ivr\/prompts\/p-[0-9a-f]{32}\.wav$/);
  const wav = await app.inject(media.replace('sound:http://127.0.0.1:18080', ''));
  assert.equal(wav.statusCode, 200);
  assert.equal(wav.headers['content-type'], 'audio/wav');
  assert.equal(wav.rawPayload.readUInt32LE(24), 8000);
  const file = media.slice(media.lastIndexOf('/') + 1);
  assert.deepEqual(readFileSync(join(promptDir, file)), wav.rawPayload, 'the shared prompt folder holds what is served');
  assert.equal(existsSync(join(dataDir, 'prompts')), false, 'nothing rendered into the data dir');
  assert.equal((await app.inject('/ivr/prompts/p-00000000000000000000000000000000.wav')).statusCode, 404);
  assert.equal((await app.inject('/ivr/prompts/..%2Fsecrets.json')).statusCode, 404);
  sim.hangup(id);
  await done();
  await sim.close();
  rmSync(promptDir, { recursive: true, force: true });
});
