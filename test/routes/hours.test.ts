// Opening hours over HTTP: owner-only edits with a schema, kept 0600 in the data dir across a
// restart, and what visitors see in /api/status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEdge, ownerLogin } from '../helpers/edge.ts';
import { ConfigError, validateConfig } from '../../server/config/load.ts';

const NEVER = { timeZone: 'Europe/London', weekly: [] };
const ALWAYS = { timeZone: 'Europe/London', weekly: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '00:00', to: '24:00' }] };

test('config: hours.timeZone is checked at start, one line naming the key', () => {
  assert.throws(() => validateConfig({ hours: { timeZone: 'Europe/Londn', weekly: [] } }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, 'invalid configuration:\n  hours.timeZone: "Europe/Londn" is not an IANA time zone, e.g. "Europe/London"');
    return true;
  });
  assert.throws(() => validateConfig({ hours: { timeZone: 'UTC', weekly: [{ days: ['mon'], from: '9:00', to: '18:00' }] } }), /hours\.weekly\.0\.from/);
  assert.equal(validateConfig({}).hours, undefined, 'absent: always open');
});

test('/api/owner/hours: 401 without the owner, 400 on a bad schedule, and nothing saved then', async () => {
  const edge = await startEdge({ hours: ALWAYS });
  try {
    assert.equal((await edge.app.inject({ url: '/api/owner/hours' })).json().code, 'HL_NOT_OWNER');
    const anon = await edge.app.inject({ method: 'PUT', url: '/api/owner/hours', payload: { hours: NEVER } });
    assert.equal(anon.statusCode, 401);
    const cookie = await ownerLogin(edge);
    const put = (payload: unknown) => edge.app.inject({ method: 'PUT', url: '/api/owner/hours', payload: payload as object, headers: { cookie } });
    const noZone = await put({ hours: { weekly: [] } });
    assert.deepEqual([noZone.statusCode, noZone.json().code], [400, 'HL_BAD_REQUEST']);
    const late = await put({ hours: { timeZone: 'UTC', weekly: [{ days: ['mon'], from: '24:00', to: '02:00' }] } });
    assert.deepEqual([late.statusCode, late.json().code], [400, 'HL_BAD_REQUEST'], '24:00 only ends a day');
    const badDay = await put({ hours: { timeZone: 'UTC', weekly: [{ days: ['mon', 'funday'], from: '09:00', to: '18:00' }] } });
    assert.deepEqual([badDay.statusCode, badDay.json().code], [400, 'HL_BAD_REQUEST']);
    const badZone = await put({ hours: { timeZone: 'Mars/Olympus', weekly: [] } });
    assert.deepEqual([badZone.statusCode, badZone.json().code], [400, 'HL_BAD_HOURS']);
    assert.match(badZone.json().message, /timeZone: "Mars\/Olympus" is not an IANA time zone/);
    const get = await edge.app.inject({ url: '/api/owner/hours', headers: { cookie } });
    assert.deepEqual(get.json().hours, ALWAYS);
    assert.equal(get.json().source, 'config');
  } finally {
    await edge.close();
  }
});

test('closed hours: /api/status says reason hours with the next opening; the console edit survives a restart, 0600', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'homeline-hours-'));
  try {
    const edge = await startEdge({ dataDir, hours: ALWAYS });
    const cookie = await ownerLogin(edge);
    const status = async () => (await edge.app.inject({ url: '/api/status' })).json().owner;
    assert.equal((await status()).reason, 'offline', 'open, but no owner tab registered');
    // Open only at one minute of Monday in Tokyo: closed now unless the test runs in that minute.
    const monday = { timeZone: 'Asia/Tokyo', weekly: [{ days: ['mon'], from: '09:00', to: '09:01' }] };
    const events: unknown[] = [];
    const off = edge.app.ownerEvents.subscribe((e) => events.push(e));
    const saved = await edge.app.inject({ method: 'PUT', url: '/api/owner/hours', payload: { hours: monday }, headers: { cookie } });
    off();
    assert.equal(saved.statusCode, 200);
    assert.deepEqual(events, [{ type: 'status' }], 'the console hears that the status may have changed');
    assert.equal(saved.json().now.reason, 'hours');
    const owner = await status();
    assert.equal(owner.reason, 'hours');
    assert.equal(owner.reachable, false);
    const opens = new Date(owner.opensAt);
    assert.equal(opens.toISOString(), owner.opensAt, 'an ISO instant');
    assert.equal(opens.getUTCDay(), 1, 'Monday 09:00 in Tokyo is Monday 00:00 UTC');
    assert.deepEqual([opens.getUTCHours(), opens.getUTCMinutes()], [0, 0]);
    assert.ok(opens.getTime() > Date.now() && opens.getTime() <= Date.now() + 7 * 86_400_000);
    // The console's status line: the switch is on, but visitors cannot call until the opening.
    const avail = (await edge.app.inject({ url: '/api/owner/availability', headers: { cookie } })).json();
    assert.deepEqual(avail, { available: true, reason: 'hours', until: opens.getTime() });
    // Do-not-disturb wins over the hours: no "back at" while the owner's own switch is off.
    await edge.app.inject({ method: 'PUT', url: '/api/owner/availability', payload: { available: false }, headers: { cookie } });
    assert.deepEqual(await status(), { reachable: false, reason: 'dnd' });
    await edge.app.inject({ method: 'PUT', url: '/api/owner/availability', payload: { available: true }, headers: { cookie } });
    assert.equal(statSync(join(dataDir, 'hours.json')).mode & 0o777, 0o600);
    await edge.app.close();

    const again = await startEdge({ dataDir, hours: ALWAYS });
    try {
      const c2 = await ownerLogin(again);
      const get = (await again.app.inject({ url: '/api/owner/hours', headers: { cookie: c2 } })).json();
      assert.deepEqual([get.hours, get.source], [monday, 'console']);
      assert.equal((await again.app.inject({ url: '/api/status' })).json().owner.reason, 'hours');
      // Back to always open (no schedule at all).
      const cleared = await again.app.inject({ method: 'PUT', url: '/api/owner/hours', payload: { hours: null }, headers: { cookie: c2 } });
      assert.equal(cleared.json().hours, null);
      assert.equal((await again.app.inject({ url: '/api/status' })).json().owner.reason, 'offline');
    } finally {
      await again.app.close();
    }
    // The config file's hours changed since the edit: the config's new value is what counts.
    const edited = await startEdge({ dataDir, hours: NEVER });
    try {
      const c3 = await ownerLogin(edited);
      const get = (await edited.app.inject({ url: '/api/owner/hours', headers: { cookie: c3 } })).json();
      assert.deepEqual([get.hours, get.source], [NEVER, 'config']);
      assert.deepEqual((await edited.app.inject({ url: '/api/status' })).json().owner.opensAt, null, 'never opens');
    } finally {
      await edited.app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
