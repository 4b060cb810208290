// The whole chain with a real Asterisk (scripts/asterisk-for-tests.sh or HOMELINE_TEST_ASTERISK): the
// generated configuration (npm run asterisk:config) is loaded into it, the edge runs on its
// `asterisk` upstream with ARI, the owner's tab registers through the edge, and a visitor's
// browser calls (1) the owner's ring group and (2) the operator menu at 100, walks it by tapping
// the options the edge reports, and reaches the owner. Audio is checked both ways, as in
// calls.spec.ts.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAsterisk, type RunningAsterisk } from '../asterisk/support/run-asterisk.ts';
import { freePort, repo, startEdge, type RunningEdge } from './support/edge.ts';
import { launchParty, remotePeakHz, rtpCounts, type Party } from './support/party.ts';
import { answer, artifact, bothEnded, callButton, callOwner, openButton, ownerSignIn } from './support/flows.ts';

const VISITOR_HZ = 620;
const OWNER_HZ = 1000;
const BIN_HZ = 48000 / 16384;

let root: string;
let asterisk: RunningAsterisk | undefined;
let edge: RunningEdge | undefined;
let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

/**
 * Asterisk never offers a 127.x ICE candidate (shared/ASTERISK-NOTES.md), so the private network
 * namespace the browser suite runs in gets a veth pair of its own; nothing can leave through it.
 */
function giveNamespaceAnAddress(): void {
  const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });
  if (ip('link', 'show', 'hlv0').status === 0) return;
  const steps = [
    ['link', 'add', 'hlv0', 'type', 'veth', 'peer', 'name', 'hlv1'],
    ['addr', 'add', '10.213.0.1/24', 'dev', 'hlv0'],
    ['link', 'set', 'hlv0', 'up'],
    ['link', 'set', 'hlv1', 'up'],
  ];
  for (const s of steps) {
    const r = ip(...s);
    if (r.status !== 0) throw new Error(`ip ${s.join(' ')}: ${r.stderr.trim()} (run the browser suite inside its namespace: npm run test:e2e)`);
  }
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  giveNamespaceAnAddress();
  root = mkdtempSync(join(tmpdir(), 'hl-real-asterisk-'));
  const port = await freePort();
  const env = {
    HOMELINE_DATA_DIR: join(root, 'data'),
    HOMELINE_ASTERISK_WS_URL: `ws://127.0.0.1:${port}/ws`,
    HOMELINE_ARI_URL: `http://127.0.0.1:${port}/ari`,
  };
  // The generator and the edge share one data dir, so they share the edge secret and ARI password.
  execFileSync(join(repo, 'node_modules/.bin/tsx'), ['server/cli/asterisk-config.ts', '--out', join(root, 'conf')], {
    cwd: repo, env: { ...process.env, ...env }, stdio: 'pipe',
  });
  asterisk = await runAsterisk(join(root, 'asterisk'), join(root, 'conf'));
  edge = await startEdge(env);
  await expect.poll(() => asterisk!.cli('ari show apps'), { timeout: 20_000, message: 'the edge registers its Stasis app' }).toContain('homeline');
  [owner, visitor] = await Promise.all([launchParty({ toneHz: OWNER_HZ }), launchParty({ toneHz: VISITOR_HZ })]);
  await ownerSignIn(owner.page, edge.url, edge.password);
  await expect.poll(() => asterisk!.cli('pjsip show contacts'), { message: 'the owner tab is registered in Asterisk' }).toMatch(/Contact:\s+6000\//);
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
  await edge?.stop();
  await asterisk?.stop();
  if (root && !process.env.HOMELINE_TEST_KEEP) rmSync(root, { recursive: true, force: true });
});

async function hearEachOther(v: Page, o: Page) {
  const [vPeak, oPeak] = await Promise.all([remotePeakHz(v), remotePeakHz(o)]);
  expect(Math.abs(vPeak.hz - OWNER_HZ), `visitor hears ${vPeak.hz} Hz`).toBeLessThan(2 * BIN_HZ + 1);
  expect(Math.abs(oPeak.hz - VISITOR_HZ), `owner hears ${oPeak.hz} Hz`).toBeLessThan(2 * BIN_HZ + 1);
  const [vs, os] = await Promise.all([rtpCounts(v), rtpCounts(o)]);
  for (const n of [vs.sent, vs.received, os.sent, os.received]) expect(n).toBeGreaterThan(20);
}

test('a visitor rings the owner through Asterisk: the tab rings, both hear each other', async () => {
  const v = visitor.page, o = owner.page;
  await openButton(v, `${edge!.url}/demo/`);
  await callOwner(v, o);
  await answer(v, o);
  await hearEachOther(v, o);
  await v.screenshot({ path: artifact('asterisk-visitor-in-call') });
  await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});

test('a visitor walks the operator menu at 100 by tapping what the edge shows, and reaches the owner', async () => {
  const v = visitor.page, o = owner.page;
  const widget = v.locator('homeline-call');
  const option = (key: string, label: RegExp) => widget.getByRole('button', { name: new RegExp(`^${key}: ${label.source}`) });
  await openButton(v, `${edge!.url}/demo/menu.html`);
  await callButton(v).click();
  // Asterisk answers into Stasis; the edge's ARI app reports the main node over the side channel.
  await expect(widget.locator('.ivr')).toHaveAttribute('data-node', 'main', { timeout: 20_000 });
  // The node is reported as its prompt starts: audio keeps arriving while it is spoken.
  await expect.poll(async () => (await rtpCounts(v)).received, { message: 'the prompt is heard', timeout: 5000 }).toBeGreaterThan(50);
  await v.screenshot({ path: artifact('asterisk-ivr-main') });
  await option('0', /Contact/).click();
  await expect(widget.locator('.ivr')).toHaveAttribute('data-node', 'contact', { timeout: 10_000 });
  await option('1', /Ring the owner/).click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 20_000 });
  await o.locator('#answer').click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'in-call');
  await hearEachOther(v, o);
  await o.locator('#call').getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});
