// A German page gets a German widget through a whole call, and an owner whose browser prefers
// German gets a German console: the real edge, two real Chromiums, the built bundle.
import { expect, test } from '@playwright/test';
import { launchParty, type Party } from './support/party.ts';
import { startEdge } from './support/edge.ts';
import { answer, artifact, bothEnded, callButton, callOwner, openButton, ownerSignIn, visitorStatus } from './support/flows.ts';

const EDGE = process.env.HL_E2E_EDGE!;
const PASSWORD = process.env.HL_E2E_PASSWORD!;

let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  [owner, visitor] = await Promise.all([launchParty({ toneHz: 1000, locale: 'de-AT' }), launchParty({ toneHz: 620 })]);
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
});

test('the console follows the browser language (de-AT → German): sign-in page, status, headings', async () => {
  const o = owner.page;
  await o.goto(`${EDGE}/owner/`);
  await expect(o.locator('html')).toHaveAttribute('lang', 'de');
  await expect(o).toHaveTitle('homeline — Anrufkonsole');
  await expect(o.locator('label[for=password]')).toHaveText('Passwort');
  await o.locator('#password').fill('not the password');
  await o.getByRole('button', { name: 'Anmelden' }).click();
  await expect(o.locator('#login-error')).toHaveText('Falsches Passwort.');
  await o.locator('#password').fill(PASSWORD);
  await o.getByRole('button', { name: 'Anmelden' }).click();
  await expect(o.locator('#reg-status')).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
  await expect(o.locator('#reg-status')).toHaveText('Bereit: Besuchende können Sie in diesem Tab anrufen.');
  await expect(o.getByRole('heading', { name: 'Letzte Anrufe' })).toBeVisible();
  await expect(o.getByRole('switch', { name: 'Für Anrufe erreichbar' })).toBeChecked();
  await expect(o.locator('#call-status')).toHaveText('Kein Anruf.');
});

test('a page with lang="de" shows the widget in German through a call: status, ringing, in call, keypad, ended reason', async () => {
  const v = visitor.page, o = owner.page;
  const button = await openButton(v, `${EDGE}/demo/de.html`);
  await expect(visitorStatus(v)).toHaveText('Ada ist erreichbar.');
  await expect(v.locator('homeline-call').getByLabel('Ihr Name (optional, wird der angerufenen Person angezeigt)')).toBeVisible();
  await v.locator('homeline-call input').fill('Grace Hopper');
  await callOwner(v, o);
  await expect(button).toHaveAttribute('data-state', 'ringing');
  await expect(visitorStatus(v)).toHaveText('Es klingelt bei Ada…');
  await expect(o.locator('#call h2')).toHaveText('Eingehender Anruf: Grace Hopper');
  await expect(o.getByRole('button', { name: 'Ablehnen' })).toBeVisible();
  await v.screenshot({ path: artifact('de-visitor-ringing') });
  await answer(v, o);
  await expect(visitorStatus(v)).toHaveText('Im Gespräch mit Ada');
  await expect(o.locator('#call-status')).toHaveText('Im Gespräch: Grace Hopper');
  const widget = v.locator('homeline-call');
  await widget.getByRole('button', { name: 'Tastenfeld' }).click();
  await widget.getByRole('button', { name: '5 senden', exact: true }).click();
  await expect(o.locator('#dtmf-received')).toHaveText('5');
  await expect(widget.getByRole('timer', { name: 'Gesprächsdauer' })).toBeVisible();
  await v.screenshot({ path: artifact('de-visitor-in-call') });
  await o.locator('#call').getByRole('button', { name: 'Auflegen' }).click();
  await bothEnded(v, o);
  await expect(visitorStatus(v)).toHaveText('Ada hat aufgelegt.');
  await expect(callButton(v)).toHaveText('Erneut anrufen');
  await expect(o.locator('#call-status')).toHaveText('Anruf beendet.');
  // The call's row: German column names, outcome, and the time written the German way (dd.mm.yy, hh:mm).
  const row = o.locator('#calls tbody tr').first();
  await expect(o.locator('#calls th').first()).toHaveText('Zeit');
  await expect(row.locator('td').nth(3)).toHaveText('angenommen');
  await expect(row.locator('td').first()).toHaveText(/^\d{2}\.\d{2}\.\d{2}, \d{2}:\d{2}$/);
  await o.screenshot({ path: artifact('de-owner-ended'), fullPage: true });
});

test('the owner declines: the German page says who declined and offers a message in German', async () => {
  const v = visitor.page, o = owner.page;
  await openButton(v, `${EDGE}/demo/de.html`);
  await callOwner(v, o);
  await o.getByRole('button', { name: 'Ablehnen' }).click();
  await expect(v.locator('homeline-call')).toHaveAttribute('data-reason', 'declined');
  await expect(visitorStatus(v)).toHaveText('Ada hat den Anruf abgelehnt.');
  await v.locator('homeline-call').getByRole('button', { name: 'Nachricht hinterlassen' }).click();
  await expect(v.locator('homeline-call').getByRole('form', { name: 'Nachricht hinterlassen oder um Rückruf bitten' })).toBeVisible();
  await expect(v.locator('homeline-call').getByLabel('Nachricht', { exact: true })).toBeVisible();
});

test('the element\'s own lang counts (de-CH on an English page), and an English page stays English', async () => {
  const v = visitor.page;
  await openButton(v, `${EDGE}/demo/`);
  await expect(visitorStatus(v)).toHaveText('Ada is available.');
  await v.evaluate(() => {
    const el = document.createElement('homeline-call');
    el.setAttribute('lang', 'de-CH');
    el.id = 'swiss';
    document.querySelector('main')!.append(el);
  });
  const swiss = v.locator('#swiss');
  await expect(swiss).toHaveAttribute('data-state', 'ready');
  await expect(swiss.locator('.status')).toHaveText('Ada ist erreichbar.');
  await expect(swiss.locator('button.primary')).toHaveText('Anrufen');
  // Screen readers read the widget's words as German, the page's as English.
  await expect(swiss.locator('.hl')).toHaveAttribute('lang', 'de');
  await expect(v.locator('homeline-call').first().locator('.hl')).toHaveAttribute('lang', 'en');
});

test('no owner.name set: the German page words the owner without a name and without English, from offline to a declined call', async () => {
  const unnamed = await startEdge();
  // The owner's console in English on purpose: only the visitor's page language decides the widget's words.
  const [oCtx, vCtx] = await Promise.all([owner.browser.newContext({ permissions: ['microphone'], locale: 'en-US' }), visitor.browser.newContext({ permissions: ['microphone'] })]);
  const english = /\b(the|owner|is|available|reached|ringing|declined|call)\b/i;
  try {
    const v = await vCtx.newPage(), o = await oCtx.newPage();
    await openButton(v, `${unnamed.url}/demo/de.html`);
    await expect(visitorStatus(v)).toHaveText('Gerade ist niemand erreichbar.');
    await ownerSignIn(o, unnamed.url, unnamed.password);
    await openButton(v, `${unnamed.url}/demo/de.html`);
    const status = visitorStatus(v);
    await expect(status).toHaveText('Ein Anruf ist jetzt möglich.');
    await expect(status).not.toHaveText(english);
    await v.screenshot({ path: artifact('de-unnamed-desktop') });
    await v.setViewportSize({ width: 375, height: 740 });
    await v.screenshot({ path: artifact('de-unnamed-375') });
    await callOwner(v, o);
    await expect(status).toHaveText('Es klingelt…');
    await o.getByRole('button', { name: 'Decline' }).click();
    await expect(v.locator('homeline-call')).toHaveAttribute('data-reason', 'declined');
    await expect(status).toHaveText('Der Anruf wurde abgelehnt.');
    await expect(status).not.toHaveText(english);
  } finally {
    await Promise.all([oCtx.close(), vCtx.close()]);
    await unnamed.stop();
  }
});
