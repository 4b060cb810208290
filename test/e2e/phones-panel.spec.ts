// The console's "Which phones ring" panel on the shared (embedded) edge: the owner sets the
// iPhone to ring on weekdays 9–18 in a time zone, saves, and a reload shows it kept; a time zone
// that does not exist is refused with the edge's reason and nothing changes. A phone's hours may
// have several windows: the owner adds and removes one, and rules with several windows set
// through the API come back from Save without edits exactly as they were (nothing lost).
// axe over the panel with two windows open. Screenshots at desktop width and at 375 px. Only phones are edited: the tab keeps ringing for
// other specs.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { artifact, ownerSignIn } from './support/flows.ts';
import { launchParty, type Party } from './support/party.ts';

const EDGE = process.env.HL_E2E_EDGE!;
const PASSWORD = process.env.HL_E2E_PASSWORD!;
let owner: Party;

test.beforeAll(async () => {
  owner = await launchParty({ toneHz: 1000 });
  await ownerSignIn(owner.page, EDGE, PASSWORD);
});

const DESKTOP = { width: 1280, height: 900 };
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];
const save = (page: Page) => page.locator('#phones').getByRole('button', { name: 'Save', exact: true }).click();
const saved = (page: Page) => expect(page.locator('.phones-form [role=status]')).toContainText('Saved.');

/** The rules as the edge has them now, by extension. */
async function stored(page: Page): Promise<Record<string, { mode: string; hours?: unknown }>> {
  const api = await (await page.request.get(`${EDGE}/api/owner/phones`)).json() as { phones: { extension: string; mode: string; hours?: unknown }[] };
  return Object.fromEntries(api.phones.map((p) => [p.extension, { mode: p.mode, hours: p.hours }]));
}

/** Sets rules through the API, as a script or an edited phones.json would, then reloads the console. */
async function putRules(page: Page, rules: unknown[]) {
  const res = await page.request.put(`${EDGE}/api/owner/phones`, { data: { rules } });
  expect(res.status(), await res.text()).toBe(200);
  await page.setViewportSize(DESKTOP);
  await page.reload();
  await expect(page.locator('li.phone[data-extension="6001"]')).toBeVisible();
}

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

test('the owner adds a second window to a phone\'s hours: both are kept; removing one works', async () => {
  const page = owner.page;
  const hours = { timeZone: 'Europe/London', weekly: [{ days: WEEKDAYS, from: '09:00', to: '18:00' }] };
  await putRules(page, [{ extension: '6001', mode: 'hours', hours }]);
  const iphone = page.locator('li.phone[data-extension="6001"]');
  await expect(iphone.locator('.hours-rule')).toHaveCount(1);

  await iphone.getByRole('button', { name: 'Add hours' }).click();
  await expect(iphone.locator('.hours-rule')).toHaveCount(2);
  // With two windows every field's name says which one it is in.
  await expect(iphone.getByLabel('Monday (hours 1 of 2)')).toBeChecked();
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) await iphone.getByLabel(`${day} (hours 2 of 2)`).uncheck();
  await iphone.getByLabel('Saturday (hours 2 of 2)').check();
  await iphone.getByLabel('From (hours 2 of 2)').fill('10:00');
  await iphone.getByLabel('to (hours 2 of 2)', { exact: true }).fill('13:00');
  await save(page);
  await saved(page);
  const both = { timeZone: 'Europe/London', weekly: [{ days: WEEKDAYS, from: '09:00', to: '18:00' }, { days: ['sat'], from: '10:00', to: '13:00' }] };
  expect((await stored(page))['6001']).toEqual({ mode: 'hours', hours: both });
  await page.screenshot({ path: artifact('phones-panel-two-windows-desktop'), fullPage: true });

  await page.reload();
  await expect(iphone.locator('.hours-rule')).toHaveCount(2);
  await expect(iphone.getByLabel('Friday (hours 1 of 2)')).toBeChecked();
  await expect(iphone.getByLabel('Saturday (hours 1 of 2)')).not.toBeChecked();
  await expect(iphone.getByLabel('Saturday (hours 2 of 2)')).toBeChecked();
  await expect(iphone.getByLabel('Monday (hours 2 of 2)')).not.toBeChecked();
  await expect(iphone.getByLabel('From (hours 2 of 2)')).toHaveValue('10:00');
  await expect(iphone.getByLabel('to (hours 2 of 2)', { exact: true })).toHaveValue('13:00');
  // a11y.spec.ts sees the console with no window open; here two are, each field named by window.
  const { violations } = await new AxeBuilder({ page }).include('#phones').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);

  // A phone's width: two windows wrap, nothing scrolls sideways.
  await page.setViewportSize({ width: 375, height: 800 });
  await iphone.scrollIntoViewIfNeeded();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  await page.screenshot({ path: artifact('phones-panel-two-windows-375'), fullPage: true });
  await page.setViewportSize(DESKTOP);

  // Removing the weekday window leaves Saturday, named plainly again.
  await iphone.getByRole('button', { name: 'Remove (hours 1 of 2)' }).click();
  await expect(iphone.locator('.hours-rule')).toHaveCount(1);
  await expect(iphone.getByLabel('Saturday', { exact: true })).toBeChecked();
  await expect(iphone.getByLabel('From', { exact: true })).toHaveValue('10:00');
  await save(page);
  await saved(page);
  expect((await stored(page))['6001']).toEqual({ mode: 'hours', hours: { timeZone: 'Europe/London', weekly: [{ days: ['sat'], from: '10:00', to: '13:00' }] } });
  await page.reload();
  await expect(iphone.locator('.hours-rule')).toHaveCount(1);
});

test('rules with several windows set through the API are shown whole and Save without edits keeps every window', async () => {
  const page = owner.page;
  // A split day, a late Saturday ending at midnight (24:00), and a phone that rings never but
  // keeps two windows for when it is switched back.
  const split = { timeZone: 'Europe/Berlin', weekly: [
    { days: WEEKDAYS, from: '09:00', to: '12:00' },
    { days: WEEKDAYS, from: '14:00', to: '18:00' },
    { days: ['sat'], from: '20:00', to: '24:00' },
  ] };
  const kept = { timeZone: 'America/New_York', weekly: [{ days: ['mon', 'wed'], from: '08:00', to: '10:00' }, { days: ['sun'], from: '22:00', to: '02:00' }] };
  const rules = { '6001': { mode: 'hours', hours: split }, '6002': { mode: 'never', hours: kept } };
  await putRules(page, Object.entries(rules).map(([extension, r]) => ({ extension, ...r })));

  const iphone = page.locator('li.phone[data-extension="6001"]');
  await expect(iphone.locator('.hours-rule')).toHaveCount(3);
  await expect(iphone.getByLabel('From (hours 1 of 3)')).toHaveValue('09:00');
  await expect(iphone.getByLabel('to (hours 1 of 3)', { exact: true })).toHaveValue('12:00');
  await expect(iphone.getByLabel('From (hours 2 of 3)')).toHaveValue('14:00');
  await expect(iphone.getByLabel('to (hours 2 of 3)', { exact: true })).toHaveValue('18:00');
  await expect(iphone.getByLabel('Saturday (hours 3 of 3)')).toBeChecked();
  await expect(iphone.getByLabel('Friday (hours 3 of 3)')).not.toBeChecked();
  // <input type=time> shows midnight as 00:00; it goes back as 24:00.
  await expect(iphone.getByLabel('to (hours 3 of 3)', { exact: true })).toHaveValue('00:00');
  await expect(iphone.getByLabel('Time zone')).toHaveValue('Europe/Berlin');

  await save(page);
  await saved(page);
  const after = await stored(page);
  expect(after['6001']).toEqual(rules['6001']);
  expect(after['6002']).toEqual(rules['6002']);

  // Switched back to "within hours" in the console, the never-ringing phone shows both its windows.
  await page.reload();
  const other = page.locator('li.phone[data-extension="6002"]');
  await expect(other.locator('.phone-hours')).toBeHidden();
  await other.locator('select').selectOption('hours');
  await expect(other.locator('.hours-rule')).toHaveCount(2);
  await expect(other.getByLabel('to (hours 2 of 2)', { exact: true })).toHaveValue('02:00');

  // A phone with no hours switched to "within hours" starts from one window: weekdays 9–18.
  const third = page.locator('li.phone[data-extension="6003"]');
  await third.locator('select').selectOption('hours');
  await expect(third.locator('.hours-rule')).toHaveCount(1);
  await expect(third.getByLabel('Friday', { exact: true })).toBeChecked();
  await expect(third.getByLabel('Saturday', { exact: true })).not.toBeChecked();
  await expect(third.getByLabel('From', { exact: true })).toHaveValue('09:00');
  await expect(third.getByLabel('to', { exact: true })).toHaveValue('18:00');
});
