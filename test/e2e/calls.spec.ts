// Real calls through the real edge (embedded upstream): a visitor's Chromium playing 620 Hz
// calls the owner's Chromium playing 1000 Hz (tones away from 350/440/480 Hz telephone tones).
import { expect, test, type Page } from '@playwright/test';
import { launchParty, type Party } from './support/party.ts';
import { answer, artifact, bothEnded, callButton, callOwner, expectTonesBothWays, openButton, ownerSignIn, visitorStatus } from './support/flows.ts';

const EDGE = process.env.HL_E2E_EDGE!;
const PASSWORD = process.env.HL_E2E_PASSWORD!;
const VISITOR_HZ = 620;
const OWNER_HZ = 1000;

let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  [owner, visitor] = await Promise.all([launchParty({ toneHz: OWNER_HZ }), launchParty({ toneHz: VISITOR_HZ })]);
  await owner.page.goto(`${EDGE}/owner/`);
  await owner.page.screenshot({ path: artifact('owner-login') });
  await ownerSignIn(owner.page, EDGE, PASSWORD);
  await owner.page.screenshot({ path: artifact('owner-registered') });
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
});

/** Each side hears the other's tone alone (not mixed with ringback), and RTP flows both ways. */
const expectTwoWayTones = (v: Page, o: Page) => expectTonesBothWays(v, o, { visitorHz: VISITOR_HZ, ownerHz: OWNER_HZ });

test('1. visitor calls, owner answers: each side hears the other tone, RTP flows both ways', async () => {
  const v = visitor.page, o = owner.page;
  const button = await openButton(v, `${EDGE}/demo/`);
  await v.locator('homeline-call input').fill('Grace Hopper');
  await v.screenshot({ path: artifact('visitor-ready') });
  await callOwner(v, o);
  await expect(button).toHaveAttribute('data-state', 'ringing');
  await expect(visitorStatus(v)).toContainText('Ringing');
  await v.screenshot({ path: artifact('visitor-ringing') });
  await expect(o.locator('#call h2')).toContainText('Grace Hopper');
  await o.screenshot({ path: artifact('owner-incoming') });
  await answer(v, o);
  await expect(visitorStatus(v)).toContainText('In call');

  await expectTwoWayTones(v, o);
  await v.screenshot({ path: artifact('visitor-in-call') });
  await o.screenshot({ path: artifact('owner-in-call') });

  // 2a. visitor hangs up: both ends.
  await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
  await expect(visitorStatus(v)).toContainText('You hung up');
  await v.screenshot({ path: artifact('visitor-ended') });
});

test('2. owner hangs up: both end, the visitor is told who hung up', async () => {
  const v = visitor.page, o = owner.page;
  await openButton(v, `${EDGE}/demo/`);
  await callOwner(v, o);
  await answer(v, o);
  await o.locator('#call').getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
  await expect(visitorStatus(v)).toContainText('hung up');
  await o.screenshot({ path: artifact('owner-ended') });
});

test('3. owner declines: the visitor sees "declined" and is offered to leave a message', async () => {
  const v = visitor.page, o = owner.page;
  await openButton(v, `${EDGE}/demo/`);
  await callOwner(v, o);
  await o.locator('#decline').click();
  await expect(v.locator('homeline-call')).toHaveAttribute('data-reason', 'declined');
  await expect(visitorStatus(v)).toContainText('declined');
  await expect(v.locator('homeline-call').getByRole('button', { name: 'Leave a message' })).toBeVisible();
  await v.screenshot({ path: artifact('visitor-declined') });
  await v.locator('homeline-call').getByRole('button', { name: 'Leave a message' }).click();
  await expect(v.locator('homeline-call form')).toBeVisible();
  await v.screenshot({ path: artifact('visitor-message-form') });
});

test('4. owner on do-not-disturb: the button says so instead of offering a call', async () => {
  const v = visitor.page, o = owner.page;
  await o.locator('#available').uncheck();
  await expect(o.locator('#available')).not.toBeChecked();
  await openButton(v, `${EDGE}/demo/`);
  await expect(v.locator('homeline-call')).toHaveAttribute('data-state', 'unreachable');
  await expect(visitorStatus(v)).toContainText('not taking calls');
  await expect(callButton(v)).toBeDisabled();
  await expect(v.locator('homeline-call').getByRole('button', { name: 'Leave a message' })).toBeVisible();
  await v.screenshot({ path: artifact('visitor-dnd') });
  await o.locator('#available').check();
  await expect(o.locator('#available')).toBeChecked();
  await openButton(v, `${EDGE}/demo/`);
  await expect(v.locator('homeline-call')).toHaveAttribute('data-state', 'ready');
});

test('5. microphone denied: a clear, actionable message', async () => {
  const denied = await launchParty({ toneHz: VISITOR_HZ, microphone: false });
  try {
    const p = denied.page;
    await openButton(p, `${EDGE}/demo/`);
    await callButton(p).click();
    await expect(p.locator('homeline-call')).toHaveAttribute('data-reason', 'micDenied');
    await expect(visitorStatus(p)).toContainText('Microphone access is blocked');
    await p.screenshot({ path: artifact('visitor-mic-denied') });
  } finally {
    await denied.close();
  }
});

test('7. DTMF keypad presses arrive at the other side', async () => {
  const v = visitor.page, o = owner.page;
  await openButton(v, `${EDGE}/demo/`);
  await callOwner(v, o);
  await answer(v, o);
  const widget = v.locator('homeline-call');
  await widget.getByRole('button', { name: 'Keypad' }).click();
  for (const d of ['1', '2', '#', '0']) await widget.getByRole('button', { name: `Send ${d}`, exact: true }).click();
  await expect(o.locator('#dtmf-received')).toHaveText('12#0');
  await v.screenshot({ path: artifact('visitor-keypad') });
  await widget.getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});

test('8. the button works embedded in a page on another origin', async () => {
  const v = visitor.page, o = owner.page;
  const other = process.env.HL_E2E_OTHER!;
  const button = await openButton(v, `${other}/`);
  expect(new URL(v.url()).origin).toBe(other);
  // The host page's `button { background: red !important }` must not reach the shadow DOM.
  const bg = await callButton(v).evaluate((b) => getComputedStyle(b).backgroundColor);
  expect(bg).not.toBe('rgb(255, 0, 0)');
  await v.screenshot({ path: artifact('visitor-other-origin') });
  await callOwner(v, o);
  await answer(v, o);
  // Media flows both ways and each side hears the other's tone, exactly as on the edge's own page.
  await expectTwoWayTones(v, o);
  await o.locator('#call').getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
  await expect(button).toHaveAttribute('data-state', 'ended');
  await o.screenshot({ path: artifact('owner-recent-calls'), fullPage: true });
});
