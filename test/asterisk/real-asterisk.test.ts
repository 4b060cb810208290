// Loads the generated configuration into a real Asterisk (asterisk -C <tmp>/asterisk.conf) and
// checks what the static checks can only predict: it starts, chan_sip is absent, the endpoints
// exist, the HTTP server is on loopback, the visitor is identified only with the edge secret
// (SIP OPTIONS over the WebSocket), and ARI takes the edge's password.
// The Asterisk is the shared prebuilt one (scripts/asterisk-for-tests.sh) or HOMELINE_TEST_ASTERISK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { fixture, SECRETS } from './helpers.ts';
import { runAsterisk } from './support/run-asterisk.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** One SIP request over a fresh WebSocket; resolves with the status line of the final answer. */
function sipOptions(url: string, user: string, edgeHeader?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'sip');
    const id = randomBytes(6).toString('hex');
    ws.on('open', () => {
      ws.send([
        `OPTIONS sip:${user}@home.arpa SIP/2.0`,
        `Via: SIP/2.0/WS ${id}.invalid;branch=z9hG4bK${id}`,
        'Max-Forwards: 70',
        `To: <sip:${user}@home.arpa>`,
        `From: <sip:v-test${id}@home.arpa>;tag=${id}`,
        `Call-ID: ${id}`,
        'CSeq: 1 OPTIONS',
        ...(edgeHeader ? [`X-Homeline-Edge: ${edgeHeader}`] : []),
        'Content-Length: 0', '', '',
      ].join('\r\n'));
    });
    ws.on('message', (data) => {
      const first = String(data).split('\r\n')[0];
      if (/^SIP\/2\.0 1\d\d/.test(first)) return;
      ws.close();
      resolve(first);
    });
    ws.on('error', reject);
  });
}

test('the generated configuration runs in a real Asterisk', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hl-asterisk-'));
  const port = await freePort();
  const f = fixture({ upstream: { asteriskWsUrl: `ws://127.0.0.1:${port}/ws` } });
  const confDir = join(root, 'generated');
  mkdirSync(confDir, { recursive: true });
  for (const [name, text] of Object.entries(f.texts)) writeFileSync(join(confDir, name), text);
  const ast = await runAsterisk(root, confDir);
  const cli = ast.cli;
  try {
    assert.match(cli('module show like chan_sip'), /\b0 modules loaded/);
    const endpoints = cli('pjsip show endpoints');
    for (const ep of ['visitor', '6000', '6001', '6010']) assert.match(endpoints, new RegExp(`Endpoint:\\s+${ep}\\b`));
    assert.match(cli('dialplan show 100@from-web'), /Stasis|operator-menu/);
    assert.match(cli('http show status'), new RegExp(`127\\.0\\.0\\.1:${port}`));

    const url = `ws://127.0.0.1:${port}/ws`;
    assert.match(await sipOptions(url, '100', `visitor-${SECRETS.edgeSecret}`), /^SIP\/2\.0 200/);
    assert.match(await sipOptions(url, '6001', `visitor-${SECRETS.edgeSecret}`), /^SIP\/2\.0 404/, 'a visitor cannot name a home phone directly');
    assert.match(await sipOptions(url, '100'), /^SIP\/2\.0 401/, 'no edge header: challenged like any stranger');
    assert.match(await sipOptions(url, '100', 'visitor-wrong-secret-0123456789'), /^SIP\/2\.0 401/);

    const ari = (password: string) => fetch(`http://127.0.0.1:${port}/ari/asterisk/info`, { headers: { authorization: `Basic ${Buffer.from(`homeline:${password}`).toString('base64')}` } });
    assert.equal((await ari(SECRETS.ariPassword)).status, 200);
    assert.equal((await ari('not-the-password')).status, 401);
  } finally {
    await ast.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
