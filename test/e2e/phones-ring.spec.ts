// Which phones ring, when, and word reaching them, on the real Asterisk with a real SIP phone:
// baresip registers as 6001 over the generated TLS transport (as in phone.spec.ts). The owner's
// ring rules go in through the console's API; the edge gives Asterisk the ring set as the global
// HL_RING_OWNER over ARI, and the generated [ring-owner] dials it behind its fence.
// (1) A message left on the form reaches the phone as a SIP MESSAGE (res_pjsip_messaging).
// (2) The phone's hours are closed now: a visitor's call rings the tab, not the phone.
// (3) Its hours are open now: the phone rings with the tab.
import { expect, test } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerAndVisitor, type Home } from './support/asterisk-home.ts';
import { type Phone } from './support/baresip.ts';
import { artifact, callOwner, openButton } from './support/flows.ts';
import { startPhoneHome, type PhoneHome } from './support/phone-home.ts';
import { type Party } from './support/party.ts';

let ph: PhoneHome | undefined;
let home: Home;
let phone: Phone;
let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  // Prompts are cached by content across runs (a busy machine takes minutes to synthesise them).
  ph = await startPhoneHome({ name: 'phones', toneHz: 1400, env: { HOMELINE__ivr__promptDir: join(tmpdir(), 'hl-phones-prompts') } });
  ({ home, phone } = ph);
  expect(ph.registered[1]).toBe('TLS');
  ({ owner, visitor } = await ownerAndVisitor(home));
  await expect.poll(() => home.asterisk.cli('pjsip show contacts'), { message: 'the tab and the phone are registered' }).toMatch(/Contact:\s+6000\/[\s\S]*Contact:\s+6001\/|Contact:\s+6001\/[\s\S]*Contact:\s+6000\//);
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
  await ph?.stop();
});

const hh = (h: number) => `${String(((h % 24) + 24) % 24).padStart(2, '0')}:00`;
const EVERY_DAY = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The owner sets 6001's hours (UTC) through the console's API, signed in as the tab is. */
async function setPhoneHours(open: boolean) {
  const h = new Date().getUTCHours();
  const window = open ? { days: EVERY_DAY, from: hh(h - 1), to: hh(h + 1) } : { days: EVERY_DAY, from: hh(h + 2), to: hh(h + 3) };
  const res = await owner.page.request.put(`${home.edge.url}/api/owner/phones`, {
    data: { rules: [{ extension: '6000', mode: 'always' }, { extension: '6001', mode: 'hours', hours: { timeZone: 'UTC', weekly: [window] } }] },
  });
  expect(res.status(), await res.text()).toBe(200);
  const body = await res.json();
  expect(body.phones.find((p: { extension: string }) => p.extension === '6001').ringsNow).toBe(open);
  // What Asterisk now holds: the global the generated [ring-owner] dials behind its fence.
  expect(home.asterisk.cli('dialplan show globals')).toContain(open ? 'HL_RING_OWNER=PJSIP/6000&PJSIP/6001' : 'HL_RING_OWNER=PJSIP/6000\n');
}

async function hangUpRinging() {
  await visitor.page.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
  await expect(owner.page.locator('#call')).not.toHaveAttribute('data-state', 'ringing');
}

test('a message left on the form reaches the registered phone as a SIP MESSAGE with its summary', async () => {
  const res = await fetch(`${home.edge.url}/api/ivr/message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ada Lovelace', number: '+44 20 7946 0000', message: 'Please ring me about the parcel' }),
  });
  expect(res.status).toBe(201);
  // baresip prints an incoming MESSAGE as `<from>: "<body>"` (and answered it 200).
  const line = await phone.line(/^(\S+): "(homeline: .*)"$/m);
  expect(line[1]).toBe('sip:homeline@home.arpa');
  expect(line[2]).toBe('homeline: Ada Lovelace (+44 20 7946 0000) wrote: Please ring me about the parcel');
});

test('the phone\'s hours are closed now: a visitor\'s call rings the tab and not the phone', async () => {
  await setPhoneHours(false);
  const from = phone.events.length;
  await openButton(visitor.page, `${home.edge.url}/demo/`);
  await callOwner(visitor.page, owner.page);
  // While the tab rings, Asterisk has a channel to the tab and none to the phone.
  const channels = home.asterisk.cli('core show channels concise');
  expect(channels).toMatch(/^PJSIP\/6000-/m);
  expect(channels).not.toMatch(/^PJSIP\/6001-/m);
  await owner.page.screenshot({ path: artifact('phones-tab-rings-alone') });
  await hangUpRinging();
  expect(phone.events.slice(from).map((e) => e.type)).not.toContain('CALL_INCOMING');
});

test('the phone\'s hours are open now: the phone rings with the tab', async () => {
  await setPhoneHours(true);
  const from = phone.events.length;
  await openButton(visitor.page, `${home.edge.url}/demo/`);
  await callOwner(visitor.page, owner.page);
  const incoming = await phone.event('CALL_INCOMING', from);
  expect(incoming.accountaor).toContain('6001');
  await hangUpRinging();
  await phone.event('CALL_CLOSED', from);
});

test('Asterisk restarted (its globals forgotten): the edge gives it the ring set again when ARI reconnects', async () => {
  await home.asterisk.stop('now');
  await home.asterisk.start();
  await expect.poll(() => home.asterisk.cli('dialplan show globals'), { timeout: 30_000, message: 'the edge re-applies at the ARI reconnect' })
    .toContain('HL_RING_OWNER=PJSIP/6000&PJSIP/6001');
});
