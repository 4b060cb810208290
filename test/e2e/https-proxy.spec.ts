// A real call through each reverse proxy docs/deploy-https.md offers, over HTTPS: nginx runs the
// guide's site, Caddy the guide's Caddyfile, each with a certificate this test makes; the visitor
// page and the owner console are served through it, and both WebSockets are wss:// upgrades
// through it (embedded upstream).
import { expect, test } from '@playwright/test';
import { launchParty, type Party } from './support/party.ts';
import { answer, artifact, bothEnded, callOwner, expectTonesBothWays, openButton, ownerSignIn, visitorStatus } from './support/flows.ts';
import { freePort, startEdge, type RunningEdge } from './support/edge.ts';
import { makeTestCa, type TestCa, type ServerCert } from '../helpers/certs.ts';
import { renderGuideSite, startNginx } from '../helpers/nginx.ts';
import { renderGuideCaddyfile, startCaddy } from '../helpers/caddy.ts';

const VISITOR_HZ = 620;
const OWNER_HZ = 1000;

interface Proxy { stop(): Promise<void> }

/** Each proxy of the guide, started in front of the edge on `httpsPort`. */
const PROXIES: Record<string, (httpsPort: number, edgePort: number, cert: ServerCert) => Promise<Proxy>> = {
  nginx: async (httpsPort, edgePort, cert) => {
    const httpPort = await freePort();
    return startNginx(renderGuideSite({ httpsPort, httpPort, edgePort, certFile: cert.certFile, keyFile: cert.keyFile }), [httpsPort, httpPort]);
  },
  caddy: (httpsPort, edgePort, cert) => startCaddy(renderGuideCaddyfile({ httpsPort, edgePort, certFile: cert.certFile, keyFile: cert.keyFile }), httpsPort),
};

for (const [name, startProxy] of Object.entries(PROXIES)) {
  test.describe(name, () => {
    let ca: TestCa;
    let edge: RunningEdge;
    let proxy: Proxy;
    let pub: string;
    let owner: Party;
    let visitor: Party;
    const sockets: string[] = [];

    test.describe.configure({ mode: 'serial' });

    test.beforeAll(async () => {
      test.setTimeout(180_000);
      ca = makeTestCa();
      const httpsPort = await freePort();
      pub = `https://127.0.0.1:${httpsPort}`;
      edge = await startEdge({ HOMELINE_PUBLIC_URL: pub, HOMELINE_TRUST_PROXY: '127.0.0.1' });
      proxy = await startProxy(httpsPort, edge.port, ca.issue(name));
      // The test CA is not in Chromium's store; the certificate itself is checked by the node tests.
      const args = ['--ignore-certificate-errors'];
      [owner, visitor] = await Promise.all([launchParty({ toneHz: OWNER_HZ, args }), launchParty({ toneHz: VISITOR_HZ, args })]);
      for (const p of [owner, visitor]) p.page.on('websocket', (ws) => sockets.push(ws.url()));
    });

    test.afterAll(async () => {
      await Promise.all([owner?.close(), visitor?.close()]);
      await proxy?.stop();
      await edge?.stop();
      ca?.remove();
    });

    test(`a call through ${name} over HTTPS: pages, console and both WebSockets via the proxy, audio both ways`, async () => {
      const v = visitor.page, o = owner.page;
      await ownerSignIn(o, pub, edge.password);
      expect(new URL(o.url()).origin).toBe(pub);
      await openButton(v, `${pub}/demo/`);
      expect(new URL(v.url()).origin).toBe(pub);
      await callOwner(v, o);
      await answer(v, o);
      await expect(visitorStatus(v)).toContainText('In call');
      await expectTonesBothWays(v, o, { visitorHz: VISITOR_HZ, ownerHz: OWNER_HZ });
      await v.screenshot({ path: artifact(`visitor-in-call-https-${name}`) });
      // Both parties' SIP went over wss:// to the proxy's port: the edge itself only listens on plain HTTP elsewhere.
      const viaProxy = sockets.filter((u) => u.startsWith(`wss://127.0.0.1:${new URL(pub).port}/sip?token=`));
      expect(viaProxy.length, sockets.join('\n')).toBeGreaterThanOrEqual(2);
      expect(sockets.every((u) => u.startsWith('wss://'))).toBe(true);
      await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
      await bothEnded(v, o);
    });
  });
}
