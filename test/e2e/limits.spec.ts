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
  // Each attempt spends one visitor token; the visitor gives up while it rings.
  for (let attempt = 0; attempt < 4; attempt++) {
    await openButton(v, `${EDGE}/demo/`);
    await expect(widget).toHaveAttribute('data-state', 'ready');
    await callButton(v).click();
    await expect(widget).toHaveAttribute('data-state', /ringing|ended/, { timeout: 15_000 });
    if ((await widget.getAttribute('data-reason')) === 'rateLimited') break;
    await widget.getByRole('button', { name: 'Hang up' }).click();
    await expect(widget).toHaveAttribute('data-state', 'ended');
  }
  await expect(widget).toHaveAttribute('data-reason', 'rateLimited');
  await expect(visitorStatus(v)).toContainText(/Too many call attempts\. Please try again in \d+ seconds/);
  await v.screenshot({ path: artifact('visitor-rate-limited') });
});
