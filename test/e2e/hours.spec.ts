// Opening hours and blocked callers through the real edge (embedded upstream) and the real
// console, in Chromium. The visitor's browser is in Asia/Kolkata (UTC+5:30) with en-US
// formatting, the hours in UTC: "Back at …" must be the visitor's own clock.
import { expect, test, type Page } from '@playwright/test';
import { launchParty, type Party } from './support/party.ts';
import { startEdge, type RunningEdge } from './support/edge.ts';
import { artifact, callButton, ownerSignIn, visitorStatus } from './support/flows.ts';

let edge: RunningEdge;
let owner: Party;
let visitor: Party;
let v: Page;

test.describe.configure({ mode: 'serial' });

const ALWAYS = { timeZone: 'UTC', weekly: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '00:00', to: '24:00' }] };

test.beforeAll(async () => {
  edge = await startEdge({ HOMELINE__hours: JSON.stringify(ALWAYS), HOMELINE__owner__name: 'Ada' });
  [owner, visitor] = await Promise.all([launchParty({ toneHz: 1000 }), launchParty({ toneHz: 620 })]);
  const ctx = await visitor.browser.newContext({ permissions: ['microphone'], timezoneId: 'Asia/Kolkata', locale: 'en-US' });
  v = await ctx.newPage();
  await ownerSignIn(owner.page, edge.url, edge.password);
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
  await edge?.stop();
});

const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);

test('1. the owner closes the hours in the console: a call is refused as closed, and the button says when it is back, in the visitor\'s time', async () => {
  const o = owner.page;
  await v.goto(`${edge.url}/demo/`);
  await expect(v.locator('homeline-call')).toHaveAttribute('data-state', 'ready');

  // Open for one hour starting two hours from now (UTC), every day: closed now.
  const panel = o.locator('#hours-panel');
  await expect(panel.locator('.hours-rule')).toHaveCount(1);
  const opens = Date.now() + 2 * 3600_000;
  await panel.locator('input[type=time]').nth(0).fill(hhmm(opens));
  await panel.locator('input[type=time]').nth(1).fill(hhmm(opens + 3600_000));
  await panel.getByRole('button', { name: 'Save hours' }).click();
  await expect(panel).toContainText('Saved.');
  await expect(panel).toHaveAttribute('data-open', 'false');
  // Two hours on: today or (past midnight) tomorrow, never a bare weekday name.
  await expect(panel).toContainText(/Closed now; visitors can call again (today|tomorrow) at \d{1,2}:\d{2}\s?[AP]M\./);
  // The console's status line hears it over the live channel, with the reason from the edge.
  await expect(o.locator('#reg-status')).toHaveAttribute('data-reason', 'hours');
  await expect(o.locator('#reg-status')).toContainText('Outside your hours until');
  await o.screenshot({ path: artifact('hours-console'), fullPage: true });

  // The visitor's page still offers the call (it asked before the change): the edge refuses it.
  await callButton(v).click();
  const button = v.locator('homeline-call');
  await expect(button).toHaveAttribute('data-reason', 'closed');
  const status = await (await fetch(`${edge.url}/api/status`)).json() as { owner: { reason: string; opensAt: string } };
  expect(status.owner.reason).toBe('hours');
  const time = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Kolkata', hour: 'numeric', minute: '2-digit' }).format(new Date(status.owner.opensAt));
  await expect(visitorStatus(v)).toHaveText(new RegExp(`^Ada takes calls only during opening hours\\. Back (tomorrow )?at ${time}\\.$`));
  await expect(button.getByRole('button', { name: 'Leave a message' })).toBeVisible();
  await v.screenshot({ path: artifact('hours-visitor-refused') });

  // A fresh visit: the button is not offered, and says when.
  await v.goto(`${edge.url}/demo/`);
  await expect(button).toHaveAttribute('data-state', 'unreachable');
  await expect(visitorStatus(v)).toHaveText(new RegExp(`^Back (tomorrow )?at ${time}\\.$`));
  await expect(callButton(v)).toBeDisabled();
  await v.screenshot({ path: artifact('hours-visitor-back-at') });
  await v.setViewportSize({ width: 375, height: 700 });
  await v.screenshot({ path: artifact('hours-visitor-back-at-375') });
  await o.setViewportSize({ width: 375, height: 900 });
  await panel.screenshot({ path: artifact('hours-console-375') });
  await o.setViewportSize({ width: 1280, height: 900 });

  // Always open again.
  await panel.getByLabel('Always open (no hours)').check();
  await panel.getByRole('button', { name: 'Save hours' }).click();
  await expect(panel).toHaveAttribute('data-open', 'true');
  await expect(o.locator('#reg-status')).not.toHaveAttribute('data-reason', 'hours');
});

test('2. blocking the caller from their call row refuses their next call with a clear text; unblocking lets them call again', async () => {
  const o = owner.page;
  await v.goto(`${edge.url}/demo/`);
  const button = v.locator('homeline-call');
  await expect(button).toHaveAttribute('data-state', 'ready');
  await v.locator('homeline-call input').fill('Mallory');
  await callButton(v).click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
  await o.locator('#decline').click();
  await expect(button).toHaveAttribute('data-reason', 'declined');

  const row = o.locator('#calls tr', { hasText: 'Mallory' }).first();
  await row.getByRole('button', { name: 'Block' }).click();
  const dialog = o.locator('#block-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Their whole network').check();
  await dialog.getByLabel('For how many days').fill('2');
  await o.screenshot({ path: artifact('blocks-dialog') });
  await dialog.getByRole('button', { name: 'Block' }).click();
  await expect(dialog).toBeHidden();
  const blocks = o.locator('#blocks-panel');
  await expect(blocks.locator('tbody tr')).toHaveCount(1);
  await expect(blocks).toContainText('network');
  await expect(blocks).toContainText('Mallory');
  expect(await blocks.innerText()).not.toContain('127.0.0');
  await o.screenshot({ path: artifact('blocks-console'), fullPage: true });

  await callButton(v).click();
  await expect(button).toHaveAttribute('data-reason', 'blocked');
  await expect(visitorStatus(v)).toHaveText('Calls from your network are not accepted.');
  await v.screenshot({ path: artifact('blocks-visitor-refused') });

  await blocks.getByRole('button', { name: 'Unblock' }).click();
  await expect(blocks).toContainText('None yet.');
  await callButton(v).click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
  await o.locator('#decline').click();
  await expect(button).toHaveAttribute('data-reason', 'declined');
});
