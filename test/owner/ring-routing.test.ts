// The ring routing: what it hands Asterisk on start, on an edit, at a boundary, and that a failed
// hand-over is retried by the next one. Time is given (`now`), never waited for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhoneSettings } from '../../server/owner/phone-settings.ts';
import { RingRouting } from '../../server/owner/ring-routing.ts';

const OWNED = ['6000', '6001'];
const WEEKDAYS_9_18 = { timeZone: 'UTC', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, from: '09:00', to: '18:00' }] };

function setup(now: { t: Date }, fail = { on: false }) {
  const dir = mkdtempSync(join(tmpdir(), 'hl-ring-'));
  const settings = new PhoneSettings(join(dir, 'phones.json'), OWNED);
  const applied: string[] = [];
  const routing = new RingRouting({
    settings,
    now: () => now.t,
    apply: async (value) => {
      if (fail.on) throw new Error('ARI unreachable');
      applied.push(value);
    },
  });
  return { dir, settings, routing, applied };
}

test('edits and boundaries hand Asterisk the ring set of that moment', async () => {
  const now = { t: new Date('2026-07-15T08:00:00Z') }; // Wednesday
  const { dir, settings, routing, applied } = setup(now);
  try {
    await routing.update();
    assert.deepEqual(applied, ['PJSIP/6000&PJSIP/6001']);
    settings.save([{ extension: '6001', mode: 'hours', hours: { ...WEEKDAYS_9_18, weekly: [{ ...WEEKDAYS_9_18.weekly[0], days: [...WEEKDAYS_9_18.weekly[0].days] }] } }]);
    await routing.update('edit');
    assert.equal(applied.at(-1), 'PJSIP/6000');
    now.t = new Date('2026-07-15T09:00:00Z');
    await routing.update('schedule');
    assert.equal(applied.at(-1), 'PJSIP/6000&PJSIP/6001');
    settings.save([{ extension: '6000', mode: 'never' }, { extension: '6001', mode: 'never' }]);
    await routing.update('edit');
    assert.equal(applied.at(-1), 'none');
  } finally {
    routing.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed hand-over is logged and the next update (an ARI reconnect) gives it again', async () => {
  const now = { t: new Date('2026-07-15T08:00:00Z') };
  const fail = { on: true };
  const { dir, routing, applied } = setup(now, fail);
  try {
    await routing.update();
    assert.deepEqual(applied, []);
    fail.on = false;
    await routing.update('ari-connected');
    assert.deepEqual(applied, ['PJSIP/6000&PJSIP/6001']);
  } finally {
    routing.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('settings on disk: foreign endpoints dropped, an unreadable file means everyone rings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-ring-'));
  try {
    const file = join(dir, 'phones.json');
    const said: string[] = [];
    const log = { warn: (_o: object, m: string) => said.push(m), error: (_o: object, m: string) => said.push(m) };
    writeFileSync(file, JSON.stringify({ rules: [{ extension: '6999', mode: 'always' }, { extension: '6001', mode: 'never' }] }));
    assert.deepEqual(new PhoneSettings(file, OWNED, log).rules().map((r) => r.mode), ['always', 'never']);
    assert.match(said.join('\n'), /no longer the owner's phones dropped/);
    writeFileSync(file, '{ not json');
    assert.deepEqual(new PhoneSettings(file, OWNED, log).rules().map((r) => r.mode), ['always', 'always']);
    assert.match(said.at(-1)!, /unreadable: every phone rings/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
