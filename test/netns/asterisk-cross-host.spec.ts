// The product's main deployment: a visitor on another host than the owner's Asterisk. Two named
// namespaces joined by a veth (topology.ts, buildTwoHosts): the visitor's browser alone in one, the
// real Asterisk on the generated configuration, the real edge on its `asterisk` upstream and the
// owner's Chromium in the other (asterisk-home.ts). Every other Asterisk spec has the visitor on
// Asterisk's own loopback, where a transport bound to 127.0.0.1 (Asterisk then binds each WebRTC
// endpoint's RTP there) still carries media; across hosts it carried none. Root only.
import { expect, test, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launchParty, rtpCounts, type Party } from '../e2e/support/party.ts';
import { answer, callOwner, openButton, ownerSignIn } from '../e2e/support/flows.ts';
import { expectHearEachOther, OWNER_HZ, THROUGH_ASTERISK, VISITOR_HZ } from '../e2e/support/asterisk-home.ts';
import { repo } from '../e2e/support/edge.ts';
import { expectWidgetState, firefoxPeakHz, firefoxRtpCounts, launchFirefoxParty, openButtonInFirefox, pressButton, pressCall } from '../e2e/support/firefox.ts';
import { startAsteriskHome, type NetnsHome } from './asterisk-home.ts';
import { buildTwoHosts, TWO_HOSTS, type TwoHosts } from './topology.ts';

// Not serial: a Firefox call is worth running after a failed Chromium one (a new worker, a new home).
test.skip(process.getuid?.() !== 0, 'named network namespaces need root');

let hosts: TwoHosts | undefined;
let home: NetnsHome | undefined;
let owner: Party;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  if (!existsSync(join(repo, 'dist/web/homeline-call.js'))) execFileSync(join(repo, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: repo });
  hosts = buildTwoHosts();
  home = await startAsteriskHome(hosts, hosts.home, TWO_HOSTS.homeIp);
  owner = await launchParty({ toneHz: OWNER_HZ, netns: hosts.home, secureOrigins: [home.url], ...THROUGH_ASTERISK });
  await ownerSignIn(owner.page, home.url, home.password);
  await expect.poll(() => home!.asterisk.cli('pjsip show contacts'), { message: 'the owner tab is registered in Asterisk' }).toMatch(/Contact:\s+6000\//);
});

test.afterAll(async () => {
  await owner?.close();
  await home?.stop();
  await hosts?.destroy();
});

test.afterEach(async ({}, info) => {
  if (info.status === info.expectedStatus || !home) return;
  await info.attach('edge output', { body: home.edgeOutput() });
  await info.attach('asterisk channels', { body: home.asterisk.cli('core show channels verbose') });
});

/** The addresses of the ICE candidates in the page's last peer connection's SDP, each side's. */
function candidateAddresses() {
  const pcs = (window as unknown as { __hlPcs: RTCPeerConnection[] }).__hlPcs;
  const pc = pcs[pcs.length - 1];
  const of = (d: RTCSessionDescription | null) => [...new Set((d?.sdp.match(/^a=candidate:.*$/gm) ?? []).map((l) => l.split(' ')[4]))];
  return { local: of(pc.localDescription), remote: of(pc.remoteDescription) };
}

/** The call really crossed hosts: the visitor offered only its own address, Asterisk the home's. */
function expectAcrossHosts(seen: { local: string[]; remote: string[] }) {
  expect(seen.local, 'the visitor\'s candidates').toEqual([TWO_HOSTS.visitorIp]);
  expect(seen.remote, 'Asterisk\'s candidates').toContain(TWO_HOSTS.homeIp);
}

type RtpCounts = () => Promise<{ received: number; sent: number }>;

/**
 * Waits until RTP arrives at both pages (a failure names the sides that got none); prints how long
 * that took after Answer, a figure and not a limit.
 */
async function expectMediaArrives(visitorRtp: RtpCounts, o: Page, label: string, answeredAt: number) {
  const silent = async () => {
    const got = { visitor: (await visitorRtp()).received, owner: (await rtpCounts(o)).received };
    return Object.entries(got).filter(([, n]) => n <= 10).map(([who]) => `${who} (${got[who as keyof typeof got]} packets)`);
  };
  await expect.poll(silent, { timeout: 20_000, intervals: [50], message: `${label}: sides with no RTP from across hosts` }).toEqual([]);
  console.log(`${label}: RTP flowing both ways ${Date.now() - answeredAt} ms after Answer`);
}

test('a Chromium visitor on another host calls the owner through Asterisk: both in call, each hears the other', async () => {
  test.setTimeout(120_000);
  const visitor = await launchParty({ toneHz: VISITOR_HZ, netns: hosts!.visitor, secureOrigins: [home!.url], ...THROUGH_ASTERISK });
  try {
    const v = visitor.page, o = owner.page;
    await openButton(v, `${home!.url}/demo/`);
    await callOwner(v, o);
    const answeredAt = Date.now();
    await answer(v, o);
    await expectMediaArrives(() => rtpCounts(v), o, 'Chromium visitor', answeredAt);
    await expectHearEachOther(v, o);
    expectAcrossHosts(await v.evaluate(candidateAddresses));
    await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
    await expect(o.locator('#call')).toHaveAttribute('data-state', 'ended');
  } finally {
    await visitor.close();
  }
});

test('a Firefox visitor on another host calls the owner through Asterisk: both in call, each hears the other', async () => {
  test.setTimeout(120_000);
  // Firefox's own fake microphone; the page is plain http on a non-loopback address.
  const visitor = await launchFirefoxParty({ toneHz: VISITOR_HZ, netns: hosts!.visitor, prefs: { 'dom.securecontext.allowlist': TWO_HOSTS.homeIp }, ...THROUGH_ASTERISK });
  try {
    const v = visitor.page, o = owner.page;
    await openButtonInFirefox(v, `${home!.url}/demo/`);
    await pressCall(v);
    await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
    const answeredAt = Date.now();
    await o.locator('#answer').click();
    await expect(o.locator('#call')).toHaveAttribute('data-state', 'in-call');
    await expectWidgetState(v, 'in-call');
    await expectMediaArrives(() => firefoxRtpCounts(v), o, 'Firefox visitor', answeredAt);
    await expectHearEachOther({ peak: () => firefoxPeakHz(v), rtp: () => firefoxRtpCounts(v) }, o);
    expectAcrossHosts(await v.evaluate(candidateAddresses));
    await pressButton(v, 'Hang up');
    await expect(o.locator('#call')).toHaveAttribute('data-state', 'ended');
  } finally {
    await visitor.close();
  }
});
