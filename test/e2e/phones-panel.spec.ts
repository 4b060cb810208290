// The console's "Which phones ring" panel on the shared (embedded) edge: the owner sets the
// iPhone to ring on weekdays 9–18 in a time zone, saves, and a reload shows it kept; a time zone
// that does not exist is refused with the edge's reason and nothing changes. Screenshots at
// desktop width and at 375 px. Only a phone is edited: the tab keeps ringing for other specs.
import { expect, test } from '@playwright/test';
import { artifact, ownerSignIn } from './support/flows.ts';
import { launchParty, type Party } from './support/party.ts';

const EDGE = process.env.HL_E2E_EDGE!;
const PASSWORD = process.env.HL_E2E_PASSWORD!;
let owner: Party;

test.beforeAll(async () => {
  owner = await launchParty({ toneHz: 1000 });
  await ownerSignIn(owner.page, EDGE, PASSWORD);
});

test.afterAll(async () => {
  // Back to the defaults, for whoever uses this edge next.
  await owner.page.request.put(`${EDGE}/api/owner/phones`, { data: { rules: [] } });
  await owner?.close();
});

test('the owner sets a phone to ring within hours; it is kept; a bad time zone is refused with the reason', async () => {
  const page = owner.page;
  const iphone = page.locator('li.phone[data-extension="6001"]');
  await expect(page.locator('li.phone[data-extension="6000"] .phone-name')).toHaveText('This browser tab');
  await iphone.locator('select').selectOption('hours');
  const hours = iphone.locator('.phone-hours');
  await expect(hours).toBeVisible();
  for (const day of ['Saturday', 'Sunday']) await expect(hours.getByLabel(day)).not.toBeChecked();
  await hours.getByLabel('From').fill('09:00');
  await hours.getByLabel('to', { exact: true }).fill('18:00');
  await hours.getByLabel('Time zone').fill('Europe/London');
  await page.locator('#phones').getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('.phones-form [role=status]')).toContainText('Saved.');
  await expect(page.locator('.phones-form [role=status]')).toContainText('Next change:');
  await page.screenshot({ path: artifact('phones-panel-desktop'), fullPage: true });

  await page.reload();
  await expect(iphone.locator('select')).toHaveValue('hours');
  await expect(iphone.getByLabel('Time zone')).toHaveValue('Europe/London');
  await expect(iphone.getByLabel('Monday')).toBeChecked();
  await expect(iphone.getByLabel('Saturday')).not.toBeChecked();
  const api = await (await page.request.get(`${EDGE}/api/owner/phones`)).json();
  expect(api.phones.find((p: { extension: string }) => p.extension === '6001').hours).toEqual({
    timeZone: 'Europe/London', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }],
  });

  await iphone.getByLabel('Time zone').fill('Mars/Olympus');
  await page.locator('#phones').getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('.phones-form [role=status]')).toHaveText(/Not saved: .*Mars\/Olympus" is not an IANA time zone/);
  const after = await (await page.request.get(`${EDGE}/api/owner/phones`)).json();
  expect(after.phones.find((p: { extension: string }) => p.extension === '6001').hours.timeZone).toBe('Europe/London');

  await page.setViewportSize({ width: 375, height: 800 });
  await page.locator('#h-phones').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifact('phones-panel-375'), fullPage: true });
});
