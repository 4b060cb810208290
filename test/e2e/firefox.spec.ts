// A visitor in Firefox (firefox-esr over WebDriver BiDi, puppeteer-core) calls the owner's console in
// Chromium (Playwright): two WebRTC stacks on one call, through the embedded upstream (the two
// browsers negotiate directly) and through the real Asterisk (Firefox's SDP, ICE and DTLS against
// Asterisk's, which bridges to the owner's Chromium). Firefox's fake microphone plays 620 Hz, the
// owner's 1000 Hz; each side must hear the other's tone, and the widget's own audio element must be
// playing under Firefox's default autoplay policy.
import { expect, test, type Page } from '@playwright/test';
import { launchParty, remotePeakHz, rtpCounts, type Party } from './support/party.ts';
import { artifact, ownerSignIn } from './support/flows.ts';
import { BIN_HZ, OWNER_HZ, startHome, THROUGH_ASTERISK, VISITOR_HZ } from './support/asterisk-home.ts';
import {
  expectWidgetState, firefoxPeakHz, firefoxRtpCounts, giveNamespaceADefaultRoute, launchFirefoxParty, openButtonInFirefox,
  pressButton, pressCall, widgetAudio, widgetStatus, type FirefoxParty,
} from './support/firefox.ts';

const EDGE = process.env.HL_E2E_EDGE!;
const PASSWORD = process.env.HL_E2E_PASSWORD!;

let owner: Party;
let visitor: FirefoxParty;
let undoRoute: () => void = () => {};

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  undoRoute = giveNamespaceADefaultRoute();
  // Both browsers call through Asterisk below, so neither offers loopback candidates (THROUGH_ASTERISK).
  [owner, visitor] = await Promise.all([
    launchParty({ toneHz: OWNER_HZ, ...THROUGH_ASTERISK }),
    launchFirefoxParty({ toneHz: VISITOR_HZ, ...THROUGH_ASTERISK }),
  ]);
  console.log(`visitor browser: ${visitor.version}`);
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
  undoRoute();
});

/** The owner's tab rings, is answered, and both ends say in-call. */
async function ringAndAnswer(o: Page): Promise<void> {
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
  await o.locator('#answer').click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'in-call');
  await expectWidgetState(visitor.page, 'in-call');
}

/** Each side hears the other's tone alone, RTP flows both ways, the widget's audio plays. */
async function expectTonesBothWays(o: Page, label: string): Promise<void> {
  // Measure once RTP flows both ways; the figure printed is how long that took (docs/browsers.md:
  // through Asterisk it was ~1 s more while Asterisk was the DTLS client). Polled every 50 ms.
  const since = Date.now();
  const flowing = async () => Math.min((await firefoxRtpCounts(visitor.page)).received, (await rtpCounts(o)).received);
  await expect.poll(flowing, { timeout: 10_000, intervals: [50], message: 'RTP reaches both the Firefox visitor and the owner' }).toBeGreaterThan(10);
  console.log(`${label}: RTP flowing both ways ${Date.now() - since} ms after both said in-call`);
  const [vPeak, oPeak] = await Promise.all([firefoxPeakHz(visitor.page), remotePeakHz(o)]);
  console.log(`${label}: Firefox visitor hears ${vPeak.hz.toFixed(1)} Hz (level ${vPeak.level.toExponential(2)}, next ${vPeak.second.toExponential(2)}); ` +
    `Chromium owner hears ${oPeak.hz.toFixed(1)} Hz (level ${oPeak.level.toExponential(2)}, next ${oPeak.second.toExponential(2)})`);
  expect(Math.abs(oPeak.hz - VISITOR_HZ), `owner hears ${oPeak.hz} Hz`).toBeLessThan(2 * BIN_HZ + 1);
  expect(Math.abs(vPeak.hz - OWNER_HZ), `visitor hears ${vPeak.hz} Hz`).toBeLessThan(2 * BIN_HZ + 1);
  expect(oPeak.second).toBeLessThan(oPeak.level / 4);
  expect(vPeak.second).toBeLessThan(vPeak.level / 4);
  const [vs, os] = await Promise.all([firefoxRtpCounts(visitor.page), rtpCounts(o)]);
  console.log(`${label}: RTP Firefox sent ${vs.sent} received ${vs.received}; Chromium sent ${os.sent} received ${os.received}`);
  for (const [who, c] of [['Firefox visitor', vs], ['Chromium owner', os]] as const) {
    expect(c.sent, `${who} sent`).toBeGreaterThan(20);
    expect(c.received, `${who} received`).toBeGreaterThan(20);
  }
  const audio = await widgetAudio(visitor.page);
  expect(audio, 'the widget plays the owner\'s voice (not held back by autoplay rules)').toEqual({ found: true, paused: false, liveTracks: 1 });
}

test('a Firefox visitor calls the owner through the embedded upstream: both hear each other', async () => {
  const o = owner.page, v = visitor.page;
  await ownerSignIn(o, EDGE, PASSWORD);
  await openButtonInFirefox(v, `${EDGE}/demo/`);
  await pressCall(v);
  await ringAndAnswer(o);
  expect(await widgetStatus(v)).toContain('In call');
  await expectTonesBothWays(o, 'embedded');
  await v.screenshot({ path: artifact('firefox-visitor-in-call') });
  await o.locator('#call').getByRole('button', { name: 'Hang up' }).click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ended');
  await expectWidgetState(v, 'ended');
  expect(await widgetStatus(v)).toContain('hung up');
});

test('a Firefox visitor calls the owner through the real Asterisk: both hear each other', async () => {
  test.setTimeout(180_000);
  const o = owner.page, v = visitor.page;
  const home = await startHome();
  try {
    await ownerSignIn(o, home.edge.url, home.edge.password);
    await expect.poll(() => home.asterisk.cli('pjsip show contacts'), { message: 'the owner tab is registered in Asterisk' }).toMatch(/Contact:\s+6000\//);
    await openButtonInFirefox(v, `${home.edge.url}/demo/`);
    await pressCall(v);
    await ringAndAnswer(o);
    await expectTonesBothWays(o, 'asterisk');
    await v.screenshot({ path: artifact('firefox-visitor-asterisk-in-call') });
    // The visitor hangs up this time: Firefox's BYE goes through the edge's policy to Asterisk.
    await pressButton(v, 'Hang up');
    await expect(o.locator('#call')).toHaveAttribute('data-state', 'ended');
    await expectWidgetState(v, 'ended');
  } finally {
    await home.stop();
  }
});
