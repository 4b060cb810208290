// Steps the specs share: sign the owner in, open the demo page, place a call.
import { expect, type Page } from '@playwright/test';
import { remotePeakHz, rtpCounts } from './party.ts';

export const artifact = (name: string) => `test/artifacts/${name}.png`;

export async function ownerSignIn(page: Page, edge: string, password: string) {
  await page.goto(`${edge}/owner/`);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#reg-status')).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
}

export async function openButton(page: Page, url: string) {
  await page.goto(url);
  const button = page.locator('homeline-call');
  await expect(button).toHaveAttribute('data-state', /ready|unreachable/);
  return button;
}

export const callButton = (page: Page) => page.locator('homeline-call button.primary').first();
export const visitorStatus = (page: Page) => page.locator('homeline-call .status');

/** Clicks Call on a ready button and waits until the owner's tab rings. */
export async function callOwner(visitor: Page, owner: Page) {
  await expect(visitor.locator('homeline-call')).toHaveAttribute('data-state', 'ready');
  await callButton(visitor).click();
  await expect(owner.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
}

export async function answer(visitor: Page, owner: Page) {
  await owner.locator('#answer').click();
  await expect(owner.locator('#call')).toHaveAttribute('data-state', 'in-call');
  await expect(visitor.locator('homeline-call')).toHaveAttribute('data-state', 'in-call');
}

/** The owner tab returns to idle and the button to a state that can call again. */
export async function bothEnded(visitor: Page, owner: Page) {
  await expect(owner.locator('#call')).toHaveAttribute('data-state', 'ended');
  await expect(visitor.locator('homeline-call')).toHaveAttribute('data-state', 'ended');
}

/** Each side hears the other's tone alone (not mixed with ringback), and RTP flows both ways. */
export async function expectTonesBothWays(v: Page, o: Page, tones: { visitorHz: number; ownerHz: number }): Promise<void> {
  const [vPeak, oPeak] = await Promise.all([remotePeakHz(v), remotePeakHz(o)]);
  const binHz = 48000 / 16384;
  expect(Math.abs(vPeak.hz - tones.ownerHz), `visitor hears ${vPeak.hz} Hz`).toBeLessThan(2 * binHz + 1);
  expect(Math.abs(oPeak.hz - tones.visitorHz), `owner hears ${oPeak.hz} Hz`).toBeLessThan(2 * binHz + 1);
  expect(vPeak.second).toBeLessThan(vPeak.level / 4);
  expect(oPeak.second).toBeLessThan(oPeak.level / 4);
  const [vs, os] = await Promise.all([rtpCounts(v), rtpCounts(o)]);
  for (const [who, c] of [['visitor', vs], ['owner', os]] as const) {
    expect(c.sent, `${who} sent`).toBeGreaterThan(20);
    expect(c.received, `${who} received`).toBeGreaterThan(20);
  }
}
