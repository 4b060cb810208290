// Accessibility and the pictures in README: axe (axe-core, inside the widget's shadow root too)
// over the demo page in every widget state a visitor meets and over the owner console, with no
// serious or critical violation; each state is also photographed at desktop and phone width
// (375 px) into docs/screenshots/, which README links.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { launchParty, type Party } from './support/party.ts';
import { answer, bothEnded, callButton, callOwner, openButton, ownerSignIn } from './support/flows.ts';

const EDGE = process.env.HL_E2E_EDGE!;
const PASSWORD = process.env.HL_E2E_PASSWORD!;
const SHOTS = 'docs/screenshots';
const DESKTOP = { width: 1024, height: 720 };
const PHONE = { width: 375, height: 720 };

let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  [owner, visitor] = await Promise.all([launchParty({ toneHz: 1000 }), launchParty({ toneHz: 620 })]);
  await Promise.all([owner.page.setViewportSize(DESKTOP), visitor.page.setViewportSize(DESKTOP)]);
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
});

const widget = (p: Page) => p.locator('homeline-call').first();

/** axe's serious and critical findings on the page as it is now, one line each (rule, element, what to fix). */
async function violations(page: Page): Promise<string[]> {
  const { violations: found } = await new AxeBuilder({ page }).analyze();
  // HL_AXE_ALL=1 prints the moderate and minor findings too (none at the time of writing).
  if (process.env.HL_AXE_ALL) for (const v of found) console.log(`axe ${v.impact} ${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) at ${JSON.stringify(n.target)}: ${n.failureSummary?.replace(/\s+/g, ' ')}`));
}

/**
 * No serious or critical violation, then the pictures: desktop (the widget's section, or the whole
 * page) and phone width, whole page. Focus is taken off first so no focus ring is photographed.
 */
async function checkAndShoot(page: Page, name: string, frame?: Locator) {
  expect(await violations(page), `axe on ${name}`).toEqual([]);
  await page.evaluate(() => {
    const deep = (r: Document | ShadowRoot): Element | null => { const a = r.activeElement; return a?.shadowRoot?.activeElement ? deep(a.shadowRoot) : a; };
    (deep(document) as HTMLElement | null)?.blur();
  });
  await (frame ?? page).screenshot({ path: `${SHOTS}/${name}-desktop.png`, ...(frame ? {} : { fullPage: true }) });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${SHOTS}/${name}-phone.png`, fullPage: true });
  await page.setViewportSize(DESKTOP);
}

const contact = (p: Page) => p.locator('section.contact');

test('axe looks inside the widget\'s shadow root: an unlabelled field put there is reported', async () => {
  const v = visitor.page;
  await openButton(v, `${EDGE}/demo/`);
  expect(await violations(v)).toEqual([]);
  await v.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'text';
    input.id = 'broken';
    document.querySelector('homeline-call')!.shadowRoot!.querySelector('.hl')!.append(input);
  });
  const found = await violations(v);
  expect(found.some((f) => f.startsWith('label (critical)') && f.includes('"homeline-call"') && f.includes('#broken')), found.join('\n')).toBe(true);
});

test('console sign-in page and the widget while the owner is offline', async () => {
  await owner.page.goto(`${EDGE}/owner/`);
  await expect(owner.page.locator('#login')).toBeVisible();
  await checkAndShoot(owner.page, 'console-sign-in');
  const v = visitor.page;
  await openButton(v, `${EDGE}/demo/`);
  await expect(widget(v)).toHaveAttribute('data-state', 'unreachable');
  await checkAndShoot(v, 'widget-offline', contact(v));
});

test('signed in; the widget available; on do-not-disturb; the message form', async () => {
  const o = owner.page, v = visitor.page;
  await ownerSignIn(o, EDGE, PASSWORD);
  await checkAndShoot(o, 'console-signed-in');
  await openButton(v, `${EDGE}/demo/`);
  await expect(widget(v)).toHaveAttribute('data-state', 'ready');
  await checkAndShoot(v, 'widget-available', contact(v));
  await o.locator('#available').uncheck();
  await openButton(v, `${EDGE}/demo/`);
  await expect(widget(v)).toHaveAttribute('data-state', 'unreachable');
  await checkAndShoot(v, 'widget-dnd', contact(v));
  await widget(v).getByRole('button', { name: 'Leave a message' }).click();
  await expect(widget(v).locator('form')).toBeVisible();
  // The owner is unreachable: the form offers a voice message too (its own chunk, shown when loaded).
  await expect(widget(v).locator('.voice')).toHaveAttribute('data-state', 'idle');
  await checkAndShoot(v, 'widget-message-form', contact(v));
  await o.locator('#available').check();
  await expect(o.locator('#available')).toBeChecked();
});

test('a voice message: recording, recorded; the console\'s messages list', async () => {
  const o = owner.page, v = visitor.page;
  await o.locator('#available').uncheck();
  await expect(o.locator('#available')).not.toBeChecked();
  await openButton(v, `${EDGE}/demo/`);
  await widget(v).getByRole('button', { name: 'Leave a message' }).click();
  const voice = widget(v).locator('.voice');
  await widget(v).getByLabel('Your name', { exact: true }).fill('Grace Hopper');
  await widget(v).getByRole('button', { name: 'Record a voice message' }).click();
  await expect(voice).toHaveAttribute('data-state', 'recording');
  await checkAndShoot(v, 'widget-voice-recording', contact(v));
  await widget(v).getByRole('button', { name: 'Stop' }).click();
  await expect(voice).toHaveAttribute('data-state', 'recorded');
  await checkAndShoot(v, 'widget-voice-recorded', contact(v));
  await widget(v).getByRole('button', { name: 'Send' }).click();
  await expect(widget(v)).toHaveAttribute('data-state', 'message-sent');
  await o.locator('#available').check();
  await expect(o.locator('#available')).toBeChecked();
  await o.reload();
  await expect(o.locator('#reg-status')).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
  await expect(o.locator('#messages li.entry[data-kind=voice]').first()).toBeVisible();
  await checkAndShoot(o, 'console-messages');
});

test('asking for the microphone', async () => {
  // The browser's question is held open (getUserMedia never answers) to see what the widget shows meanwhile.
  const page = await visitor.context.newPage();
  try {
    await page.setViewportSize(DESKTOP);
    await page.addInitScript(() => { navigator.mediaDevices.getUserMedia = () => new Promise(() => {}); });
    await openButton(page, `${EDGE}/demo/`);
    await callButton(page).click();
    await expect(widget(page)).toHaveAttribute('data-state', 'mic');
    await checkAndShoot(page, 'widget-asking-mic', contact(page));
  } finally {
    await page.close();
  }
});

test('ringing (both sides), in call with the keypad open (both sides), ended', async () => {
  const o = owner.page, v = visitor.page;
  await openButton(v, `${EDGE}/demo/`);
  await widget(v).locator('input').fill('Grace Hopper');
  await callOwner(v, o);
  await expect(widget(v)).toHaveAttribute('data-state', 'ringing');
  await checkAndShoot(v, 'widget-ringing', contact(v));
  await checkAndShoot(o, 'console-incoming');
  await answer(v, o);
  await widget(v).getByRole('button', { name: 'Keypad' }).click();
  await widget(v).getByRole('button', { name: 'Send 1', exact: true }).click();
  await checkAndShoot(v, 'widget-in-call-keypad', contact(v));
  await o.locator('#call').getByRole('button', { name: 'Keypad' }).click();
  await checkAndShoot(o, 'console-in-call');
  await widget(v).getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
  await checkAndShoot(v, 'widget-ended', contact(v));
  await checkAndShoot(o, 'console-after-call');
});

test('the operator menu on screen', async () => {
  const v = visitor.page;
  await openButton(v, `${EDGE}/demo/menu.html`);
  await callButton(v).click();
  await expect(widget(v)).toHaveAttribute('data-state', 'menu');
  await checkAndShoot(v, 'widget-operator-menu', v.locator('main'));
});

test('German: the widget ringing and the console in call', async () => {
  const o = owner.page, v = visitor.page;
  await o.goto(`${EDGE}/owner/?lang=de`);
  await expect(o.locator('#reg-status')).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
  await openButton(v, `${EDGE}/demo/de.html`);
  await callOwner(v, o);
  await checkAndShoot(v, 'de-widget-ringing', contact(v));
  await answer(v, o);
  await checkAndShoot(o, 'de-console-in-call');
  await o.locator('#call').getByRole('button', { name: 'Auflegen' }).click();
  await bothEnded(v, o);
});
