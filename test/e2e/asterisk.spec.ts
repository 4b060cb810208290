// The whole chain with a real Asterisk (scripts/asterisk-for-tests.sh or HOMELINE_TEST_ASTERISK): the
// generated configuration (npm run asterisk:config) is loaded into it, the edge runs on its
// `asterisk` upstream with ARI, the owner's tab registers through the edge, and a visitor's
// browser calls (1) the owner's ring group and (2) the operator menu at 100, walks it by tapping
// the options the edge reports, and reaches the owner. Audio is checked both ways, as in
// calls.spec.ts.
import { expect, test } from '@playwright/test';
import { expectHearEachOther, useHomeWithOwnerTab } from './support/asterisk-home.ts';
import { remoteLevel, rtpCounts } from './support/party.ts';
import { answer, artifact, bothEnded, callButton, callOwner, openButton } from './support/flows.ts';

/**
 * Loudest ~43 ms frame of the remote audio while a prompt plays. Speech synthesised by the edge
 * reaches the visitor at an RMS of several hundredths; a silent prompt (a 404 behind
 * `sound:http…`) still sends RTP, but its frames read ~0.
 */
const PROMPT_MIN_RMS = 0.01;

const h = useHomeWithOwnerTab();

test('a visitor rings the owner through Asterisk: the tab rings, both hear each other', async () => {
  const v = h.visitor.page, o = h.owner.page;
  await openButton(v, `${h.home.edge.url}/demo/`);
  await callOwner(v, o);
  await answer(v, o);
  await expectHearEachOther(v, o);
  await v.screenshot({ path: artifact('asterisk-visitor-in-call') });
  await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});

test('a visitor walks the operator menu at 100 by tapping what the edge shows, and reaches the owner', async () => {
  const v = h.visitor.page, o = h.owner.page;
  const widget = v.locator('homeline-call');
  const option = (key: string, label: RegExp) => widget.getByRole('button', { name: new RegExp(`^${key}: ${label.source}`) });
  await openButton(v, `${h.home.edge.url}/demo/menu.html`);
  await callButton(v).click();
  // Asterisk answers into Stasis; the edge's ARI app reports the main node over the side channel.
  await expect(widget.locator('.ivr')).toHaveAttribute('data-node', 'main', { timeout: 20_000 });
  // The node is reported as its prompt starts: the visitor hears it, not merely RTP (silence
  // arrives as packets too).
  const level = await remoteLevel(v, 2000);
  console.log(`operator menu prompt at the visitor: loudest frame RMS ${level.maxRms.toFixed(4)}, median ${level.medianRms.toFixed(4)} over ${level.frames} frames`);
  expect(level.maxRms, 'the main menu prompt is audible at the visitor').toBeGreaterThan(PROMPT_MIN_RMS);
  expect((await rtpCounts(v)).received, 'the prompt arrives as RTP').toBeGreaterThan(50);
  await v.screenshot({ path: artifact('asterisk-ivr-main') });
  await option('0', /Contact/).click();
  await expect(widget.locator('.ivr')).toHaveAttribute('data-node', 'contact', { timeout: 10_000 });
  await option('1', /Ring the owner/).click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 20_000 });
  await o.locator('#answer').click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'in-call');
  await expectHearEachOther(v, o);
  await o.locator('#call').getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});
