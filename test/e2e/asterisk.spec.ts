// The whole chain with a real Asterisk (scripts/asterisk-for-tests.sh or HOMELINE_TEST_ASTERISK): the
// generated configuration (npm run asterisk:config) is loaded into it, the edge runs on its
// `asterisk` upstream with ARI, the owner's tab registers through the edge, and a visitor's
// browser calls (1) the owner's ring group and (2) the operator menu at 100, walks it by tapping
// the options the edge reports, and reaches the owner. Audio is checked both ways, as in
// calls.spec.ts.
import { expect, test, type Page } from '@playwright/test';
import { startHome, type Home } from './support/asterisk-home.ts';
import { launchParty, remotePeakHz, rtpCounts, type Party } from './support/party.ts';
import { answer, artifact, bothEnded, callButton, callOwner, openButton, ownerSignIn } from './support/flows.ts';

const VISITOR_HZ = 620;
const OWNER_HZ = 1000;
const BIN_HZ = 48000 / 16384;

let home: Home | undefined;
let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  home = await startHome();
  [owner, visitor] = await Promise.all([launchParty({ toneHz: OWNER_HZ }), launchParty({ toneHz: VISITOR_HZ })]);
  await ownerSignIn(owner.page, home.edge.url, home.edge.password);
  await expect.poll(() => home!.asterisk.cli('pjsip show contacts'), { message: 'the owner tab is registered in Asterisk' }).toMatch(/Contact:\s+6000\//);
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
  await home?.stop();
});

async function hearEachOther(v: Page, o: Page) {
  const [vPeak, oPeak] = await Promise.all([remotePeakHz(v), remotePeakHz(o)]);
  expect(Math.abs(vPeak.hz - OWNER_HZ), `visitor hears ${vPeak.hz} Hz`).toBeLessThan(2 * BIN_HZ + 1);
  expect(Math.abs(oPeak.hz - VISITOR_HZ), `owner hears ${oPeak.hz} Hz`).toBeLessThan(2 * BIN_HZ + 1);
  const [vs, os] = await Promise.all([rtpCounts(v), rtpCounts(o)]);
  for (const n of [vs.sent, vs.received, os.sent, os.received]) expect(n).toBeGreaterThan(20);
}

test('a visitor rings the owner through Asterisk: the tab rings, both hear each other', async () => {
  const v = visitor.page, o = owner.page;
  await openButton(v, `${home!.edge.url}/demo/`);
  await callOwner(v, o);
  await answer(v, o);
  await hearEachOther(v, o);
  await v.screenshot({ path: artifact('asterisk-visitor-in-call') });
  await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});

test('a visitor walks the operator menu at 100 by tapping what the edge shows, and reaches the owner', async () => {
  const v = visitor.page, o = owner.page;
  const widget = v.locator('homeline-call');
  const option = (key: string, label: RegExp) => widget.getByRole('button', { name: new RegExp(`^${key}: ${label.source}`) });
  await openButton(v, `${home!.edge.url}/demo/menu.html`);
  await callButton(v).click();
  // Asterisk answers into Stasis; the edge's ARI app reports the main node over the side channel.
  await expect(widget.locator('.ivr')).toHaveAttribute('data-node', 'main', { timeout: 20_000 });
  // The node is reported as its prompt starts: audio keeps arriving while it is spoken.
  await expect.poll(async () => (await rtpCounts(v)).received, { message: 'the prompt is heard', timeout: 5000 }).toBeGreaterThan(50);
  await v.screenshot({ path: artifact('asterisk-ivr-main') });
  await option('0', /Contact/).click();
  await expect(widget.locator('.ivr')).toHaveAttribute('data-node', 'contact', { timeout: 10_000 });
  await option('1', /Ring the owner/).click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 20_000 });
  await o.locator('#answer').click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'in-call');
  await hearEachOther(v, o);
  await o.locator('#call').getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});
