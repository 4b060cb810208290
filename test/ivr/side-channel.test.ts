// The widget's view of the voice menu: when the ARI app moves a visitor's call to another menu
// node, the edge tells that visitor (and nobody else) over its own /sip WebSocket, as a SIP
// MESSAGE the visitor's JsSIP UA receives. Driven by the ARI simulator and the real edge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startEdge, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { header } from '../../server/sip/message.ts';
import type { RawUa } from '../helpers/raw-ua.ts';
import { AriSimulator } from './ari-simulator.ts';

let sim: AriSimulator;
let edge: TestEdge;

before(async () => {
  sim = new AriSimulator({ user: 'homeline', password: 'sim-pw', playbackMs: 30 });
  const url = await sim.listen();
  const connected = once(sim, 'appConnected');
  edge = await startEdge({ ari: { url, password: 'sim-pw' }, limits: { tokenPerIpPerMinute: 1000, wsPerIp: 50 } });
  await connected;
});
after(async () => {
  await edge?.close();
  await sim?.close();
});

test('node changes of a visitor\'s call reach that visitor\'s socket as MESSAGEs, and only that visitor', async () => {
  const v = await connectedVisitor(edge);
  const other = await connectedVisitor(edge);
  const channel = sim.startCall('homeline', { name: 'Visitor', number: '' }, 'Ring', ['visitor', v.user])!;
  assert.ok(channel);

  const first = await v.request('MESSAGE', 8000);
  assert.equal(header(first.msg, 'Content-Type'), 'application/vnd.homeline.ivr+json');
  const main = JSON.parse(first.msg.body);
  assert.equal(main.type, 'ivr-node');
  assert.equal(main.node, 'main');
  assert.deepEqual(main.options.map((o: { key: string }) => o.key), ['1', '6', '0']);
  assert.equal(main.top, true, 'the start node: the widget offers no Back');
  assert.doesNotMatch(main.text, /press/i, 'the screen text, not the voice script');
  assert.doesNotMatch(first.msg.body, /PJSIP|60\d\d/, 'no dial strings or extensions in what a visitor sees');
  v.reply(first.msg, 200, 'OK');

  sim.dtmf(channel, '0');
  const next = await v.next((m) => m.kind === 'request' && m.method === 'MESSAGE' && JSON.parse(m.body).node === 'contact', 5000);
  assert.match(JSON.parse(next.msg.body).options.map((o: { label: string }) => o.label).join('|'), /Ring the owner/);
  assert.equal(JSON.parse(next.msg.body).top, false);
  v.reply(next.msg as never, 200, 'OK');

  // The other visitor heard nothing of it (its socket is flushed up to now).
  await Promise.all([flushed(v), flushed(other)]);
  assert.equal(other.inbox.filter((r) => r.msg.kind === 'request' && r.msg.method === 'MESSAGE').length, 0);
  // The visitor's 200s ended at the edge: nothing of them went upstream or back.
  assert.equal(v.inbox.filter((r) => r.msg.kind === 'response').length, 0);
  sim.hangup(channel);
  await Promise.all([v.close(), other.close()]);
});

/** The next `nodeChanged` the edge's ARI app emits for `channelId`. */
function nodeChange(channelId: string): Promise<{ channelId: string; visitor?: string; node: string }> {
  return new Promise((resolve) => {
    const on = (change: { channelId: string; visitor?: string; node: string }) => {
      if (change.channelId !== channelId) return;
      edge.app.ivr.ari!.off('nodeChanged', on);
      resolve(change);
    };
    edge.app.ivr.ari!.on('nodeChanged', on);
  });
}

/** A round trip on `ua`'s socket: every frame the edge sent it before is in its inbox now. */
async function flushed(ua: RawUa): Promise<void> {
  ua.sendMsg(ua.newRequest('OPTIONS', 'sip:owner@home.arpa'));
  await ua.response(200, 'OPTIONS');
}

test('a call without the stamped visitor id, or with one that has no connection, is walked but tells nobody', async () => {
  const v = await connectedVisitor(edge);
  const start = (vars: string[]) => {
    const id = sim.startCall('homeline', { name: 'Visitor', number: '' }, 'Ring', vars)!;
    assert.ok(id);
    return { id, entered: nodeChange(id) };
  };
  const calls = [start(['visitor']), start(['visitor', 'v-nobodyhere']), start(['visitor', 'not a visitor id'])];
  // Each call entered the main menu (the edge's side channel runs synchronously on this event)…
  const changes = await Promise.all(calls.map((c) => c.entered));
  assert.deepEqual(changes.map((c) => c.node), ['main', 'main', 'main']);
  assert.equal(changes[0].visitor, undefined);
  for (const c of calls) assert.ok(sim.channelRequests(c.id).some((r) => r.path.endsWith('/answer')), 'the call itself is served');
  // …and nothing reached the connected visitor, whose socket has seen everything sent before now.
  await flushed(v);
  assert.deepEqual(v.inbox, []);
  for (const c of calls) sim.hangup(c.id);
  await v.close();
});
