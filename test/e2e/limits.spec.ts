// A second edge with a token limit of 2 per minute: the owner's absence, then the limit.
import { expect, test } from '@playwright/test';
import { launchParty, type Party } from './support/party.ts';
import { artifact, callButton, openButton, ownerSignIn, visitorStatus } from './support/flows.ts';

const EDGE = process.env.HL_E2E_LIMITED!;
const PASSWORD = process.env.HL_E2E_LIMITED_PASSWORD!;

let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  [owner, visitor] = await Promise.all([launchParty({ toneHz: 1000 }), launchParty({ toneHz: 620 })]);
});
test.afterAll(async () => { await Promise.all([owner?.close(), visitor?.close()]); });

test('4. no owner tab: the button says the owner cannot be reached and offers a message', async () => {
  const v = visitor.page;
  await openButton(v, `${EDGE}/demo/`);
  await expect(v.locator('homeline-call')).toHaveAttribute('data-state', 'unreachable');
  await expect(visitorStatus(v)).toContainText("can't be reached");
  await expect(callButton(v)).toBeDisabled();
  await v.screenshot({ path: artifact('visitor-offline') });
});

test('6. token route over its limit: the rate-limited message says when to retry', async () => {
  const v = visitor.page;
  await ownerSignIn(owner.page, EDGE, PASSWORD);
  const widget = v.locator('homeline-call');
  // The limit is 2 tokens a minute and each call spends one: calls 1 and 2 ring (the visitor
  // gives up), call 3 is refused before it rings.
  for (const attempt of [1, 2]) {
    await openButton(v, `${EDGE}/demo/`);
    await expect(widget).toHaveAttribute('data-state', 'ready');
    await callButton(v).click();
    await expect(widget, `call ${attempt} rings`).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
    await widget.getByRole('button', { name: 'Hang up' }).click();
    await expect(widget).toHaveAttribute('data-state', 'ended');
    await expect(widget).not.toHaveAttribute('data-reason', 'rateLimited');
  }
  await openButton(v, `${EDGE}/demo/`);
  await expect(widget).toHaveAttribute('data-state', 'ready');
  await callButton(v).click();
  await expect(widget).toHaveAttribute('data-state', 'ended', { timeout: 15_000 });
  await expect(widget).toHaveAttribute('data-reason', 'rateLimited');
  await expect(visitorStatus(v)).toContainText(/Too many call attempts\. Please try again in \d+ seconds/);
  await v.screenshot({ path: artifact('visitor-rate-limited') });
});
