// The owner console as an app that tells the truth live (issue 12): installable (manifest, icons,
// service worker under /owner/), a clean first load, call rows that arrive and move without a
// reload (SSE), a system notification for a call while the console is in the background, a call
// refused by do-not-disturb shown as such, and no sideways scrolling on a 375 px phone.
import { expect, test, type Page } from '@playwright/test';
import { launchParty, type Party } from './support/party.ts';
import { artifact, callButton, openButton, ownerSignIn } from './support/flows.ts';
import { ownerStrings as S } from '../../web/owner/strings.ts';

const EDGE = process.env.HL_E2E_EDGE!;
const PASSWORD = process.env.HL_E2E_PASSWORD!;

let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  [owner, visitor] = await Promise.all([launchParty({ toneHz: 1000 }), launchParty({ toneHz: 620 })]);
  // Granting one permission denies the unlisted ones: the microphone goes with it (WEBRTC-TESTING.md).
  await owner.context.grantPermissions(['microphone', 'notifications'], { origin: EDGE });
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
});

/** The row of the newest call in the console's list. */
const newestRow = (o: Page) => o.locator('#calls tbody tr').first();

/**
 * Runs `fn` with the console behind another tab and without focus, as when the owner works
 * elsewhere. Chromium takes the focus away a moment after bringToFront, so this waits until the
 * page itself says so: an event that arrives before then is (rightly) not notified.
 */
async function inTheBackground(fn: () => Promise<void>) {
  const o = owner.page;
  const other = await owner.context.newPage();
  await other.bringToFront();
  const cdp = await owner.context.newCDPSession(o);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  try {
    await expect.poll(() => o.evaluate(() => document.hasFocus())).toBe(false);
    await fn();
  } finally {
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true });
    await other.close();
  }
}

test('1. first load: no console errors and no failed requests; the manifest, icons and service worker make an installable app', async () => {
  const page = await owner.context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${EDGE}/owner/`);
  await expect(page.locator('#login')).toBeVisible();
  await expect(page.locator('#login-hint')).toHaveText(S.loginHint);
  await expect(page.locator('#login-reset')).toContainText('npm run owner:password');

  const manifestRes = await page.request.get(`${EDGE}/owner/manifest.webmanifest`);
  expect(manifestRes.headers()['content-type']).toMatch(/^application\/manifest\+json/);
  const manifest = await manifestRes.json();
  expect(manifest.scope).toBe('./');
  expect(manifest.display).toBe('standalone');
  for (const icon of manifest.icons as { src: string; type: string }[]) {
    const r = await page.request.get(new URL(icon.src, `${EDGE}/owner/manifest.webmanifest`).href);
    expect(r.status(), icon.src).toBe(200);
    expect(r.headers()['content-type'], icon.src).toContain(icon.type);
  }
  const sw = await page.request.get(`${EDGE}/owner/sw.js`);
  expect(sw.headers()['content-type']).toMatch(/javascript/);
  expect(sw.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

  await ownerSignIn(page, EDGE, PASSWORD);
  const worker = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return { state: reg.active?.state, scope: reg.scope };
  });
  expect(worker).toEqual({ state: 'activated', scope: `${EDGE}/owner/` });
  const cdp = await owner.context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors') as { installabilityErrors: { errorId: string }[] };
  // Playwright's contexts are incognito ones, where Chromium never offers to install: that is
  // the one error allowed; any about the manifest, icons or service worker would be listed too.
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
  const parsed = await cdp.send('Page.getAppManifest') as { errors: unknown[]; data?: string };
  expect(parsed.errors).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});

test('2. a visitor\'s call appears in the console and moves ringing → in call → answered without a reload, named and with its page', async () => {
  const o = owner.page, v = visitor.page;
  // Signed in by test 1 in this context: the cookie skips the form.
  await o.goto(`${EDGE}/owner/`);
  await expect(o.locator('#reg-status')).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
  await expect(o.locator('#reg-status')).toHaveText(S.ready);
  await openButton(v, `${EDGE}/demo/`);
  await v.locator('homeline-call input').fill('Grace Hopper');
  await callButton(v).click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
  const row = newestRow(o);
  await expect(row).toHaveAttribute('data-state', 'ringing');
  await expect(row).toContainText('Grace Hopper');
  await expect(row).toContainText(S.fromPage('/demo/'));
  // Said once on screen: the panel; the live region is for screen readers only.
  await expect(o.locator('#call h2')).toHaveText(S.incoming('Grace Hopper'));
  await expect(o.locator('#call-status')).toHaveClass(/visually-hidden/);
  await o.locator('#answer').click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'in-call');
  await expect(row).toHaveAttribute('data-state', 'in-call');
  await expect(o.locator('#call h2')).toHaveText(S.inCall('Grace Hopper'));
  await expect(o.locator('#call-status')).toHaveClass(/visually-hidden/);
  await o.screenshot({ path: artifact('console-in-call'), fullPage: true });
  await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
  await expect(newestRow(o)).toHaveAttribute('data-state', 'answered');
  // Same document all along: the rows came over the live channel, not a reload.
  expect(await o.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
});

test('3. in the background, an incoming call is a system notification (through the service worker), gone when the caller gives up; the title counts the missed call until the owner looks', async () => {
  const o = owner.page, v = visitor.page;
  await inTheBackground(async () => {
    await openButton(v, `${EDGE}/demo/`);
    await v.locator('homeline-call input').fill('Ada Lovelace');
    await callButton(v).click();
    await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
    const shown = () => o.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag })));
    await expect.poll(shown).toEqual([{ title: S.notificationTitle, body: 'Ada Lovelace', tag: 'homeline-call' }]);
    // The caller gives up while the owner is away: the notification goes, the call is missed,
    // and the title counts it (nothing in the console was looked at).
    await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(shown).toEqual([]);
    await expect(newestRow(o)).toHaveAttribute('data-state', 'missed');
    await expect.poll(() => o.title()).toBe(S.titleWithCount(1));
  });
  await o.bringToFront();
  await o.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect.poll(() => o.title()).toBe(S.title);
});

test('4. do-not-disturb: the status line says so, and a call refused by it appears as a refused row', async () => {
  const o = owner.page, v = visitor.page;
  await openButton(v, `${EDGE}/demo/`);
  await expect(v.locator('homeline-call')).toHaveAttribute('data-state', 'ready');
  await o.locator('#available').uncheck();
  await expect(o.locator('#reg-status')).toHaveAttribute('data-reason', 'dnd');
  await expect(o.locator('#reg-status')).toHaveText(S.unavailable.dnd());
  // The button was shown before the switch; its INVITE meets the edge's HL_OWNER_DND.
  await callButton(v).click();
  await expect(v.locator('homeline-call')).toHaveAttribute('data-reason', 'unavailable');
  const row = newestRow(o);
  await expect(row).toHaveAttribute('data-state', 'refused');
  await expect(row).toContainText(S.refused.dnd);
  await expect(row).toContainText(S.visitor);
  await o.screenshot({ path: artifact('console-dnd-desktop'), fullPage: true });
  await o.locator('#available').check();
  await expect(o.locator('#reg-status')).toHaveText(S.ready);
});

test('5. a 375 px phone: no sideways scrolling, rows stack as cards', async () => {
  const o = owner.page;
  await o.setViewportSize({ width: 375, height: 812 });
  await expect(o.locator('#calls tbody tr').first()).toBeVisible();
  const { scrollWidth, innerWidth } = await o.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  expect(await o.locator('#calls tbody tr').first().evaluate((tr) => getComputedStyle(tr).display)).toBe('block');
  await o.screenshot({ path: artifact('console-375'), fullPage: true });
  await o.setViewportSize({ width: 1280, height: 800 });
  await o.screenshot({ path: artifact('console-desktop'), fullPage: true });
});

test('6. a message left while the console is in the background: listed without a reload, a notification, counted in the title', async () => {
  const o = owner.page;
  const before = await o.title();
  await inTheBackground(async () => {
    const res = await visitor.context.request.post(`${EDGE}/api/ivr/message`, {
      data: { name: 'Katherine Johnson', message: 'About the orbit numbers' }, headers: { origin: EDGE },
    });
    expect(res.status()).toBe(201);
    await expect(o.locator('#messages')).toContainText('About the orbit numbers');
    const shown = () => o.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications({ tag: 'homeline-message' })).map((n) => n.title));
    await expect.poll(shown).toEqual([S.messageNotificationTitle]);
    await expect.poll(() => o.title()).not.toBe(before);
    expect(await o.title()).toMatch(/^\(\d+\) /);
  });
});
