// A visitor socket costs the upstream nothing until the visitor places a call: the edge answers
// its OPTIONS, opens the channel at the first INVITE within the visitor budget, refuses the call
// 503 HL_UPSTREAM_BUSY when the budget is spent, and closes visitors who never call (4001).
// The per-address connection slot is taken before the asynchronous token check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, visitorToken, registeredOwner, connectedVisitor } from '../helpers/edge.ts';
import { RawUa } from '../helpers/raw-ua.ts';
import { header } from '../../server/sip/message.ts';
import { homelineWarningCode } from '../../contract/codes.ts';

test('an idle visitor holds no upstream channel; OPTIONS is answered by the edge', async () => {
  const edge = await startEdge({ limits: { wsPerIp: 20, tokenPerIpPerMinute: 100 } });
  try {
    const visitors = await Promise.all([1, 2, 3].map(() => connectedVisitor(edge)));
    for (const v of visitors) {
      v.sendMsg(v.newRequest('OPTIONS', 'sip:owner@home.arpa'));
      const ok = await v.response(200, 'OPTIONS', 10_000);
      assert.equal(header(ok.msg, 'Server'), 'homeline-edge');
    }
    assert.equal(edge.app.visitorChannels.inUse, 0);
    const owner = await registeredOwner(edge);
    visitors[0].invite('owner');
    await owner.request('INVITE', 10_000);
    assert.equal(edge.app.visitorChannels.inUse, 1);
    await visitors[0].close();
    assert.equal(edge.app.visitorChannels.inUse, 0, 'the channel goes back to the budget with the socket');
    await Promise.all([...visitors.slice(1), owner].map((u) => u.close()));
  } finally {
    await edge.close();
  }
});

test('the visitor channel budget: a call over it gets 503 HL_UPSTREAM_BUSY; the owner is not counted', async () => {
  const edge = await startEdge({ limits: { wsPerIp: 20, tokenPerIpPerMinute: 100, visitorUpstreamChannels: 1, visitorCallsTotal: 5, busyRetryAfterSeconds: 17 } });
  try {
    const owner = await registeredOwner(edge);
    const a = await connectedVisitor(edge);
    const b = await connectedVisitor(edge);
    a.invite('owner');
    await owner.request('INVITE', 10_000);
    b.invite('owner');
    const busy = await b.response(503, 'INVITE', 10_000);
    assert.equal(homelineWarningCode(header(busy.msg, 'Warning')), 'HL_UPSTREAM_BUSY');
    assert.equal(header(busy.msg, 'Retry-After'), '17');
    await a.close();
    b.sendMsg(b.newRequest('INVITE', 'sip:owner@home.arpa', { body: 'v=0\r\n' }));
    const second = await owner.request('INVITE', 10_000);
    assert.match(header(second.msg, 'From')!, new RegExp(b.user));
    await Promise.all([b, owner].map((u) => u.close()));
  } finally {
    await edge.close();
  }
});

test('a visitor who places no call is closed with 4001; one who called stays', async () => {
  const edge = await startEdge({ visitor: { idleSeconds: 1 }, limits: { wsPerIp: 20, tokenPerIpPerMinute: 100 } });
  try {
    const owner = await registeredOwner(edge);
    const caller = await connectedVisitor(edge);
    caller.invite('owner');
    await owner.request('INVITE', 10_000);
    const idle = await connectedVisitor(edge);
    const closed = await idle.waitClose(30_000);
    assert.equal(closed.code, 4001);
    assert.match(closed.reason, /^HL_NO_CALL/);
    assert.equal(caller.closed, undefined, 'the visitor who called was connected longer and is still open');
    await Promise.all([caller, owner].map((u) => u.close()));
  } finally {
    await edge.close();
  }
});

test('simultaneous upgrades from one address cannot overshoot wsPerIp', async () => {
  const edge = await startEdge({ limits: { wsPerIp: 4, tokenPerIpPerMinute: 100 } });
  try {
    const tokens = await Promise.all(Array.from({ length: 12 }, () => visitorToken(edge)));
    const results = await Promise.allSettled(tokens.map((t) => RawUa.connect(t.body.wsUrl, 'x')));
    const open = results.filter((r): r is PromiseFulfilledResult<RawUa> => r.status === 'fulfilled').map((r) => r.value);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.statusCode);
    assert.equal(open.length, 4);
    assert.deepEqual(refused, Array(8).fill(429));
    await Promise.all(open.map((u) => u.close()));
    // The slots come back when the sockets close, and refused upgrades never held one.
    const again = await Promise.all(Array.from({ length: 4 }, async () => RawUa.connect((await visitorToken(edge)).body.wsUrl, 'x')));
    await Promise.all(again.map((u) => u.close()));
  } finally {
    await edge.close();
  }
});
