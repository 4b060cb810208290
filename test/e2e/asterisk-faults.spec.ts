// Faults in the owner's home, with the real Asterisk and the real edge (issue 8, point 4):
// - Asterisk stops under a call, as systemd stops it (SIGTERM: it hangs the calls up with ordinary
//   BYEs, then its connections drop) and as a crash (SIGKILL: the connections just drop). Both
//   sides end the call saying the home phone system went; /readyz answers 503 while it is away;
//   the owner's tab is registered again within 10 s of Asterisk being back, on its own; a new
//   visitor call has audio both ways.
// - The edge restarts (same port and data dir): the console keeps its session, reconnects and
//   re-registers on its own, and a visitor call works.
// Recovery times are printed here; bench/recovery.ts measures them properly.
import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { strings as widgetStrings } from '../../web/button/strings.ts';
import { ownerStrings } from '../../web/owner/strings.ts';
import { expectHearEachOther, useHomeWithOwnerTab, readyz } from './support/asterisk-home.ts';
import { answer, bothEnded, callOwner, openButton, visitorStatus } from './support/flows.ts';

/** The promise: the owner's tab is back on the line this soon after Asterisk or the edge is. */
const BACK_WITHIN_MS = 10_000;

const h = useHomeWithOwnerTab({ env: { HOMELINE_LOG_LEVEL: process.env.HOMELINE_LOG_LEVEL ?? 'info' } });

// The edge's log says what the tab and the relay saw; keep it with a failure.
test.afterEach(({}, info) => {
  if (info.status !== info.expectedStatus && h.home) writeFileSync(info.outputPath('edge.log'), h.home.edge.log());
});

const widget = (p: Page) => p.locator('homeline-call');
const regStatus = (p: Page) => p.locator('#reg-status');
const left = (since: number) => Math.max(1, BACK_WITHIN_MS - (Date.now() - since));

/** A fresh visitor page calls the owner, the tab answers, both hear each other. */
async function talk(v: Page, o: Page) {
  await openButton(v, `${h.home.edge.url}/demo/`);
  await callOwner(v, o);
  await answer(v, o);
  await expectHearEachOther(v, o);
}

async function hangUp(v: Page, o: Page) {
  await widget(v).getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
}

/** The owner's tab is registered through the edge, and Asterisk has its contact. */
async function registeredWithin(o: Page, since: number) {
  await expect(regStatus(o), `the owner's tab is registered within ${BACK_WITHIN_MS / 1000} s`).toHaveAttribute('data-state', 'registered', { timeout: left(since) });
  expect(h.home.asterisk.cli('pjsip show contacts')).toMatch(/Contact:\s+6000\//);
}

for (const how of ['term', 'kill'] as const) {
  const what = how === 'term' ? 'stopped as systemd does (SIGTERM)' : 'crashing (SIGKILL)';
  test(`Asterisk ${what} under a call: both sides say the phone system went, /readyz 503, the tab is back within 10 s of Asterisk, a new call has audio`, async () => {
    test.setTimeout(120_000);
    const v = h.visitor.page, o = h.owner.page, url = h.home.edge.url;
    await talk(v, o);

    await h.home.asterisk.stop(how);
    await expect(widget(v)).toHaveAttribute('data-state', 'ended');
    await expect(widget(v), 'the widget says why, not "you hung up"').toHaveAttribute('data-reason', 'homeLost');
    await expect(visitorStatus(v)).toHaveText(widgetStrings.reasons.homeLost);
    await expect(o.locator('#call')).toHaveAttribute('data-state', 'ended');
    await expect(o.locator('#call-status')).toHaveText(ownerStrings.endedBecause['phone-system']);

    const down = await readyz(url);
    expect(down.status, '/readyz while Asterisk is down').toBe(503);
    expect(down.body.ready).toBe(false);
    expect(down.body.detail).toMatch(/^asterisk: /);
    // The console retries on its own and says what it is waiting for.
    await expect(regStatus(o)).toHaveAttribute('data-state', 'reconnecting');
    await expect(regStatus(o)).toHaveAttribute('data-why', 'phone-system');

    await h.home.asterisk.start();
    const back = Date.now();
    await expect.poll(async () => (await readyz(url)).status, { message: '/readyz once Asterisk is back', timeout: left(back) }).toBe(200);
    const readyAt = Date.now();
    await registeredWithin(o, back);
    console.log(`Asterisk ${how}: back → /readyz 200 in ${readyAt - back} ms, → owner registered in ${Date.now() - back} ms`);

    await talk(v, o);
    await hangUp(v, o);
  });
}

test('the edge restarted on the same port and data dir: the console keeps its session, re-registers on its own, and a call has audio', async () => {
  test.setTimeout(150_000);
  const v = h.visitor.page, o = h.owner.page;
  await expect(regStatus(o)).toHaveAttribute('data-state', 'registered');

  await h.home.edge.halt();
  await expect(regStatus(o)).toHaveAttribute('data-state', 'reconnecting');
  await expect(regStatus(o)).toHaveAttribute('data-why', 'edge');

  await h.home.edge.start(); // returns once /readyz answers 200
  const back = Date.now();
  await registeredWithin(o, back);
  console.log(`edge restart: edge ready → owner registered in ${Date.now() - back} ms`);
  // Signed in still: the session outlived the edge process (<dataDir>/owner-sessions.json).
  await expect(o.locator('#login')).toBeHidden();
  await expect(o.locator('#console')).toBeVisible();

  await talk(v, o);
  await hangUp(v, o);
});
