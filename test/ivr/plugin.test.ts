// The IVR plugin through fastify.inject, with a real SQLite file and (for the ARI part) the
// simulator over real sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { validateConfig } from '../../server/config/load.ts';
import { HttpErrors } from '../../server/errors.ts';
import { errorHandler, rateLimitOptions } from '../../server/error-handler.ts';
import originPlugin from '../../server/routes/origin.ts';
import '../../server/fastify-types.ts';
import ivrPlugin, { MESSAGE_BUDGET } from '../../server/ivr/plugin.ts';
import { AriSimulator } from './ari-simulator.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** A bare Fastify with what the app registers before the IVR: rate limits, the one error handler, the Origin check. */
async function setup(overrides: Record<string, unknown> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hl-ivr-'));
  const config = validateConfig({ dataDir, ...overrides });
  const app = Fastify();
  app.decorate('config', config);
  await app.register(rateLimit, rateLimitOptions);
  app.setErrorHandler(errorHandler);
  await app.register(originPlugin);
  return { app, config, dataDir, done: async () => (await app.close(), rmSync(dataDir, { recursive: true, force: true })) };
}

test('serves the visitor view of the menu without any extension numbers', async () => {
  const { app, config, done } = await setup();
  await app.register(ivrPlugin, { config });
  const res = await app.inject('/api/ivr/menu');
  assert.equal(res.statusCode, 200);
  const view = res.json();
  assert.equal(view.start, 'main');
  assert.deepEqual(view.nodes.main.options.map((o: { key: string }) => o.key), ['1', '6', '0']);
  assert.equal(view.nodes.contact.options[0].label, 'Ring the owner');
  assert.doesNotMatch(res.body, /60\d\d|PJSIP|ownerGroup/);
  assert.equal(app.ivr.ari, null, 'no ARI without config.ari.url');
  await done();
});

test('a bad menu stops start-up naming the node and path', async () => {
  const { app, config, done } = await setup({ ivr: { menuFile: join(here, 'fixtures/bad/visitor-trunk.yaml') } });
  await assert.rejects(async () => { await app.register(ivrPlugin, { config }).ready(); }, (err: Error & { code?: string }) => {
    assert.equal(err.code, 'HL_IVR_MENU_INVALID');
    assert.match(err.message, /node "main" at \/nodes\/main\/options\/1\/dialOut/);
    return true;
  });
  await done();
});

test('visitor messages are stored, rate-limited per address, and listed only to the owner', async () => {
  const { app, config, done } = await setup();
  let owner = false;
  app.decorate('requireOwner', async () => {
    if (!owner) throw new HttpErrors.NotOwner();
  });
  await app.register(ivrPlugin, { config });
  const post = (payload: object, remoteAddress = '203.0.113.7') => app.inject({ method: 'POST', url: '/api/ivr/message', payload, remoteAddress });
  assert.equal((await post({ name: 'Ann', number: '+44 20 7946 0000', message: 'Call me' })).statusCode, 201);
  assert.equal((await post({ name: 'Ann', message: '' })).statusCode, 400);
  assert.equal((await post({ name: 'Ann', message: 'two' })).statusCode, 201);
  const limited = await post({ name: 'Ann', message: 'three' });
  assert.equal(limited.statusCode, 429);
  assert.ok(Number(limited.headers['retry-after']) > 0);
  const body = limited.json();
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message', 'retryAfterSeconds', 'statusCode']);
  assert.equal(body.code, 'HL_RATE_LIMITED');
  assert.equal((await post({ name: 'Bo', message: 'another address' }, '203.0.113.8')).statusCode, 201, 'the limit is per address');
  const refused = await app.inject('/api/owner/messages');
  assert.deepEqual(refused.json(), { statusCode: 401, code: 'HL_NOT_OWNER', error: 'Unauthorized', message: 'Owner login required' });
  owner = true;
  const list = (await app.inject('/api/owner/messages')).json();
  assert.deepEqual(list.messages.map((m: { text: string }) => m.text), ['another address', 'two', 'Call me']);
  assert.equal(list.callbacks[0].number, '+44 20 7946 0000');
  await done();
});

test('the message form has an edge-wide budget: many addresses together are refused too', async () => {
  const { app, config, done } = await setup();
  await app.register(ivrPlugin, { config });
  const perAddress = MESSAGE_BUDGET.perAddress.max;
  const addresses = Math.ceil(config.limits.messageFormGlobalPer10Minutes / perAddress) + 1;
  const statuses: number[] = [];
  for (let a = 0; a < addresses; a++) {
    for (let i = 0; i < perAddress; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/ivr/message', payload: { name: 'N', message: `m${a}.${i}` }, remoteAddress: `198.51.100.${a + 1}` });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) assert.equal(res.json().code, 'HL_RATE_LIMITED');
    }
  }
  assert.equal(statuses.filter((s) => s === 201).length, config.limits.messageFormGlobalPer10Minutes);
  assert.equal(statuses.at(-1), 429, 'a fresh address is still refused once the edge-wide budget is spent');
  await done();
});

test('the message form refuses a page from a foreign Origin', async () => {
  const { app, config, done } = await setup({ allowedOrigins: ['https://me.example'] });
  await app.register(ivrPlugin, { config });
  const post = (origin: string) => app.inject({ method: 'POST', url: '/api/ivr/message', headers: { origin }, payload: { name: 'Ann', message: 'hi' } });
  const foreign = await post('https://evil.example');
  assert.equal(foreign.statusCode, 403);
  assert.deepEqual(foreign.json(), { statusCode: 403, code: 'HL_ORIGIN_FORBIDDEN', error: 'Forbidden', message: 'Origin https://evil.example is not allowed to use this edge' });
  assert.equal((await post('https://me.example')).statusCode, 201);
  await done();
});

test('an unknown prompt is a coded 404 from the one error handler', async () => {
  const { app, config, done } = await setup();
  await app.register(ivrPlugin, { config });
  for (const url of ['/ivr/prompts/p-00000000000000000000000000000000.wav', '/ivr/prompts/..%2Fsecrets.json']) {
    const res = await app.inject(url);
    assert.deepEqual(res.json(), { statusCode: 404, code: 'HL_NOT_FOUND', error: 'Not Found', message: 'No such prompt' }, url);
  }
  await done();
});

test('without the lead\'s requireOwner the owner list refuses', async () => {
  const { app, config, done } = await setup();
  await app.register(ivrPlugin, { config });
  const res = await app.inject('/api/owner/messages');
  assert.deepEqual(res.json(), { statusCode: 401, code: 'HL_NOT_OWNER', error: 'Unauthorized', message: 'Owner login required' });
  await done();
});

test('with ARI configured: prompts rendered (into ivr.promptDir), Stasis app registered, played media is served', async () => {
  const sim = new AriSimulator({ playbackMs: 2 });
  const url = await sim.listen();
  const promptDir = mkdtempSync(join(tmpdir(), 'hl-prompts-'));
  const { app, config, dataDir, done } = await setup({ port: 18080, ari: { url, user: sim.user, password: sim.password, app: 'homeline' }, ivr: { promptDir } });
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
