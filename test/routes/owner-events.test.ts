// GET /api/owner/events on a real listening edge (inject cannot stream): owner-only, forwards the
// owner event bus as SSE frames (call rows moving as a real visitor calls, the status switch, a
// DND refusal), bounded, ends with the session, and never holds up app.close().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { startEdge, ownerLogin, registeredOwner, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { header } from '../../server/sip/message.ts';

let edge: TestEdge;
let cookie: string;
before(async () => {
  edge = await startEdge({}, { ownerEvents: { heartbeatMs: 100, maxStreams: 3 } });
  cookie = await ownerLogin(edge);
});
after(async () => { await edge?.close(); });

interface Stream { res: IncomingMessage; text: () => string; frames: () => unknown[]; next: (pred: (e: any) => boolean) => Promise<any>; ended: Promise<void>; close(): void }

/** Opens the stream and collects what arrives. */
function open(e: TestEdge, headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request(`${e.url}/api/owner/events`, { headers }, (res) => {
      let buf = '';
      const waiters: Array<() => void> = [];
      res.setEncoding('utf8');
      res.on('data', (d: string) => { buf += d; for (const w of waiters.splice(0)) w(); });
      const ended = new Promise<void>((r) => { res.on('end', r); res.on('close', r); });
      const frames = () => buf.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => JSON.parse(f.slice(6)));
      const next = (pred: (e: any) => boolean) => new Promise<any>((r, j) => {
        const check = () => {
          const hit = frames().find(pred);
          if (hit) return r(hit);
          if (res.readableEnded) return j(new Error(`stream ended without the event; got ${buf}`));
          waiters.push(check);
        };
        check();
      });
      resolve({ res, text: () => buf, frames, next, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

test('without a session: 401 HL_NOT_OWNER as JSON, no stream; from another site 403', async () => {
  const res = await fetch(`${edge.url}/api/owner/events`);
  assert.equal(res.status, 401);
  assert.equal((await res.json()).code, 'HL_NOT_OWNER');
  const foreign = await fetch(`${edge.url}/api/owner/events`, { headers: { cookie, origin: 'https://evil.example' } });
  assert.equal(foreign.status, 403);
});

test('a visitor call moves through the stream: ringing, then declined, each change a { type: call, id } of its row', async () => {
  const s = await open(edge, { cookie });
  try {
    assert.equal(s.res.statusCode, 200);
    assert.match(String(s.res.headers['content-type']), /^text\/event-stream/);
    assert.equal(s.res.headers['cache-control'], 'no-store');
    const o = await registeredOwner(edge);
    const v = await connectedVisitor(edge, { name: 'Ada' });
    v.invite('owner');
    const atOwner = await o.request('INVITE');
    const first = await s.next((e) => e.type === 'call');
    const row = () => edge.app.callLog.list().find((c) => c.id === first.id)!;
    assert.equal(row().visitor, v.user);
    assert.equal(row().endedAt, null);
    o.reply(atOwner.msg, 603, 'Decline');
    await v.response(603, 'INVITE');
    const ofRow = () => s.frames().filter((e: any) => e.type === 'call' && e.id === first.id).length;
    while (ofRow() < 2) await s.next(() => ofRow() >= 2);
    assert.equal(row().outcome, 'declined');
    await Promise.all([o.close(), v.close()]);
  } finally {
    s.close();
  }
});

test('the switch publishes status; a call refused by do-not-disturb becomes a refused row, announced', async () => {
  const s = await open(edge, { cookie });
  try {
    const put = await fetch(`${edge.url}/api/owner/availability`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ available: false }) });
    assert.deepEqual(await put.json(), { available: false, reason: 'dnd' });
    await s.next((e) => e.type === 'status');
    const v = await connectedVisitor(edge, { name: 'Grace' });
    v.invite('owner');
    const r = await v.response(480, 'INVITE');
    assert.match(header(r.msg, 'Warning')!, /HL_OWNER_DND/);
    const ev = await s.next((e) => e.type === 'call');
    const row = edge.app.callLog.list().find((c) => c.id === ev.id)!;
    assert.equal(row.visitor, v.user);
    assert.equal(row.name, 'Grace');
    assert.equal(row.outcome, 'refused');
    assert.equal(row.reason, 'dnd');
    assert.equal(row.endedAt, row.startedAt);
    await v.close();
  } finally {
    await fetch(`${edge.url}/api/owner/availability`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ available: true }) });
    s.close();
  }
});

test('bounded: the stream after maxStreams gets 429 HL_TOO_MANY_STREAMS; a closed one frees its slot and its subscription', async () => {
  // Streams the tests above closed may still be going away on the edge's side.
  while (edge.app.ownerEvents.subscribers > 0) await new Promise((r) => setTimeout(r, 10));
  const before = 0;
  const streams = await Promise.all([1, 2, 3].map(() => open(edge, { cookie })));
  try {
    assert.equal(edge.app.ownerEvents.subscribers, before + 3);
    const refused = await fetch(`${edge.url}/api/owner/events`, { headers: { cookie } });
    assert.equal(refused.status, 429);
    assert.equal((await refused.json()).code, 'HL_TOO_MANY_STREAMS');
    streams[0].close();
    await streams[0].ended;
    while (edge.app.ownerEvents.subscribers > before + 2) await new Promise((r) => setTimeout(r, 10));
    const again = await open(edge, { cookie });
    assert.equal(again.res.statusCode, 200);
    streams[0] = again;
  } finally {
    for (const s of streams) s.close();
  }
});

test('heartbeat comments flow; signing out ends the stream at the next beat', async () => {
  const mine = await ownerLogin(edge);
  const s = await open(edge, { cookie: mine });
  while (!s.text().includes(': beat')) await new Promise((r) => setTimeout(r, 20));
  await fetch(`${edge.url}/api/owner/logout`, { method: 'POST', headers: { cookie: mine } });
  await s.ended;
  assert.ok(s.res.readableEnded || s.res.destroyed);
});

test('app.close() ends open streams instead of waiting for them', async () => {
  const own = await startEdge();
  const c = await ownerLogin(own);
  const s = await open(own, { cookie: c });
  assert.equal(own.app.ownerEvents.subscribers, 1);
  await own.close();
  await s.ended;
  assert.match(s.text(), /edge shutting down/);
  assert.equal(own.app.ownerEvents.subscribers, 0);
});
