// Issue 9: an owner's upgrade opens its upstream channel (to Asterisk's /ws) before the 101. If the
// browser's TCP socket goes away while that channel is still opening, the edge must close the
// channel once it opens, and leave no relay session and no per-address connection slot behind.
// Two ways to vanish, two paths in sip-ws.ts: a FIN (socket.destroy()) is only an 'end' to the edge
// (Node's HTTP server allows half-open sockets), so its socket closes when the upgrade drops it,
// after the channel opened, and the 'close' listener set in admitWithSlot closes the channel; a
// reset (resetAndDestroy(): a tab killed, a network gone) closes the edge's socket at once, while
// the channel is still opening, so that listener comes too late and the check of
// `req.raw.socket.destroyed` closes it. Both give the slot back through `release` in `admit`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { startFarEnd } from '../helpers/far-end.ts';
import { startEdge, ownerToken } from '../helpers/edge.ts';
import { RawUa } from '../helpers/raw-ua.ts';

const cleanups: Array<() => Promise<void>> = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

/** `p`, or a failure naming what never happened after `ms` (a bound, not a speed check). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} (waited ${ms} ms)`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Polls `cond` until it holds, failing with `what` after `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what} (waited ${ms} ms)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function vanishWhileOpening(how: 'fin' | 'rst'): Promise<void> {
  const fe = await startFarEnd('sip', { hold: true });
  cleanups.push(fe.close);
  // One connection per address: a slot left behind would refuse the second upgrade below.
  const edge = await startEdge({ upstream: { kind: 'asterisk', asteriskWsUrl: fe.url }, limits: { wsPerIp: 1 } });
  cleanups.push(() => edge.close());
  const ip = '127.0.0.1';
  const sessionsBefore = edge.app.relaySessions.size;
  const slotsBefore = edge.app.wsByIp.count(ip);

  const wsUrl = new URL((await ownerToken(edge)).body.wsUrl);
  const client = connect(Number(wsUrl.port), wsUrl.hostname);
  await once(client, 'connect');
  client.write([
    `GET ${wsUrl.pathname}${wsUrl.search} HTTP/1.1`,
    `Host: ${wsUrl.host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Protocol: sip',
    '', '',
  ].join('\r\n'));

  // The edge is now opening the owner's upstream channel; the far end holds that upgrade
  // (well inside the edge's connect timeout, which would otherwise refuse the upgrade itself).
  const upstream = await within(fe.held(), 5000, 'the edge never opened the upstream channel');
  assert.equal(edge.app.wsByIp.count(ip), slotsBefore + 1);
  if (how === 'fin') client.destroy();
  else client.resetAndDestroy();
  await once(client, 'close');
  // A reset reaches the edge's socket at once: its slot is given back while the channel is opening.
  if (how === 'rst') await until(() => edge.app.wsByIp.count(ip) === slotsBefore, 2000, 'the reset did not release the per-address slot');
  upstream.release();

  await within(upstream.closed, 5000, 'the edge left the upstream WebSocket of a vanished client open');
  await until(() => edge.app.relaySessions.size === sessionsBefore, 5000, 'a relay session was left behind');
  await until(() => edge.app.wsByIp.count(ip) === slotsBefore, 5000, 'the per-address slot was left taken');

  // The same address can still connect: a new owner upgrade gets its 101 and a session.
  const next = fe.held().then((h) => { h.release(); return h; });
  const ua = await within(RawUa.connect((await ownerToken(edge)).body.wsUrl, edge.config.owner.extension), 5000, 'the second upgrade did not complete');
  await within(next, 5000, 'the second upgrade opened no upstream channel');
  assert.equal(edge.app.relaySessions.size, sessionsBefore + 1);
  await ua.close();
  await until(() => edge.app.relaySessions.size === sessionsBefore, 5000, 'the second session did not end');
}

test('an owner whose socket ends (FIN) while the edge opens its upstream channel: channel closed, no session or slot left', () => vanishWhileOpening('fin'));

test('an owner whose socket is reset while the edge opens its upstream channel: channel closed, no session or slot left', () => vanishWhileOpening('rst'));
