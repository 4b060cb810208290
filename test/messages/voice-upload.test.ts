// Voice messages through the real edge (buildApp, real SQLite, real files) with fastify.inject:
// what the upload refuses (size, type, magic bytes, foreign page, budget), what it stores, and
// the owner-only audio route that finds a file by message id alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEdge, type TestEdge } from '../helpers/edge.ts';
import { voiceByteCap } from '../../server/messages/voice-audio.ts';
import type { OwnerEvent } from '../../server/owner/events.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** 1.2 s of a 620 Hz tone recorded by Chromium's MediaRecorder (audio/webm;codecs=opus). */
const WEBM = readFileSync(join(here, 'fixtures/tone-620.webm'));

/** The first page of an Ogg Opus stream (RFC 7845 §5.1), as Firefox's recorder starts one. */
function oggOpusHead(): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0); head[8] = 1; head[9] = 1; head.writeUInt16LE(312, 10); head.writeUInt32LE(48000, 12);
  const page = Buffer.alloc(27 + 1);
  page.write('OggS', 0); page[5] = 2; page[26] = 1; page[27] = head.length;
  return Buffer.concat([page, head, Buffer.alloc(64)]);
}

const who = (name = 'Ann Example', extra: Record<string, string> = {}) => ({ 'x-homeline-name': encodeURIComponent(name), ...extra });

async function withEdge(overrides: Record<string, unknown>, fn: (edge: TestEdge, login: () => Promise<string>) => Promise<void>) {
  const edge = await startEdge(overrides);
  const login = async () => {
    const res = await edge.app.inject({ method: 'POST', url: '/api/owner/login', payload: { password: edge.ownerPassword } });
    assert.equal(res.statusCode, 204);
    return String(res.headers['set-cookie']).split(';')[0];
  };
  try {
    await fn(edge, login);
  } finally {
    await edge.close();
  }
}

const upload = (edge: TestEdge, body: Buffer, headers: Record<string, string>, remoteAddress = '203.0.113.9') =>
  edge.app.inject({ method: 'POST', url: '/api/voice-message', payload: body, headers, remoteAddress });

test('a voice message is stored beside the database (0600, named by the edge), listed, announced, and played back to the owner only', async () => {
  await withEdge({}, async (edge, login) => {
    const events: OwnerEvent[] = [];
    edge.app.ownerEvents.subscribe((e) => events.push(e));
    const res = await upload(edge, WEBM, { 'content-type': 'audio/webm;codecs=opus', ...who('Zoë Ünal', { 'x-homeline-number': encodeURIComponent('+49 30 1234'), 'x-homeline-seconds': '1.2' }) });
    assert.equal(res.statusCode, 201, res.body);
    const { id } = res.json();
    assert.deepEqual(events, [{ type: 'message', id, summary: 'Voice message from Zoë Ünal (+49 30 1234), 1 s' }]);

    const files = readdirSync(join(edge.config.dataDir, 'voice'));
    assert.equal(files.length, 1);
    assert.match(files[0], /^voice-\d+-[0-9a-f]{12}\.webm$/);
    const path = join(edge.config.dataDir, 'voice', files[0]);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
    assert.deepEqual(readFileSync(path), WEBM, 'byte for byte what was uploaded');

    assert.equal((await edge.app.inject(`/api/owner/messages/${id}/audio`)).json().code, 'HL_NOT_OWNER', 'not without the owner cookie');
    const cookie = await login();
    const list = (await edge.app.inject({ url: '/api/owner/messages', headers: { cookie } })).json();
    const m = list.messages[0];
    assert.equal(m.id, id);
    assert.equal(m.source, 'voice');
    assert.equal(m.name, 'Zoë Ünal');
    assert.equal(m.number, '+49 30 1234');
    assert.equal(m.caller, '203.0.113.9');
    assert.equal(m.durationSeconds, 1.2);
    assert.equal(m.audio, 'ok');
    assert.equal('audioPath' in m, false, 'no server path reaches the console');

    const whole = await edge.app.inject({ url: `/api/owner/messages/${id}/audio`, headers: { cookie } });
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.headers['content-type'], 'audio/webm');
    assert.equal(whole.headers['accept-ranges'], 'bytes');
    assert.deepEqual(whole.rawPayload, WEBM);
    const part = await edge.app.inject({ url: `/api/owner/messages/${id}/audio`, headers: { cookie, range: 'bytes=100-' } });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers['content-range'], `bytes 100-${WEBM.length - 1}/${WEBM.length}`);
    assert.deepEqual(part.rawPayload, WEBM.subarray(100));
    const past = await edge.app.inject({ url: `/api/owner/messages/${id}/audio`, headers: { cookie, range: `bytes=${WEBM.length}-` } });
    assert.equal(past.statusCode, 416);
    assert.equal(past.json().code, 'HL_RANGE');
    assert.equal(past.headers['content-range'], `bytes */${WEBM.length}`);

    // The owner's session alone is not enough from another site's page.
    const foreign = await edge.app.inject({ url: `/api/owner/messages/${id}/audio`, headers: { cookie, origin: 'https://evil.example' } });
    assert.equal(foreign.statusCode, 403);
  });
});

test('uploads refused before they are stored: too big, wrong type, wrong magic, no name, voice off', async () => {
  await withEdge({ messages: { voiceMaxSeconds: 5 } }, async (edge) => {
    const cap = voiceByteCap(5);
    const refused = async (body: Buffer, headers: Record<string, string>, status: number, code: string, address?: string) => {
      const res = await upload(edge, body, headers, address);
      assert.equal(res.statusCode, status, `${code}: ${res.body}`);
      assert.equal(res.json().code, code);
      return res.json().message as string;
    };
    const webm = { 'content-type': 'audio/webm;codecs=opus', ...who() };
    // Each refusal from its own address: the per-address budget is not what is being tested.
    assert.match(await refused(Buffer.concat([WEBM, Buffer.alloc(cap)]), webm, 413, 'HL_VOICE_TOO_BIG', '198.51.100.1'), new RegExp(`at most ${cap} bytes \\(5 s\\)`));
    assert.match(await refused(WEBM, { ...webm, 'content-type': 'audio/mpeg' }, 415, 'HL_VOICE_TYPE', '198.51.100.2'), /got audio\/mpeg/);
    await refused(WEBM, { ...webm, 'content-type': 'application/octet-stream' }, 415, 'HL_VOICE_TYPE', '198.51.100.3');
    // A WAV (or anything) labelled as WebM: the first bytes give it away.
    const wav = Buffer.alloc(4096); wav.write('RIFF', 0); wav.write('WAVE', 8);
    await refused(wav, webm, 422, 'HL_VOICE_NOT_OPUS', '198.51.100.4');
    // A real WebM labelled Ogg: the container must be the one declared.
    await refused(WEBM, { ...webm, 'content-type': 'audio/ogg' }, 422, 'HL_VOICE_NOT_OPUS', '198.51.100.5');
    // Matroska's EBML magic without DocType webm and an Opus track.
    await refused(Buffer.concat([WEBM.subarray(0, 4), Buffer.alloc(200)]), webm, 422, 'HL_VOICE_NOT_OPUS', '198.51.100.6');
    await refused(WEBM, { 'content-type': 'audio/webm' }, 400, 'HL_BAD_REQUEST', '198.51.100.7');
    await refused(WEBM, { ...webm, 'x-homeline-name': '%E0%A4%A' }, 400, 'HL_BAD_REQUEST', '198.51.100.8');
    await refused(WEBM, { ...webm, 'x-homeline-number': 'call%20me' }, 400, 'HL_BAD_REQUEST', '198.51.100.9');
    await refused(WEBM, { ...webm, origin: 'https://evil.example' }, 403, 'HL_ORIGIN_FORBIDDEN', '198.51.100.10');
    assert.equal(existsSync(join(edge.config.dataDir, 'voice')) ? readdirSync(join(edge.config.dataDir, 'voice')).length : 0, 0, 'nothing reached the disk');
    // An Ogg Opus stream is on the list too.
    assert.equal((await upload(edge, oggOpusHead(), { ...webm, 'content-type': 'audio/ogg;codecs=opus' }, '198.51.100.11')).statusCode, 201);
    assert.match(readdirSync(join(edge.config.dataDir, 'voice'))[0], /\.ogg$/);
  });
  await withEdge({ messages: { voiceMaxSeconds: 0 } }, async (edge) => {
    const res = await upload(edge, WEBM, { 'content-type': 'audio/webm', ...who() });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'HL_VOICE_OFF');
    // A foreign page learns nothing, not even that voice is off.
    const foreign = await upload(edge, WEBM, { 'content-type': 'audio/webm', origin: 'https://evil.example', ...who() });
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.json().code, 'HL_ORIGIN_FORBIDDEN');
    assert.equal((await edge.app.inject('/api/status')).json().voice, null, 'the widget is told not to offer it');
  });
});

test('voice uploads share the message form\'s budgets: per address, and edge-wide with typed messages', async () => {
  await withEdge({ limits: { messageFormGlobalPer10Minutes: 4 } }, async (edge) => {
    const headers = { 'content-type': 'audio/webm', ...who() };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await upload(edge, WEBM, headers, '203.0.113.50')).statusCode);
    assert.deepEqual(statuses, [201, 201, 201, 429], 'three per address');
    const form = await edge.app.inject({ method: 'POST', url: '/api/ivr/message', payload: { name: 'N', message: 'typed' }, remoteAddress: '203.0.113.51' });
    assert.equal(form.statusCode, 201, 'the fourth of the edge-wide four');
    const spent = await upload(edge, WEBM, headers, '203.0.113.52');
    assert.equal(spent.statusCode, 429);
    assert.equal(spent.json().code, 'HL_RATE_LIMITED');
    assert.ok(spent.json().retryAfterSeconds > 0);
  });
});

test('the audio route looks up by id only; done, undo and delete (row and file together); a vanished file shows as missing', async () => {
  await withEdge({}, async (edge, login) => {
    const cookie = await login();
    const get = (url: string) => edge.app.inject({ url, headers: { cookie } });
    const a = (await upload(edge, WEBM, { 'content-type': 'audio/webm', ...who('A') })).json().id;
    const b = (await upload(edge, WEBM, { 'content-type': 'audio/webm', ...who('B') }, '203.0.113.10')).json().id;
    for (const url of ['/api/owner/messages/..%2F..%2Fsecrets.json/audio', '/api/owner/messages/0/audio', `/api/owner/messages/${a}.webm/audio`]) {
      const res = await get(url);
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().code, 'HL_BAD_REQUEST', url);
    }
    assert.equal((await get('/api/owner/messages/9999/audio')).json().code, 'HL_NOT_FOUND');
    // A typed message has no audio.
    const typed = (await edge.app.inject({ method: 'POST', url: '/api/ivr/message', payload: { name: 'T', number: '0123', message: 'x' } })).json().id;
    assert.equal((await get(`/api/owner/messages/${typed}/audio`)).statusCode, 404);

    const put = (what: string, id: number, done: boolean) => edge.app.inject({ method: 'PUT', url: `/api/owner/${what}/${id}/done`, headers: { cookie }, payload: { done } });
    assert.equal((await edge.app.inject({ method: 'PUT', url: `/api/owner/messages/${a}/done`, payload: { done: true } })).json().code, 'HL_NOT_OWNER');
    const done = (await put('messages', a, true)).json();
    assert.equal(done.id, a);
    assert.ok(done.doneAt);
    assert.equal((await put('messages', a, false)).json().doneAt, null, 'undo');
    assert.equal((await put('callbacks', 9999, true)).json().code, 'HL_NOT_FOUND');

    const list = async () => (await get('/api/owner/messages')).json();
    const typedCallback = (await list()).callbacks.find((c: { messageId: number }) => c.messageId === typed);
    assert.ok(typedCallback, 'the form\'s callback request names its message');

    const files = () => readdirSync(join(edge.config.dataDir, 'voice')).sort();
    assert.equal(files().length, 2);
    const del = await edge.app.inject({ method: 'DELETE', url: `/api/owner/messages/${a}`, headers: { cookie } });
    assert.equal(del.statusCode, 204);
    assert.equal(files().length, 1, 'its file went with it');
    assert.equal((await edge.app.inject({ method: 'DELETE', url: `/api/owner/messages/${a}`, headers: { cookie } })).json().code, 'HL_NOT_FOUND');
    assert.equal((await edge.app.inject({ method: 'DELETE', url: `/api/owner/callbacks/${typedCallback.id}`, headers: { cookie } })).statusCode, 204);

    // The file behind b vanishes (deleted by hand): the row stays and says so.
    unlinkSync(join(edge.config.dataDir, 'voice', files()[0]));
    assert.equal((await list()).messages.find((m: { id: number }) => m.id === b).audio, 'missing');
    const gone = await get(`/api/owner/messages/${b}/audio`);
    assert.equal(gone.statusCode, 410);
    assert.equal(gone.json().code, 'HL_AUDIO_GONE');
  });
});

test('an IVR recording copied beside the database is served as audio/wav by its message id', async () => {
  await withEdge({}, async (edge, login) => {
    const dir = join(edge.config.dataDir, 'recordings');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'rec-1.wav');
    const wav = Buffer.alloc(1044); wav.write('RIFF', 0); wav.write('WAVE', 8);
    writeFileSync(path, wav, { mode: 0o600 });
    const id = edge.app.ivr.store.addMessage({ source: 'ivr', kind: 'message', caller: '6001', recording: 'rec-1', audioPath: path, durationSeconds: 2 });
    const cookie = await login();
    const res = await edge.app.inject({ url: `/api/owner/messages/${id}/audio`, headers: { cookie } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'audio/wav');
    assert.deepEqual(res.rawPayload, wav);
  });
});

test('an embedding site on allowedOrigins may upload: its preflight allows the headers, the answer is readable', async () => {
  await withEdge({ allowedOrigins: ['https://me.example'] }, async (edge) => {
    const preflight = await edge.app.inject({
      method: 'OPTIONS', url: '/api/voice-message',
      headers: { origin: 'https://me.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-homeline-name,x-homeline-number' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://me.example');
    assert.match(String(preflight.headers['access-control-allow-headers']), /x-homeline-name/);
    const res = await upload(edge, WEBM, { 'content-type': 'audio/webm;codecs=opus', origin: 'https://me.example', ...who() });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['access-control-allow-origin'], 'https://me.example');
  });
});

test('a streamed upload that never says its length is cut off at the cap with the same code', async () => {
  await withEdge({ messages: { voiceMaxSeconds: 5 } }, async (edge) => {
    const cap = voiceByteCap(5);
    const chunk = Buffer.concat([WEBM, Buffer.alloc(64 * 1024 - WEBM.length)]);
    let sent = 0;
    const body = new ReadableStream({
      pull(c) {
        if (sent > 4 * cap) return c.close();
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    const res = await fetch(`${edge.url}/api/voice-message`, {
      method: 'POST', body, duplex: 'half', headers: { 'content-type': 'audio/webm', ...who() },
    } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal((await res.json()).code, 'HL_VOICE_TOO_BIG');
    assert.equal(existsSync(join(edge.config.dataDir, 'voice')), false, 'nothing stored');
  });
});
