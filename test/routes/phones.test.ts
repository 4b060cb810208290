// GET/PUT /api/owner/phones: which of the owner's phones ring, and when. Owner-only, schema and
// allow-list checked (a refused edit changes nothing), kept in the data dir (0600) across a
// restart, and applied by the embedded router: a tab set not to ring now is not rung.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { header } from '../../server/sip/message.ts';
import { startEdge, ownerLogin, registeredOwner, connectedVisitor, type TestEdge } from '../helpers/edge.ts';

let edge: TestEdge;
let cookie: string;
const dataDir = mkdtempSync(join(tmpdir(), 'homeline-phones-'));
before(async () => {
  edge = await startEdge({ dataDir, owner: { phones: ['6001', '6010'] } });
  cookie = await ownerLogin(edge);
});
after(async () => {
  await edge.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const get = async (e = edge, c = cookie) => e.app.inject({ url: '/api/owner/phones', headers: { cookie: c } });
const put = async (payload: unknown, headers: Record<string, string> = {}) =>
  edge.app.inject({ method: 'PUT', url: '/api/owner/phones', payload: payload as object, headers: { cookie, ...headers } });

const NIGHT_ONLY = { timeZone: 'UTC', weekly: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '00:00', to: '00:01' }] };

test('owner only: 401 HL_NOT_OWNER without a session, 403 from a foreign page', async () => {
  assert.equal((await edge.app.inject({ url: '/api/owner/phones' })).json().code, 'HL_NOT_OWNER');
  const r = await edge.app.inject({ method: 'PUT', url: '/api/owner/phones', payload: { rules: [] } });
  assert.equal(r.statusCode, 401);
  assert.equal((await put({ rules: [] }, { origin: 'https://evil.example' })).json().code, 'HL_ORIGIN_FORBIDDEN');
});

test('by default the tab and every phone of owner.phones ring, always', async () => {
  const body = (await get()).json();
  assert.deepEqual(body.phones.map((p: any) => [p.extension, p.mode, p.tab, p.ringsNow]), [['6000', 'always', true, true], ['6001', 'always', false, true], ['6010', 'always', false, true]]);
  assert.equal(body.appliedBy, 'embedded');
  assert.equal(body.nextChange, null);
});

test('refused edits name what is wrong and change nothing', async () => {
  const before = (await get()).json();
  const cases: [unknown, string, RegExp][] = [
    [{ rules: [{ extension: '6005', mode: 'always' }] }, 'HL_RING_RULE_INVALID', /6005 is not one of the owner's phones/],
    [{ rules: [{ extension: '6001', mode: 'hours' }] }, 'HL_RING_RULE_INVALID', /has none/],
    [{ rules: [{ extension: '6001', mode: 'hours', hours: { timeZone: 'Mars/Olympus', weekly: [] } }] }, 'HL_RING_RULE_INVALID', /is not an IANA time zone/],
    [{ rules: [{ extension: '6001', mode: 'never' }, { extension: '6001', mode: 'always' }] }, 'HL_RING_RULE_INVALID', /twice/],
    [{ rules: [{ extension: '6001', mode: 'sometimes' }] }, 'HL_BAD_REQUEST', /mode/],
    [{ rules: [{ extension: '6001', mode: 'hours', hours: { timeZone: 'UTC', weekly: [{ days: ['mon'], from: '25:00', to: '26:00' }] } }] }, 'HL_BAD_REQUEST', /from/],
    [{ rules: [{ extension: 'PJSIP/0900@provider', mode: 'always' }] }, 'HL_BAD_REQUEST', /extension/],
  ];
  for (const [payload, code, message] of cases) {
    const r = await put(payload);
    assert.equal(r.statusCode, 400, JSON.stringify(payload));
    assert.equal(r.json().code, code, JSON.stringify(payload));
    assert.match(r.json().message, message);
  }
  assert.deepEqual((await get()).json().phones, before.phones);
});

test('an accepted edit is answered with the new state, written 0600, and read back by a restarted edge', async () => {
  const r = await put({ rules: [{ extension: '6010', mode: 'never' }, { extension: '6001', mode: 'hours', hours: NIGHT_ONLY }] });
  assert.equal(r.statusCode, 200);
  const body = r.json();
  // Kept in the owner's order; the tab, not mentioned, rings always.
  assert.deepEqual(body.phones.map((p: any) => [p.extension, p.mode]), [['6000', 'always'], ['6001', 'hours'], ['6010', 'never']]);
  assert.equal(body.phones[2].ringsNow, false);
  assert.ok(body.nextChange, 'the hours have a next change');
  const file = join(dataDir, 'phones.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).rules[1].hours.timeZone, 'UTC');
  const again = await startEdge({ dataDir, owner: { phones: ['6001', '6010'] } });
  try {
    const c = await ownerLogin(again);
    assert.deepEqual((await get(again, c)).json().phones.map((p: any) => p.mode), ['always', 'hours', 'never']);
  } finally {
    await again.close();
  }
});

test('embedded upstream: a tab set not to ring gets no INVITE and the visitor hears 480 HL_OWNER_DND; set to ring, it rings', async () => {
  const o = await registeredOwner(edge);
  try {
    assert.equal((await put({ rules: [{ extension: '6000', mode: 'never' }] })).statusCode, 200);
    const v = await connectedVisitor(edge);
    v.invite('owner');
    const refused = await v.response(480, 'INVITE');
    assert.match(header(refused.msg, 'Warning')!, /HL_OWNER_DND.*does not ring at this hour/);
    await v.close();
    assert.equal((await put({ rules: [{ extension: '6000', mode: 'always' }] })).statusCode, 200);
    const v2 = await connectedVisitor(edge);
    v2.invite('owner');
    const atTab = await o.request('INVITE');
    o.reply(atTab.msg, 486, 'Busy Here');
    await v2.response(486, 'INVITE');
    await v2.close();
  } finally {
    await o.close();
  }
});
