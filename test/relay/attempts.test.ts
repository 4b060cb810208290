// Issue 10 (5): call-attempt budgets. INVITE→CANCEL cycles inside the message rate used to ring
// the owner 80 times in 20 s and push 100 rows into the call log; now each visitor connection,
// each address and the whole edge may start only a few calls a minute.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, registeredOwner, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import type { RawUa } from '../helpers/raw-ua.ts';
import { ringAndCancel } from '../helpers/call.ts';
import { header } from '../../server/sip/message.ts';
import { CallAttemptBudget } from '../../server/limits/call-attempts.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge({ limits: { wsPerIp: 50, tokenPerIpPerMinute: 1000, callAttemptsPerAddressPerMinute: 5 } }); });
after(async () => { await edge.close(); });

async function overBudget(v: RawUa, o: RawUa): Promise<void> {
  v.invite('owner');
  const r = await v.response(503, 'INVITE');
  assert.match(header(r.msg, 'Warning')!, /HL_TOO_MANY_ATTEMPTS/);
  assert.ok(Number(header(r.msg, 'Retry-After')) >= 1 && Number(header(r.msg, 'Retry-After')) <= 60, header(r.msg, 'Retry-After'));
  await assert.rejects(o.request('INVITE', 300), 'the owner was not rung');
}

test('a visitor connection may start 3 calls a minute, an address 5: then 503 HL_TOO_MANY_ATTEMPTS with Retry-After', async () => {
  const o = await registeredOwner(edge);
  const v1 = await connectedVisitor(edge);
  for (let i = 0; i < 3; i++) await ringAndCancel(o, v1);
  await overBudget(v1, o);
  // A fresh connection from the same address has its own 3, but the address only 2 more.
  const v2 = await connectedVisitor(edge);
  for (let i = 0; i < 2; i++) await ringAndCancel(o, v2);
  await overBudget(v2, o);
  await new Promise((r) => setTimeout(r, 100));
  const rows = edge.app.callLog.list().filter((c) => c.visitor === v1.user || c.visitor === v2.user);
  assert.equal(rows.length, 5, 'one call-log row per attempt that rang, none for the refused ones');
  assert.ok(rows.every((c) => c.outcome === 'cancelled'));
  await Promise.all([o.close(), v1.close(), v2.close()]);
});

test('budgets: the edge-wide one counts everybody; a refused attempt spends nothing; each refills evenly over its minute', () => {
  // Edge 4 a minute: 4 at once, then one every 15 s.
  const b = new CallAttemptBudget({ perConnectionPerMinute: 3, perAddressPerMinute: 6, edgePerMinute: 4 });
  assert.ok(b.take('c1', '192.0.2.1', 0).ok);
  assert.ok(b.take('c1', '192.0.2.1', 1000).ok);
  assert.ok(b.take('c2', '192.0.2.2', 2000).ok);
  assert.ok(b.take('c3', '192.0.2.3', 3000).ok);
  // 4 taken, 4 s × 4/60 refilled: 0.27 of a token, a whole one 11 s later.
  assert.deepEqual(b.take('c4', '192.0.2.4', 4000), { ok: false, scope: 'edge', retryAfterSeconds: 11 });
  // The refusal spent nothing from c4's or its address's budgets: at 15 s the edge has one again.
  assert.ok(b.take('c4', '192.0.2.4', 15_001).ok);
  assert.deepEqual(b.take('c1', '192.0.2.1', 15_002), { ok: false, scope: 'edge', retryAfterSeconds: 15 });
  assert.ok(b.take('c1', '192.0.2.1', 30_002).ok, 'one more after 15 s');
  // Per connection (2 a minute: one per 30 s) and per address (3 a minute: one per 20 s), the same way.
  const c = new CallAttemptBudget({ perConnectionPerMinute: 2, perAddressPerMinute: 3, edgePerMinute: 100 });
  assert.ok(c.take('c1', '192.0.2.1', 0).ok && c.take('c1', '192.0.2.1', 10_000).ok);
  assert.deepEqual(c.take('c1', '192.0.2.1', 20_000), { ok: false, scope: 'connection', retryAfterSeconds: 10 });
  assert.ok(c.take('c2', '192.0.2.1', 20_000).ok);
  assert.ok(c.take('c3', '192.0.2.1', 20_000).ok);
  assert.deepEqual(c.take('c4', '192.0.2.1', 20_000), { ok: false, scope: 'address', retryAfterSeconds: 20 });
});

test('do-not-disturb refusals are call-log rows only within the call-attempt budget: a refusal loop cannot flood the log', async () => {
  const small = await startEdge({ limits: { callAttemptsPerConnectionPerMinute: 3, callAttemptsPerAddressPerMinute: 1000 } });
  small.app.presence.set(false);
  try {
    const v = await connectedVisitor(small);
    for (let i = 0; i < 8; i++) {
      v.invite('owner');
      const r = await v.response(480, 'INVITE');
      assert.match(header(r.msg, 'Warning')!, /HL_OWNER_DND/, 'every one is still refused as do-not-disturb');
    }
    const rows = small.app.callLog.list().filter((c) => c.visitor === v.user);
    assert.equal(rows.length, 3);
    assert.ok(rows.every((c) => c.outcome === 'refused' && c.reason === 'dnd'));
    await v.close();
  } finally {
    await small.close();
  }
});
