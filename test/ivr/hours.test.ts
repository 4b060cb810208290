// The voice menu's "ring the owner" asks the same availability as the direct route: outside the
// owner's hours it leaves word instead of ringing, and rings again once the owner opens the hours.
// Driven by the ARI simulator and the real edge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startEdge, ownerLogin, type TestEdge } from '../helpers/edge.ts';
import { AriSimulator } from './ari-simulator.ts';

let sim: AriSimulator;
let edge: TestEdge;

before(async () => {
  sim = new AriSimulator({ user: 'homeline', password: 'sim-pw', playbackMs: 30 });
  const url = await sim.listen();
  const connected = once(sim, 'appConnected');
  edge = await startEdge({ ari: { url, password: 'sim-pw' }, hours: { timeZone: 'Europe/London', weekly: [] } });
  await connected;
});
after(async () => {
  await edge?.close();
  await sim?.close();
});

interface Change { channelId: string; node: string; mode: string }

/** Walks main → contact → "ring the owner" and returns the mode the contact node went into. */
async function ringTheOwner(): Promise<{ mode: string; channel: string }> {
  const changes: Change[] = [];
  const on = (c: Change) => changes.push(c);
  edge.app.ivr.ari!.on('nodeChanged', on);
  const channel = sim.startCall('homeline', { name: 'Visitor', number: '' }, 'Ring', ['visitor', 'v-test'])!;
  const reached = async (pred: (c: Change) => boolean) => {
    for (let i = 0; i < 400 && !changes.some(pred); i++) await new Promise((r) => setTimeout(r, 10));
    const hit = changes.find(pred);
    assert.ok(hit, `not reached; saw ${JSON.stringify(changes.map((c) => [c.node, c.mode]))}`);
    return hit;
  };
  await reached((c) => c.channelId === channel && c.node === 'main');
  sim.dtmf(channel, '0');
  await reached((c) => c.channelId === channel && c.node === 'contact' && c.mode === 'menu');
  sim.dtmf(channel, '1');
  const next = await reached((c) => c.channelId === channel && c.node === 'contact' && (c.mode === 'ringing' || c.mode === 'recording'));
  edge.app.ivr.ari!.off('nodeChanged', on);
  return { mode: next.mode, channel };
}

test('closed hours: "ring the owner" leaves word without dialling; open hours: it rings', async () => {
  const closed = await ringTheOwner();
  assert.equal(closed.mode, 'recording');
  assert.equal(sim.channelRequests(closed.channel).some((r) => r.path.endsWith('/continue') || r.path.endsWith('/variable')), false, 'nothing handed to [ivr-ring]');
  sim.hangup(closed.channel);

  const cookie = await ownerLogin(edge);
  const allWeek = { timeZone: 'Europe/London', weekly: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '00:00', to: '24:00' }] };
  assert.equal((await edge.app.inject({ method: 'PUT', url: '/api/owner/hours', payload: { hours: allWeek }, headers: { cookie } })).statusCode, 200);
  const open = await ringTheOwner();
  assert.equal(open.mode, 'ringing');
  sim.hangup(open.channel);
});
