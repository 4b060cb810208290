// In a call, the visitor can pick another microphone and speaker where the browser allows
// (Chromium's fake devices list several): the call keeps flowing and the owner still hears the
// visitor's tone through the newly chosen microphone.
import { expect, test } from '@playwright/test';
import { launchParty, remotePeakHz, rtpCounts, type Party } from './support/party.ts';
import { answer, artifact, bothEnded, callOwner, openButton, ownerSignIn } from './support/flows.ts';

const EDGE = process.env.HL_E2E_EDGE!;
const PASSWORD = process.env.HL_E2E_PASSWORD!;
const VISITOR_HZ = 620;

let owner: Party;
let visitor: Party;

test.beforeAll(async () => {
  [owner, visitor] = await Promise.all([launchParty({ toneHz: 1000 }), launchParty({ toneHz: VISITOR_HZ })]);
  await ownerSignIn(owner.page, EDGE, PASSWORD);
});
test.afterAll(async () => { await Promise.all([owner?.close(), visitor?.close()]); });

test('switching microphone and speaker mid-call keeps the call and the audio', async () => {
  const v = visitor.page, o = owner.page;
  const widget = v.locator('homeline-call');
  await openButton(v, `${EDGE}/demo/`);
  await callOwner(v, o);
  await answer(v, o);
  const mic = widget.getByLabel('Microphone');
  const speaker = widget.getByLabel('Speaker');
  await expect(mic).toBeVisible();
  const micChoices = await mic.locator('option').evaluateAll((os) => os.map((x) => (x as HTMLOptionElement).value).filter(Boolean));
  expect(micChoices.length, 'the fake devices offer more than one microphone').toBeGreaterThan(1);
  await mic.selectOption(micChoices[1]);
  // Chromium can route output (setSinkId), so the speaker choice is offered and takes effect:
  // the call's audio element plays to the chosen device.
  await expect(speaker).toBeVisible();
  const outs = await speaker.locator('option').evaluateAll((os) => os.map((x) => (x as HTMLOptionElement).value).filter(Boolean));
  expect(outs.length, 'the fake devices offer an output to choose').toBeGreaterThan(0);
  const chosenOut = outs[outs.length - 1];
  await speaker.selectOption(chosenOut);
  await expect.poll(() => widget.locator('audio').evaluate((a) => (a as HTMLAudioElement & { sinkId: string }).sinkId)).toBe(chosenOut);
  await v.screenshot({ path: artifact('visitor-devices') });
  // The new microphone's track is what the owner now hears: packets keep coming, same tone.
  const before = (await rtpCounts(o)).received;
  await expect.poll(async () => (await rtpCounts(o)).received, { timeout: 5000 }).toBeGreaterThan(before + 20);
  const peak = await remotePeakHz(o);
  expect(Math.abs(peak.hz - VISITOR_HZ)).toBeLessThan(2 * (48000 / 16384) + 1);
  const senderTrack = await v.evaluate(() => {
    const pcs = (window as unknown as { __hlPcs: RTCPeerConnection[] }).__hlPcs;
    return pcs[pcs.length - 1].getSenders().find((s) => s.track?.kind === 'audio')?.track?.getSettings().deviceId ?? '';
  });
  expect(senderTrack).toBe(micChoices[1]);
  await widget.getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});
