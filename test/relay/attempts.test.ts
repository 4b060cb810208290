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

test('budgets: the edge-wide one counts everybody; a refused attempt spends nothing; the window slides', () => {
  const b = new CallAttemptBudget({ perConnectionPerMinute: 3, perAddressPerMinute: 6, edgePerMinute: 4 });
  let t = 0;
  assert.ok(b.take('c1', '192.0.2.1', t).ok);
  assert.ok(b.take('c1', '192.0.2.1', t += 1000).ok);
  assert.ok(b.take('c2', '192.0.2.2', t += 1000).ok);
  assert.ok(b.take('c3', '192.0.2.3', t += 1000).ok);
  assert.deepEqual(b.take('c4', '192.0.2.4', t += 1000), { ok: false, scope: 'edge', retryAfterSeconds: 56 });
  // The refusal spent nothing from c4's or its address's budgets.
  t = 60_000;
  assert.ok(b.take('c4', '192.0.2.4', t).ok, 'the first attempt left the window');
  assert.deepEqual(b.take('c1', '192.0.2.1', t += 1), { ok: false, scope: 'edge', retryAfterSeconds: 1 });
  assert.ok(b.take('c1', '192.0.2.1', t = 61_000).ok);
  assert.deepEqual(b.take('c1', '192.0.2.1', t = 61_500), { ok: false, scope: 'edge', retryAfterSeconds: 1 });
  // Per connection and per address, the same way.
  const c = new CallAttemptBudget({ perConnectionPerMinute: 2, perAddressPerMinute: 3, edgePerMinute: 100 });
  assert.ok(c.take('c1', '192.0.2.1', 0).ok && c.take('c1', '192.0.2.1', 10_000).ok);
  assert.deepEqual(c.take('c1', '192.0.2.1', 20_000), { ok: false, scope: 'connection', retryAfterSeconds: 40 });
  assert.ok(c.take('c2', '192.0.2.1', 20_000).ok);
  assert.deepEqual(c.take('c3', '192.0.2.1', 30_000), { ok: false, scope: 'address', retryAfterSeconds: 30 });
});
