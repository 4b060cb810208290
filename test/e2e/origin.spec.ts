// A site that embeds the button but is not on the edge's allowedOrigins: the visitor reads that
// this site may not place calls, the Call button stays disabled, and the site owner's console
// names the setting to fix. (The edge's side, 403 HL_ORIGIN_FORBIDDEN readable by the refused
// page and the preflight refusal, is in test/routes/http.test.ts.)
import { test, expect } from '@playwright/test';
import { freePort } from './support/edge.ts';
import { serveOtherOrigin } from './support/other-origin.ts';
import { callButton, visitorStatus } from './support/flows.ts';
import { launchParty } from './support/party.ts';
import { strings } from '../../web/button/strings.ts';

test('a page on an origin the edge does not allow says so', async () => {
  const port = await freePort();
  const site = await serveOtherOrigin(port, process.env.HL_E2E_EDGE!);
  const visitor = await launchParty({ toneHz: 620, microphone: false });
  const page = visitor.page;
  try {
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`http://127.0.0.1:${port}/`);
    const button = page.locator('homeline-call');
    await expect(button).toHaveAttribute('data-state', 'forbidden');
    await expect(visitorStatus(page)).toHaveText(strings.originForbidden);
    await expect(callButton(page)).toBeDisabled();
    expect(errors.some((e) => e.includes(`http://127.0.0.1:${port}`) && e.includes('allowedOrigins'))).toBe(true);
  } finally {
    await visitor.close();
    site.close();
  }
});
