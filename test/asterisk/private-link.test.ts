// Asterisk at home, the edge elsewhere: the edge's URLs name a private-link (VPN) address, the
// generator binds Asterisk's HTTP server (/ws and ARI) to exactly that address, the invariants
// hold, the real Asterisk listens there and on no wildcard, and the real edge reaches it there.
// Runs itself inside a fresh network namespace (unshare -rn) with a veth address of its own, so
// nothing it opens is reachable from the machine's real network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PRIVATE = '10.213.7.1';
const self = fileURLToPath(import.meta.url);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const TSX = import.meta.resolve('tsx');

if (!process.env.HL_PRIVATE_LINK_NETNS) {
  test('Asterisk on a private address (run inside its own network namespace)', { timeout: 300_000 }, () => {
    const r = spawnSync('unshare', ['-rn', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" --import ${TSX} --test "${self}"`], {
      // Without the parent runner's context the child reports as a plain run (TAP on stdout).
      encoding: 'utf8', env: { ...process.env, NODE_TEST_CONTEXT: undefined, HL_PRIVATE_LINK_NETNS: '1' }, timeout: 290_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /# pass [1-9]/);
    assert.match(r.stdout, /# fail 0/);
  });
} else {
  test('generated config binds /ws and ARI to the private address only; the edge reaches Asterisk there', { timeout: 240_000 }, async () => {
    const { runAsterisk } = await import('./support/run-asterisk.ts');
    const { startEdge } = await import('../helpers/edge.ts');
    for (const step of [['link', 'add', 'hlp0', 'type', 'veth', 'peer', 'name', 'hlp1'], ['addr', 'add', `${PRIVATE}/24`, 'dev', 'hlp0'], ['link', 'set', 'hlp0', 'up'], ['link', 'set', 'hlp1', 'up']]) {
      const r = spawnSync('ip', step, { encoding: 'utf8' });
      assert.equal(r.status, 0, `ip ${step.join(' ')}: ${r.stderr}`);
    }
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, PRIVATE, () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
    });
    const root = mkdtempSync(join(tmpdir(), 'hl-private-'));
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    const env = {
      ...process.env, HOMELINE_CONFIG: '', HOMELINE_DATA_DIR: dataDir,
      HOMELINE_ASTERISK_WS_URL: `ws://${PRIVATE}:${port}/ws`, HOMELINE_ARI_URL: `http://${PRIVATE}:${port}/ari`,
    };
    const confDir = join(root, 'conf');
    const gen = spawnSync(process.execPath, ['--import', TSX, join(repo, 'server/cli/asterisk-config.ts'), '--out', confDir], { cwd: root, env, encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    assert.match(gen.stdout, /invariants hold/);
    const http = readFileSync(join(confDir, 'http.conf'), 'utf8');
    assert.match(http, new RegExp(`^bindaddr\\s*=\\s*${PRIVATE.replaceAll('.', '\\.')}\\s*$`, 'm'));
    assert.match(http, new RegExp(`^bindport\\s*=\\s*${port}\\s*$`, 'm'));

    const asterisk = await runAsterisk(join(root, 'asterisk'), confDir);
    let edge: Awaited<ReturnType<typeof startEdge>> | undefined;
    try {
      assert.match(asterisk.cli('http show status'), new RegExp(`${PRIVATE.replaceAll('.', '\\.')}:${port}`));
      // Every TCP listener in this namespace is Asterisk's: none may be on a wildcard address.
      const listening = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => readFileSync(f, 'utf8').trim().split('\n').slice(1))
        .map((l) => l.trim().split(/\s+/)).filter((c) => c[3] === '0A').map((c) => c[1]);
      assert.ok(listening.length > 0, 'Asterisk listens somewhere');
      const wildcard = listening.filter((a) => /^0+:/.test(a));
      assert.deepEqual(wildcard, [], `listeners on 0.0.0.0 or [::]: ${wildcard.join(', ')}`);
      const hex = PRIVATE.split('.').reverse().map((o) => Number(o).toString(16).padStart(2, '0')).join('').toUpperCase();
      assert.ok(listening.includes(`${hex}:${port.toString(16).toUpperCase().padStart(4, '0')}`), 'the HTTP server on the private address');

      edge = await startEdge({ dataDir, upstream: { asteriskWsUrl: env.HOMELINE_ASTERISK_WS_URL }, ari: { url: env.HOMELINE_ARI_URL } });
      const ready = await (await fetch(`${edge.url}/readyz`)).json() as { checks: { upstream: { ok: boolean; detail: string } } };
      assert.equal(ready.checks.upstream.ok, true, ready.checks.upstream.detail);
    } finally {
      await edge?.close();
      await asterisk.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
}
