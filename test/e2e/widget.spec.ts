// The visitor's widget as a visitor meets it, with the real edge and the owner's real tab: the
// keyboard alone, a page left open while the owner is away, the name asked once, the floating
// corner button, dark mode, and a phone-sized screen. Each state is checked with axe (nothing
// serious or critical) and photographed at desktop and 375 px into test/artifacts/widget-*.png.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { launchParty, type Party } from './support/party.ts';
import { answer, artifact, bothEnded, callButton, ownerSignIn, visitorStatus } from './support/flows.ts';

const EDGE = process.env.HL_E2E_EDGE!;
const PASSWORD = process.env.HL_E2E_PASSWORD!;
const PHONE = { width: 375, height: 800 };
const DESKTOP = { width: 1280, height: 720 };

let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  [owner, visitor] = await Promise.all([launchParty({ toneHz: 1000 }), launchParty({ toneHz: 620 })]);
  await ownerSignIn(owner.page, EDGE, PASSWORD);
});

test.afterAll(async () => {
  await setAvailable(true);
  await Promise.all([owner?.close(), visitor?.close()]);
});

const widget = (p: Page) => p.locator('homeline-call');
const setAvailable = async (available: boolean) =>
  expect((await owner.context.request.put(`${EDGE}/api/owner/availability`, { data: { available }, headers: { origin: EDGE } })).status()).toBe(200);

/** Presses Tab until `target` has focus, as a keyboard user would (a few stops at most). */
async function tabTo(p: Page, target: Locator) {
  for (let i = 0; i < 8; i++) {
    await p.keyboard.press('Tab');
    if (await target.evaluate((e) => (e.getRootNode() as ShadowRoot | Document).activeElement === e)) return;
  }
  throw new Error('Tab never reached the element');
}

/** axe finds nothing serious or critical in this state (inside the shadow root too), then the picture. */
async function shoot(p: Page, name: string) {
  const { violations } = await new AxeBuilder({ page: p }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  expect(bad, `axe on ${name}`).toEqual([]);
  await p.screenshot({ path: artifact(`widget-${name}`) });
}

/** WCAG contrast ratio of two computed CSS colours (rgb()/rgba(), alpha ignored). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((x) => {
      const v = Number(x) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const colours = (l: Locator) => l.evaluate((e) => {
  const s = getComputedStyle(e);
  return { fg: s.color, bg: s.backgroundColor };
});

test('the demo pages load clean: no console error, no failed or refused request, and a favicon the browser can fetch', async () => {
  for (const page of ['', 'de.html', 'floating.html', 'menu.html']) {
    const p = await visitor.context.newPage();
    const problems: string[] = [];
    p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
    p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    p.on('requestfailed', (r) => problems.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
    p.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
    await p.goto(`${EDGE}/demo/${page}`, { waitUntil: 'networkidle' });
    await expect(widget(p)).toHaveAttribute('data-state', /ready|unreachable/);
    // Headless Chromium may not ask for the icon itself: ask for what a browser would, the
    // declared icon or else /favicon.ico (a 404 in every visitor's console).
    const icon = await p.evaluate(() => (document.querySelector('link[rel~="icon"]') as HTMLLinkElement | null)?.href ?? new URL('/favicon.ico', location.href).href);
    const got = await p.evaluate((u) => fetch(u).then((r) => `${r.status} ${r.headers.get('content-type')}`), icon);
    expect(got, `icon of /demo/${page}: ${icon.slice(0, 60)}`).toMatch(/^200 image\//);
    expect(problems, `/demo/${page}`).toEqual([]);
    await p.close();
  }
});

test('keyboard only: Tab to Call, Enter rings the owner, Tab to Hang up, Enter ends it, focus comes back', async () => {
  const v = visitor.page, o = owner.page;
  await v.setViewportSize(DESKTOP);
  await v.goto(`${EDGE}/demo/`);
  await expect(widget(v)).toHaveAttribute('data-state', 'ready');
  await expect(visitorStatus(v)).toHaveText('Ada is available.');
  await tabTo(v, callButton(v));
  // The focus ring is there to see.
  expect(await callButton(v).evaluate((b) => getComputedStyle(b).outlineStyle)).toBe('solid');
  await shoot(v, 'ready-focused');
  await v.keyboard.press('Enter');
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
  const hangUp = widget(v).getByRole('button', { name: 'Hang up' });
  await tabTo(v, hangUp);
  await shoot(v, 'ringing');
  await answer(v, o);
  // In the call, Tab goes Mute, Keypad, Hang up: the order they are seen in.
  await expect(widget(v).getByRole('button', { name: 'Mute' })).toBeFocused();
  await v.keyboard.press('Tab');
  await expect(widget(v).getByRole('button', { name: 'Keypad' })).toBeFocused();
  await v.keyboard.press('Tab');
  await expect(hangUp).toBeFocused();
  await shoot(v, 'in-call');
  await v.keyboard.press('Enter');
  await bothEnded(v, o);
  await expect(visitorStatus(v)).toHaveText('You hung up.');
  await expect(callButton(v)).toBeFocused();
  await shoot(v, 'ended');
});

test('owner away: the button stays focusable and says why; when the owner comes back it comes alive without a reload', async () => {
  const v = visitor.page, o = owner.page;
  await setAvailable(false);
  await v.goto(`${EDGE}/demo/`);
  await expect(widget(v)).toHaveAttribute('data-state', 'unreachable');
  await expect(visitorStatus(v)).toHaveText('Ada is not taking calls right now.');
  await expect(callButton(v)).toHaveAttribute('aria-disabled', 'true');
  await tabTo(v, callButton(v));
  await v.keyboard.press('Enter');
  await expect(widget(v)).toHaveAttribute('data-state', 'unreachable');
  await expect(o.locator('#call')).not.toHaveAttribute('data-state', 'ringing');
  const readable = await colours(callButton(v));
  expect(contrast(readable.fg, readable.bg), 'the unavailable button is not pale').toBeGreaterThanOrEqual(4.5);
  await shoot(v, 'unreachable');
  await v.setViewportSize(PHONE);
  await shoot(v, 'unreachable-375');
  await v.setViewportSize(DESKTOP);

  await v.evaluate(() => { (window as unknown as { sameDocument: boolean }).sameDocument = true; });
  await setAvailable(true);
  // The page re-asks every few seconds while it is visible.
  await expect(widget(v)).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(visitorStatus(v)).toHaveText('Ada is available.');
  await expect(callButton(v)).toHaveAttribute('aria-disabled', 'false');
  expect(await v.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  // And it goes the other way too.
  await setAvailable(false);
  await expect(widget(v)).toHaveAttribute('data-state', 'unreachable', { timeout: 30_000 });
});

test('the name is asked once: the message form takes the name typed by the button, which steps aside; Escape closes the form', async () => {
  const v = visitor.page;
  await v.goto(`${EDGE}/demo/`);
  await expect(widget(v)).toHaveAttribute('data-state', 'unreachable');
  const name = widget(v).getByLabel(/Your name/);
  await expect(name).toHaveCount(1);
  await name.fill('Grace Hopper');
  await widget(v).getByRole('button', { name: 'Leave a message' }).click();
  const form = widget(v).locator('form');
  await expect(form.getByLabel('Your name')).toHaveValue('Grace Hopper');
  await expect(form.getByLabel('Your name')).toBeFocused();
  await expect(widget(v).locator('input[autocomplete=name]:visible')).toHaveCount(1);
  await shoot(v, 'message-form');
  await v.setViewportSize(PHONE);
  await shoot(v, 'message-form-375');
  await v.setViewportSize(DESKTOP);
  await form.getByLabel('Your name').fill('Grace B. Hopper');
  await v.keyboard.press('Escape');
  await expect(form).toHaveCount(0);
  await expect(widget(v).getByRole('button', { name: 'Leave a message' })).toBeFocused();
  await expect(widget(v).getByLabel(/Your name/)).toHaveValue('Grace B. Hopper');
  await setAvailable(true);
});

test('floating mode: a round button in the corner opens the box as a dialog; Escape closes it and focus returns', async () => {
  const v = visitor.page;
  for (const size of [DESKTOP, PHONE]) {
    await v.setViewportSize(size);
    await v.goto(`${EDGE}/demo/floating.html`);
    await expect(widget(v)).toHaveAttribute('data-state', 'ready');
    const fab = widget(v).locator('.fab');
    const dialog = widget(v).getByRole('dialog', { name: 'Call me' });
    await expect(dialog).toBeHidden();
    const box = (await fab.boundingBox())!;
    expect(box.x + box.width).toBeGreaterThan(size.width - 40);
    expect(box.y + box.height).toBeGreaterThan(size.height - 40);
    expect(Math.round(box.width)).toBe(Math.round(box.height));
    const suffix = size === PHONE ? '-375' : '';
    await shoot(v, `floating-closed${suffix}`);
    await tabTo(v, fab);
    await expect(fab).toHaveAttribute('aria-expanded', 'false');
    await v.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await expect(fab).toHaveAttribute('aria-expanded', 'true');
    await expect(widget(v).getByLabel(/Your name/)).toBeFocused();
    const open = (await dialog.boundingBox())!;
    expect(open.x).toBeGreaterThanOrEqual(0);
    expect(open.x + open.width).toBeLessThanOrEqual(size.width);
    await shoot(v, `floating-open${suffix}`);
    await v.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(fab).toBeFocused();
  }
  await v.setViewportSize(DESKTOP);
});

test('floating mode calls like the inline button', async () => {
  const v = visitor.page, o = owner.page;
  await v.goto(`${EDGE}/demo/floating.html`);
  await expect(widget(v)).toHaveAttribute('data-state', 'ready');
  await widget(v).locator('.fab').click();
  await callButton(v).click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
  await answer(v, o);
  await shoot(v, 'floating-in-call');
  await widget(v).getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});

test('dark mode follows prefers-color-scheme, readable (WCAG AA); theme="light" overrides it', async () => {
  const v = visitor.page, o = owner.page;
  await v.emulateMedia({ colorScheme: 'dark' });
  try {
    await v.goto(`${EDGE}/demo/`);
    await expect(widget(v)).toHaveAttribute('data-state', 'ready');
    const page = await v.evaluate(() => getComputedStyle(document.querySelector('.contact')!).backgroundColor);
    const call = await colours(callButton(v));
    expect(contrast(call.fg, call.bg)).toBeGreaterThanOrEqual(4.5);
    expect(contrast((await colours(visitorStatus(v))).fg, page)).toBeGreaterThanOrEqual(4.5);
    const input = await colours(widget(v).getByLabel(/Your name/));
    expect(contrast(input.fg, input.bg)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(input.bg, 'rgb(255, 255, 255)'), 'the field is dark, not white').toBeGreaterThan(10);
    await shoot(v, 'dark-ready');
    await callButton(v).click();
    await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
    await answer(v, o);
    const panel = await colours(widget(v).locator('.panel'));
    expect(contrast(panel.fg, panel.bg)).toBeGreaterThanOrEqual(4.5);
    for (const name of ['Mute', 'Keypad', 'Hang up']) {
      const b = await colours(widget(v).getByRole('button', { name }));
      expect(contrast(b.fg, b.bg), name).toBeGreaterThanOrEqual(4.5);
    }
    await shoot(v, 'dark-in-call');
    await v.setViewportSize(PHONE);
    await shoot(v, 'dark-in-call-375');
    await v.setViewportSize(DESKTOP);
    await widget(v).getByRole('button', { name: 'Hang up' }).click();
    await bothEnded(v, o);
    await widget(v).evaluate((e) => e.setAttribute('theme', 'light'));
    const light = await colours(widget(v).getByLabel(/Your name/));
    expect(light.bg).toBe('rgb(255, 255, 255)');
  } finally {
    await v.emulateMedia({ colorScheme: 'light' });
  }
});

test('at 375 px the call fits: Hang up shares its row with the timer, nothing wraps alone', async () => {
  const v = visitor.page, o = owner.page;
  await v.setViewportSize(PHONE);
  try {
    await v.goto(`${EDGE}/demo/`);
    await expect(widget(v)).toHaveAttribute('data-state', 'ready');
    await shoot(v, 'ready-375');
    await callButton(v).click();
    await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
    await shoot(v, 'ringing-375');
    await answer(v, o);
    const hang = (await widget(v).getByRole('button', { name: 'Hang up' }).boundingBox())!;
    const timer = (await widget(v).getByRole('timer').boundingBox())!;
    const panel = (await widget(v).locator('.panel').boundingBox())!;
    expect(Math.abs(hang.y + hang.height / 2 - (timer.y + timer.height / 2))).toBeLessThan(hang.height / 2);
    expect(hang.x + hang.width).toBeLessThanOrEqual(panel.x + panel.width);
    const page = (await v.locator('.contact').boundingBox())!;
    expect(panel.x + panel.width, 'the call panel stays inside the page\'s box').toBeLessThanOrEqual(page.x + page.width);
    expect(hang.height).toBeLessThan(60); // one line of text, not two
    await shoot(v, 'in-call-375');
    await widget(v).getByRole('button', { name: 'Hang up' }).click();
    await bothEnded(v, o);
    await shoot(v, 'ended-375');
  } finally {
    await v.setViewportSize(DESKTOP);
  }
});
