// The owner's home for browser specs that go through a real Asterisk: the generated configuration
// (npm run asterisk:config, with optional owner site options) loaded into Asterisk, and the real
// edge on its `asterisk` upstream with ARI, sharing one data dir (so one edge secret and ARI
// password). Every spec through Asterisk starts from here.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAsterisk, type RunningAsterisk } from '../../asterisk/support/run-asterisk.ts';
import { freePort, repo, startEdge, type RunningEdge } from './edge.ts';
import { launchParty, remotePeakHz, rtpCounts, type Party, type RemotePeak } from './party.ts';
import { ownerSignIn } from './flows.ts';

/** The address the namespace's veth gets: Asterisk never offers a 127.x ICE candidate. */
export const NAMESPACE_ADDRESS = '10.213.0.1';

/**
 * Asterisk never offers a 127.x ICE candidate (shared/ASTERISK-NOTES.md), so the private network
 * namespace the browser suite runs in gets a veth pair of its own; nothing can leave through it.
 */
export function giveNamespaceAnAddress(): void {
  const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });
  if (ip('link', 'show', 'hlv0').status === 0) return;
  const steps = [
    ['link', 'add', 'hlv0', 'type', 'veth', 'peer', 'name', 'hlv1'],
    ['addr', 'add', `${NAMESPACE_ADDRESS}/24`, 'dev', 'hlv0'],
    ['link', 'set', 'hlv0', 'up'],
    ['link', 'set', 'hlv1', 'up'],
  ];
  for (const s of steps) {
    const r = ip(...s);
    if (r.status !== 0) throw new Error(`ip ${s.join(' ')}: ${r.stderr.trim()} (run the browser suite inside its namespace: npm run test:e2e)`);
  }
}

export interface Home {
  root: string;
  /** The generated configuration directory (what Asterisk loaded). */
  confDir: string;
  asterisk: RunningAsterisk;
  edge: RunningEdge;
  /** The environment the generator and the edge share. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface HomeOptions {
  /** The owner's Asterisk-only options (<dataDir>/asterisk.json): phones, TLS, trunk, barred… */
  site?: object;
  /** Extra environment for the generator and the edge. */
  env?: Record<string, string>;
  /** Files the owner adds beside the generated ones (e.g. pjsip_trunks.conf), written before Asterisk starts. */
  extraConf?: Record<string, string>;
}

export async function startHome(opts: HomeOptions = {}): Promise<Home> {
  giveNamespaceAnAddress();
  // mkdtemp adds no dot: Asterisk's media cache must not see one in its path.
  const root = mkdtempSync(join(tmpdir(), 'hl-home-'));
  const port = await freePort();
  const env = {
    HOMELINE_DATA_DIR: join(root, 'data'),
    HOMELINE_ASTERISK_WS_URL: `ws://127.0.0.1:${port}/ws`,
    HOMELINE_ARI_URL: `http://127.0.0.1:${port}/ari`,
    ...opts.env,
  };
  mkdirSync(env.HOMELINE_DATA_DIR, { recursive: true });
  if (opts.site) writeFileSync(join(env.HOMELINE_DATA_DIR, 'asterisk.json'), JSON.stringify(opts.site));
  const confDir = join(root, 'conf');
  execFileSync(join(repo, 'node_modules/.bin/tsx'), ['server/cli/asterisk-config.ts', '--out', confDir], {
    cwd: repo, env: { ...process.env, ...env }, stdio: 'pipe',
  });
  for (const [name, text] of Object.entries(opts.extraConf ?? {})) writeFileSync(join(confDir, name), text);
  const asterisk = await runAsterisk(join(root, 'asterisk'), confDir);
  let edge: RunningEdge;
  try {
    edge = await startEdge(env);
  } catch (err) {
    await asterisk.stop();
    throw err;
  }
  await expect.poll(() => asterisk.cli('ari show apps'), { timeout: 20_000, message: 'the edge registers its Stasis app' }).toContain('homeline');
  return {
    root, confDir, asterisk, edge, env,
    async stop() {
      await edge.stop();
      await asterisk.stop();
      if (!process.env.HOMELINE_TEST_KEEP) rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * How a browser calling through Asterisk is launched: without loopback ICE candidates, as a real
 * browser is. Asterisk's RTP socket is on 0.0.0.0 (transport-ws bind) and announces only the veth
 * address; a browser check from 127.0.0.1 is answered from 127.0.0.1, not from the announced
 * address, so the browser and Asterisk can each settle on a different pair and DTLS never
 * completes (no audio at all, about one call in four, before this).
 */
export const THROUGH_ASTERISK = { loopbackCandidates: false } as const;

/** The tones the parties of the specs through Asterisk play (away from telephone tones). */
export const VISITOR_HZ = 620;
export const OWNER_HZ = 1000;
/** One FFT bin of remotePeakHz at 48 kHz: a tone is heard when its peak is within two of them. */
export const BIN_HZ = 48000 / 16384;

/** What a test reads of one side of a call; a Chromium page's by default, Firefox's passed in. */
export interface Side { peak(): Promise<RemotePeak>; rtp(): Promise<{ received: number; sent: number }> }
const chromiumSide = (p: Page): Side => ({ peak: () => remotePeakHz(p), rtp: () => rtpCounts(p) });

/** Each side hears the other's tone (the peak of its remote audio), and RTP flows both ways. */
export async function expectHearEachOther(visitorPage: Page | Side, ownerPage: Page): Promise<void> {
  const visitor = 'peak' in visitorPage ? visitorPage : chromiumSide(visitorPage), owner = chromiumSide(ownerPage);
  const [vPeak, oPeak] = await Promise.all([visitor.peak(), owner.peak()]);
  expect(Math.abs(vPeak.hz - OWNER_HZ), `visitor hears ${vPeak.hz} Hz`).toBeLessThan(2 * BIN_HZ + 1);
  expect(Math.abs(oPeak.hz - VISITOR_HZ), `owner hears ${oPeak.hz} Hz`).toBeLessThan(2 * BIN_HZ + 1);
  const [vs, os] = await Promise.all([visitor.rtp(), owner.rtp()]);
  for (const n of [vs.sent, vs.received, os.sent, os.received]) expect(n).toBeGreaterThan(20);
}

/** GET /readyz: its status and body. */
export async function readyz(edgeUrl: string): Promise<{ status: number; body: { ready?: boolean; detail?: string } }> {
  const r = await fetch(`${edgeUrl}/readyz`);
  return { status: r.status, body: await r.json().catch(() => ({})) };
}

/** The owner's tab signed in and registered in `home`'s Asterisk, and a visitor's browser. */
export async function ownerAndVisitor(home: Home): Promise<{ owner: Party; visitor: Party }> {
  const [owner, visitor] = await Promise.all([launchParty({ toneHz: OWNER_HZ, ...THROUGH_ASTERISK }), launchParty({ toneHz: VISITOR_HZ, ...THROUGH_ASTERISK })]);
  await ownerSignIn(owner.page, home.edge.url, home.edge.password);
  await expect.poll(() => home.asterisk.cli('pjsip show contacts'), { message: 'the owner tab is registered in Asterisk' }).toMatch(/Contact:\s+6000\//);
  return { owner, visitor };
}

/** A home with the owner's tab signed in and registered in Asterisk, and a visitor's browser. */
export async function homeWithOwnerTab(opts: HomeOptions = {}): Promise<{ home: Home; owner: Party; visitor: Party }> {
  const home = await startHome(opts);
  return { home, ...(await ownerAndVisitor(home)) };
}

/**
 * For a spec file: one such home for all its tests, run one after another (they share the tab),
 * stopped at the end. The returned object's fields are set once beforeAll has run.
 */
export function useHomeWithOwnerTab(opts: HomeOptions = {}): { home: Home; owner: Party; visitor: Party } {
  const ctx = {} as { home: Home; owner: Party; visitor: Party };
  test.describe.configure({ mode: 'serial' });
  test.beforeAll(async () => {
    test.setTimeout(150_000);
    Object.assign(ctx, await homeWithOwnerTab(opts));
  });
  test.afterAll(async () => {
    await Promise.all([ctx.owner?.close(), ctx.visitor?.close()]);
    await ctx.home?.stop();
  });
  return ctx;
}
