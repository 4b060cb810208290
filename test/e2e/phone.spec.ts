// A real SIP phone in the owner's ring group. Debian's baresip stands in for the owner's iPhone:
// it registers as 6001 over the generated TLS transport (a CA and server certificate made here
// with openssl; the phone trusts the CA) with the digest password from the generated secrets
// file, and takes the media encryption the generator writes for phones (SDES-SRTP). A visitor's
// browser rings the owner through the edge and Asterisk: the tab and the phone ring together;
// (1) the phone answers, (2) the tab answers. Audio is checked both ways each time.
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { BIN_HZ, NAMESPACE_ADDRESS, OWNER_HZ, ownerAndVisitor, VISITOR_HZ, type Home } from './support/asterisk-home.ts';
import { peakHz, type Phone } from './support/baresip.ts';
import { startPhoneHome, type PhoneHome } from './support/phone-home.ts';
import { answer, artifact, bothEnded, callOwner, openButton } from './support/flows.ts';
import { remotePeakHz, rtpCounts, type Party } from './support/party.ts';

const PHONE_HZ = 1400;

let ph: PhoneHome | undefined;
let home: Home | undefined;
let phone: Phone | undefined;
let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  ph = await startPhoneHome({ name: 'phone', toneHz: PHONE_HZ });
  ({ home, phone } = ph);
  // Debian's baresip 1.0.0 (libre 1.1.0) registers whatever certificate the server shows, so
  // openssl checks what the generated transport presents: our server certificate, for its address.
  const verify = spawnSync('openssl', ['s_client', '-connect', `${NAMESPACE_ADDRESS}:${ph.tlsPort}`, '-CAfile', ph.caFile, '-verify_ip', NAMESPACE_ADDRESS, '-verify_return_error', '-brief'], { input: '', encoding: 'utf8' });
  expect(verify.status, verify.stderr).toBe(0);
  expect(verify.stderr + verify.stdout).toContain('Verification: OK');
  // baresip printed the transport its registration went over; Asterisk has the contact.
  expect(ph.registered[1]).toBe('TLS');
  await expect.poll(() => home!.asterisk.cli('pjsip show contacts'), { message: 'the phone is registered in Asterisk' }).toMatch(/Contact:\s+6001\/sip:6001/);
  ({ owner, visitor } = await ownerAndVisitor(home));
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
  await ph?.stop();
});

function near(hz: number, want: number, bin: number) {
  return Math.abs(hz - want) < 2 * bin + 1;
}

async function expectVisitorHears(v: Page, hz: number) {
  const peak = await remotePeakHz(v);
  expect(near(peak.hz, hz, BIN_HZ), `visitor hears ${peak.hz} Hz, wants ${hz}`).toBe(true);
  expect(peak.second, 'a single tone, not a mix').toBeLessThan(peak.level / 4);
}

test('the tab and the phone ring together; the phone answers over TLS + SRTP and both sides hear each other', async () => {
  const v = visitor.page, o = owner.page;
  const from = phone!.events.length;
  await openButton(v, `${home!.edge.url}/demo/`);
  await callOwner(v, o);
  const incoming = await phone!.event('CALL_INCOMING', from);
  expect(incoming.accountaor).toContain('6001');
  expect((await phone!.command('accept')).ok).toBe(true);
  await phone!.event('CALL_ESTABLISHED', from);
  await expect(v.locator('homeline-call')).toHaveAttribute('data-state', 'in-call');
  // Asterisk cancels the tab's leg once the phone has answered.
  await expect(o.locator('#call')).not.toHaveAttribute('data-state', 'ringing');
  // The call's media really is SRTP with SDES keys (baresip's srtp module says so).
  const srtp = await phone!.line(/srtp: audio: SRTP is Enabled \(cryptosuite=(\S+)\)/);
  expect(srtp[1]).toMatch(/^AES/);
  await expectVisitorHears(v, PHONE_HZ);
  // What the phone heard in its last second: the visitor's tone.
  await expect.poll(() => {
    const { samples, rate } = phone!.heard();
    if (samples.length < 2 * rate) return 'under 2 s recorded';
    const p = peakHz(samples, rate);
    return near(p.hz, VISITOR_HZ, 2) && p.second < p.level / 4 ? 'visitor tone' : `${p.hz} Hz`;
  }, { message: 'the phone hears the visitor', timeout: 15_000 }).toBe('visitor tone');
  const vs = await rtpCounts(v);
  expect(vs.sent).toBeGreaterThan(20);
  expect(vs.received).toBeGreaterThan(20);
  await v.screenshot({ path: artifact('phone-answered-visitor') });
  await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
  await phone!.event('CALL_CLOSED', from);
  await expect(v.locator('homeline-call')).toHaveAttribute('data-state', 'ended');
});

test('the tab answers: the phone stops ringing, the tab and the visitor hear each other', async () => {
  const v = visitor.page, o = owner.page;
  const from = phone!.events.length;
  await openButton(v, `${home!.edge.url}/demo/`);
  await callOwner(v, o);
  await phone!.event('CALL_INCOMING', from);
  await answer(v, o);
  await phone!.event('CALL_CLOSED', from);
  expect(phone!.events.slice(from).map((e) => e.type)).not.toContain('CALL_ESTABLISHED');
  const [vPeak, oPeak] = await Promise.all([remotePeakHz(v), remotePeakHz(o)]);
  expect(near(vPeak.hz, OWNER_HZ, BIN_HZ), `visitor hears ${vPeak.hz} Hz`).toBe(true);
  expect(near(oPeak.hz, VISITOR_HZ, BIN_HZ), `owner hears ${oPeak.hz} Hz`).toBe(true);
  const [vs, os] = await Promise.all([rtpCounts(v), rtpCounts(o)]);
  for (const n of [vs.sent, vs.received, os.sent, os.received]) expect(n).toBeGreaterThan(20);
  await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});
