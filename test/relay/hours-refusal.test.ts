// Outside the owner's hours a visitor's INVITE to the owner is refused at the edge, before any
// upstream sees it (so on the embedded router and on Asterisk alike), like do-not-disturb.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, registeredOwner, connectedVisitor, ownerLogin, type TestEdge } from '../helpers/edge.ts';
import { header } from '../../server/sip/message.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge({ hours: { timeZone: 'Europe/London', weekly: [] } }); });
after(async () => { await edge.close(); });

test('closed hours: 480 HL_OWNER_HOURS to the owner target; the owner edits the hours open and the next INVITE rings', async () => {
  const o = await registeredOwner(edge);
  try {
    const v = await connectedVisitor(edge);
    v.invite('owner');
    const r = await v.response(480, 'INVITE');
    assert.match(header(r.msg, 'Warning')!, /399 homeline "HL_OWNER_HOURS/);
    await v.close();

    // The refusal is a call row (reason 'hours'), and its caller can be blocked from it.
    const cookie = await ownerLogin(edge);
    const calls = (await edge.app.inject({ url: '/api/owner/calls', headers: { cookie } })).json().calls;
    const row = calls.find((c: { visitor: string }) => c.visitor === v.user);
    assert.deepEqual([row.outcome, row.reason], ['refused', 'hours']);
    const blocked = await edge.app.inject({ method: 'POST', url: '/api/owner/blocks', payload: { callId: row.id, scope: 'address', days: 1 }, headers: { cookie } });
    assert.equal(blocked.statusCode, 201);
    assert.equal((await edge.app.inject({ method: 'POST', url: '/api/visitor/token', payload: {} })).json().code, 'HL_BLOCKED');
    assert.equal((await edge.app.inject({ method: 'DELETE', url: `/api/owner/blocks/${blocked.json().id}`, headers: { cookie } })).statusCode, 204);

    const allWeek = { timeZone: 'Europe/London', weekly: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '00:00', to: '24:00' }] };
    assert.equal((await edge.app.inject({ method: 'PUT', url: '/api/owner/hours', payload: { hours: allWeek }, headers: { cookie } })).statusCode, 200);
    const v2 = await connectedVisitor(edge);
    v2.invite('owner');
    const inv = await o.request('INVITE');
    assert.equal(header(inv.msg, 'X-Homeline-Role'), 'visitor');
    await v2.close();

    // Do-not-disturb on top of open hours: the switch's own code.
    edge.app.presence.set(false);
    const v3 = await connectedVisitor(edge);
    v3.invite('owner');
    assert.match(header((await v3.response(480, 'INVITE')).msg, 'Warning')!, /HL_OWNER_DND/);
    await v3.close();
  } finally {
    edge.app.presence.set(true);
    await o.close();
  }
});

test('on the Asterisk upstream the edge refuses before relaying: HL_OWNER_HOURS, not the unreachable Asterisk\'s HL_UPSTREAM_DOWN; the voice menu too while its ARI app is away', async () => {
  // Nothing listens at this Asterisk URL: had the INVITE been relayed, the visitor's lazy
  // upstream channel would have tried to open and answered 503 HL_UPSTREAM_DOWN.
  const asterisk = await startEdge({ upstream: { kind: 'asterisk', asteriskWsUrl: 'ws://127.0.0.1:9/ws', connectTimeoutMs: 300 }, hours: { timeZone: 'UTC', weekly: [] } });
  try {
    const v = await connectedVisitor(asterisk);
    v.invite('owner');
    const r = await v.response(480, 'INVITE');
    assert.match(header(r.msg, 'Warning')!, /HL_OWNER_HOURS/);
    await v.close();
    // No ARI app (none configured here): Asterisk's offline-menu fallback would ring the owner's
    // phones directly, so while closed the voice menu is refused too (real Asterisk, ARI up, the
    // menu runs and leaves word: test/asterisk/hours.test.ts).
    const vm = await connectedVisitor(asterisk, { target: '100' });
    vm.invite('100');
    assert.match(header((await vm.response(480, 'INVITE')).msg, 'Warning')!, /HL_OWNER_HOURS/, 'the menu with its ARI app away');
    await vm.close();
    asterisk.app.hours.set(null);
    const v2 = await connectedVisitor(asterisk);
    v2.invite('owner');
    assert.match(header((await v2.response(503, 'INVITE')).msg, 'Warning')!, /HL_UPSTREAM_DOWN/, 'the same INVITE in open hours is relayed');
    await v2.close();
    const vm2 = await connectedVisitor(asterisk, { target: '100' });
    vm2.invite('100');
    assert.match(header((await vm2.response(503, 'INVITE')).msg, 'Warning')!, /HL_UPSTREAM_DOWN/, 'and the menu in open hours');
    await vm2.close();
  } finally {
    await asterisk.close();
  }
});
