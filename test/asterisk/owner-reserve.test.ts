// The owner always gets in (issue 10, point 11), proved on the real Asterisk with the generated
// configuration (http.conf sessionlimit=200): more idle visitor sockets than Asterisk has sessions
// connect through the real edge with tokens from the real token route, and still the owner's tab
// registers (raw REGISTER through the edge), ARI answers, and a visitor's call reaches the owner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { validateConfig } from '../../server/config/load.ts';
import { loadOrCreateSecrets } from '../../server/config/secrets.ts';
import { validateSite } from '../../server/asterisk/site.ts';
import { generate, renderPhoneSecrets, PHONE_SECRETS_FILE } from '../../server/asterisk/generate.ts';
import { parseConfSet, checkAll } from '../../server/asterisk/checks.ts';
import { runAsterisk } from './support/run-asterisk.ts';
import { freePort } from '../e2e/support/edge.ts';
import { startEdge, connectedVisitor, registeredOwner, visitorToken } from '../helpers/edge.ts';
import { RawUa } from '../helpers/raw-ua.ts';
import { header } from '../../server/sip/message.ts';

const IDLE_VISITORS = 250;

/** An offer shaped like a browser's (ICE + DTLS): Asterisk's WebRTC endpoint accepts it. */
function webrtcSdp(): string {
  const fp = Array.from(randomBytes(32)).map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  return [
    'v=0', `o=- ${Date.now()} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=msid-semantic: WMS',
    'm=audio 9 UDP/TLS/RTP/SAVPF 9 0 8', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${randomBytes(3).toString('hex')}`, `a=ice-pwd:${randomBytes(12).toString('hex')}`,
    `a=fingerprint:sha-256 ${fp}`, 'a=setup:actpass', 'a=mid:0', 'a=sendrecv', 'a=rtcp-mux',
    'a=rtpmap:9 G722/8000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000',
    'a=candidate:1 1 udp 2122260223 10.213.0.9 40000 typ host', '',
  ].join('\r\n');
}

test('hundreds of idle visitors cannot lock the owner out of a real Asterisk', { timeout: 600_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'hl-reserve-'));
  const port = await freePort();
  const dataDir = join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  const shared = {
    dataDir,
    logLevel: 'info',
    upstream: { asteriskWsUrl: `ws://127.0.0.1:${port}/ws` },
    ari: { url: `http://127.0.0.1:${port}/ari` },
  };
  const config = validateConfig(shared);
  const { secrets } = await loadOrCreateSecrets(dataDir);
  const site = validateSite({});
  const { plan, files } = generate(config, secrets, site);
  assert.match(files['http.conf'], /^sessionlimit=200$/m, 'the limit this test outnumbers');
  const confDir = join(root, 'conf');
  mkdirSync(confDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(confDir, name), text);
  writeFileSync(join(confDir, PHONE_SECRETS_FILE), renderPhoneSecrets(plan));
  assert.deepEqual(checkAll(parseConfSet({ ...files, [PHONE_SECRETS_FILE]: renderPhoneSecrets(plan) }), { config, secrets, site }), []);

  const ast = await runAsterisk(join(root, 'asterisk'), confDir);
  const edge = await startEdge({
    ...shared,
    visitor: { idleSeconds: 3600 },
    // One test client stands for hundreds of visitors: lift the per-address and token budgets.
    limits: { wsPerIp: 1000, tokenPerIpPerMinute: 1000, tokenGlobalPerMinute: 1000 },
  });
  const uas: RawUa[] = [];
  try {
    for (let i = 0; i < IDLE_VISITORS; i += 25) {
      uas.push(...(await Promise.all(Array.from({ length: Math.min(25, IDLE_VISITORS - i) }, () => connectedVisitor(edge)))));
    }
    assert.equal(uas.length, IDLE_VISITORS);
    assert.ok(uas.every((u) => !u.closed), 'every idle visitor is still connected');
    // A keepalive from an idle visitor is answered without touching Asterisk.
    uas[0].sendMsg(uas[0].newRequest('OPTIONS', 'sip:owner@home.arpa'));
    assert.equal(header((await uas[0].response(200, 'OPTIONS', 30_000)).msg, 'Server'), 'homeline-edge');

    const owner = await registeredOwner(edge);
    uas.push(owner);
    const ari = await fetch(`http://127.0.0.1:${port}/ari/asterisk/info`, {
      headers: { authorization: `Basic ${Buffer.from(`${config.ari.user}:${secrets.ariPassword}`).toString('base64')}` },
    });
    assert.equal(ari.status, 200, 'ARI still has a session');

    // One of the idle visitors calls: its channel opens now and Asterisk rings the owner's tab.
    const caller = uas[IDLE_VISITORS - 1];
    caller.sendMsg(caller.newRequest('INVITE', 'sip:owner@home.arpa', { body: webrtcSdp() }));
    const ring = await owner.request('INVITE', 60_000);
    assert.equal(header(ring.msg, 'X-Homeline-Edge'), undefined, 'the edge secret never reaches a browser');
    assert.equal(header(ring.msg, 'X-Homeline-Visitor'), undefined);
    assert.match(header(ring.msg, 'From')!, /visitor/i, 'Asterisk presents the call as the website visitor');
    assert.equal(edge.app.visitorChannels.inUse, 1, 'only the visitor who called holds an Asterisk session');

    // A fresh token still works for a new visitor too.
    assert.equal((await visitorToken(edge)).status, 200);
  } finally {
    for (const u of uas) u.ws.terminate();
    await edge.close();
    await ast.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
