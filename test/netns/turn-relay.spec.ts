// A call across a NAT that drops direct UDP between the visitor and the owner, with the real
// coturn (see topology.ts for the three namespaces). With TURN the call connects over relay
// candidates and the tones are heard both ways; without it the same call fails, and the widget
// says the visitor's network is the problem. Root only: `npm test` runs it as its own step
// (npx playwright test -c playwright.netns.config.ts), outside the loopback-only namespace.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchParty, remotePeakHz, rtpCounts, type Party } from '../e2e/support/party.ts';
import { answer, callOwner, openButton, ownerSignIn, visitorStatus } from '../e2e/support/flows.ts';
import { repo } from '../e2e/support/edge.ts';
import { strings } from '../../web/button/strings.ts';
import { buildTopology, HOME_IP, type Topology } from './topology.ts';
import { startEdgeIn, tsx, until } from './home-edge.ts';

const VISITOR_HZ = 620;
const OWNER_HZ = 1000;
const PASSWORD = 'correct horse battery staple';
const TURN_PORT = 3478;
const EDGE_TURN = 8080;
const EDGE_NO_TURN = 8090;

test.describe.configure({ mode: 'serial' });
test.skip(process.getuid?.() !== 0, 'named network namespaces need root');
test.skip(!existsSync('/usr/bin/turnserver'), 'coturn is not installed (apt-get install coturn)');

let topo: Topology | undefined;
let dir: string;
let owner: Party;
let visitor: Party;
const logs: Array<() => string> = [];

/** An edge listening in the home namespace, with its own data dir; TURN when `turn` is set. */
async function startHomeEdge(port: number, turn: boolean): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOMELINE_DATA_DIR: join(dir, `edge-${port}`),
    HOMELINE_LOG_LEVEL: 'warn',
    HOST: '0.0.0.0',
    PORT: String(port),
    // The address both pages use (the owner's tab too): its own origin, and the WebSocket's host.
    HOMELINE_PUBLIC_URL: `http://${HOME_IP}:${port}`,
    ...(turn ? {
      HOMELINE__turn__urls: `turn:${HOME_IP}:${TURN_PORT}?transport=udp`,
      // The owner's tab is the home media address here (embedded upstream): the one private peer.
      HOMELINE__turn__allowedPeers: HOME_IP,
      HOMELINE__turn__listenIps: HOME_IP,
      HOMELINE__turn__relayIp: HOME_IP,
      HOMELINE__turn__port: String(TURN_PORT),
    } : {}),
  };
  const edge = await startEdgeIn(topo!, topo!.home, `http://${HOME_IP}:${port}`, env, PASSWORD);
  logs.push(edge.output);
  return env;
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dir = mkdtempSync(join(tmpdir(), 'hl-netns-'));
  if (!existsSync(join(repo, 'dist/web/homeline-call.js'))) execFileSync(join(repo, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: repo });
  topo = buildTopology([EDGE_TURN, EDGE_NO_TURN], [TURN_PORT]);
  const env = await startHomeEdge(EDGE_TURN, true);
  // coturn from `npm run turn:config`, with this run's pid file, database and log beside it.
  const conf = join(dir, 'turnserver.conf');
  execFileSync(tsx, ['server/cli/turn-config.ts', '--out', conf], { cwd: repo, env, stdio: 'pipe' });
  appendFileSync(conf, `\npidfile=${join(dir, 'turn.pid')}\nuserdb=${join(dir, 'turndb')}\nlog-file=stdout\nsimple-log\n`);
  const coturn = topo.spawnIn(topo.home, '/usr/bin/turnserver', ['-c', conf]);
  logs.push(coturn.output);
  await until(() => topo!.run(topo!.home, 'ss', ['-Hlun', `sport = :${TURN_PORT}`]).trim() !== '', () => `coturn not listening:\n${coturn.output()}`);
  // The pages are plain http on a non-loopback address: no microphone unless told it is secure.
  const secureOrigins = [EDGE_TURN, EDGE_NO_TURN].map((p) => `http://${HOME_IP}:${p}`);
  [owner, visitor] = await Promise.all([
    launchParty({ toneHz: OWNER_HZ, netns: topo.home, secureOrigins, loopbackCandidates: false }),
    launchParty({ toneHz: VISITOR_HZ, netns: topo.visitor, secureOrigins, loopbackCandidates: false }),
  ]);
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
  await topo?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test.afterEach(async ({}, info) => {
  if (info.status === info.expectedStatus) return;
  for (const l of logs) await info.attach('process output', { body: l() });
  const widget = await visitor?.page.locator('homeline-call').evaluate((el) => `${el.getAttribute('data-state')} ${el.getAttribute('data-reason')}: ${el.shadowRoot?.textContent}`).catch((e) => String(e));
  await info.attach('visitor widget', { body: widget ?? 'no visitor' });
  for (const [who, party] of [['visitor', visitor], ['owner', owner]] as const) {
    const ice = await party?.page.evaluate(async () => {
      const pcs = (window as unknown as { __hlPcs: RTCPeerConnection[] }).__hlPcs;
      const pc = pcs[pcs.length - 1];
      if (!pc) return 'no peer connection';
      const pairs = [...(await pc.getStats()).values()].filter((s) => s.type === 'candidate-pair' || s.type.endsWith('candidate'));
      const cands = (d: RTCSessionDescription | null) => d?.sdp.split('\r\n').filter((l) => l.startsWith('a=candidate')) ?? [];
      return JSON.stringify({ ice: pc.iceConnectionState, gathering: pc.iceGatheringState, local: cands(pc.localDescription), remote: cands(pc.remoteDescription), pairs }, null, 1);
    }).catch((e) => String(e));
    await info.attach(`${who} ICE`, { body: ice ?? 'none', contentType: 'application/json' });
  }
});

/** Type of the local candidate of the pair ICE selected on the page's last peer connection. */
function selectedLocalCandidateType(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __hlPcs: RTCPeerConnection[] }).__hlPcs;
    const stats = await pcs[pcs.length - 1].getStats();
    const all = [...stats.values()] as Array<Record<string, unknown>>;
    const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = all.find((s) => s.id === transport?.selectedCandidatePairId);
    return all.find((s) => s.id === pair?.localCandidateId)?.candidateType as string | undefined;
  });
}

/** Signs the owner's tab (in the home namespace) in to the edge on `port`. */
async function ownerOn(port: number) {
  await ownerSignIn(owner.page, `http://${HOME_IP}:${port}`, PASSWORD);
}

test('with TURN: the call crosses the NAT over relay candidates and each side hears the other', async () => {
  test.setTimeout(180_000);
  const v = visitor.page, o = owner.page;
  await ownerOn(EDGE_TURN);
  // Served from the address it connects to (Chromium's Local Network Access check).
  await openButton(v, `http://${HOME_IP}:${EDGE_TURN}/demo/`);
  await callOwner(v, o);
  await answer(v, o);
  await expect.poll(() => selectedLocalCandidateType(v), { timeout: 60_000 }).toBe('relay');
  const [vPeak, oPeak] = await Promise.all([remotePeakHz(v), remotePeakHz(o)]);
  const binHz = 48000 / 16384;
  expect(Math.abs(vPeak.hz - OWNER_HZ), `visitor hears ${vPeak.hz} Hz`).toBeLessThan(2 * binHz + 1);
  expect(Math.abs(oPeak.hz - VISITOR_HZ), `owner hears ${oPeak.hz} Hz`).toBeLessThan(2 * binHz + 1);
  const counts = await rtpCounts(v);
  expect(counts.received).toBeGreaterThan(20);
  // Still relayed at the end: no direct path appeared meanwhile.
  expect(await selectedLocalCandidateType(v)).toBe('relay');
  await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
  await expect(v.locator('homeline-call')).toHaveAttribute('data-state', 'ended');
});

test('without TURN: the same call fails, and the widget says it was the network and what to try', async () => {
  test.setTimeout(240_000);
  const v = visitor.page, o = owner.page;
  await startHomeEdge(EDGE_NO_TURN, false);
  await ownerOn(EDGE_NO_TURN);
  await openButton(v, `http://${HOME_IP}:${EDGE_NO_TURN}/demo/`);
  const droppedBefore = topo!.droppedVisitorUdp();
  await callOwner(v, o);
  await o.locator('#answer').click();
  // ICE gives up after its checks time out (tens of seconds in Chromium).
  await expect(v.locator('homeline-call')).toHaveAttribute('data-reason', 'iceFailed', { timeout: 120_000 });
  await expect(visitorStatus(v)).toHaveText(strings.reasons.iceFailed);
  await expect(v.locator('homeline-call').getByRole('button', { name: 'Leave a message' })).toBeVisible();
  // The visitor did try the direct path, and the NAT dropped it.
  expect(topo!.droppedVisitorUdp()).toBeGreaterThan(droppedBefore);
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ended');
});
