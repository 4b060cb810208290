// deploy/homeline.service: systemd itself parses it (systemd-analyze verify, when installed), the
// hardening the deploy guide promises is in it, and its reload (SIGHUP) does what it says against
// the real edge: a broken configuration is refused while serving, a good one exits 75 to restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const unitText = readFileSync(join(repo, 'deploy/homeline.service'), 'utf8');

function directives(section: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const line of unitText.split('\n')) {
    const head = /^\[(\w+)\]$/.exec(line.trim());
    if (head) { current = head[1]; continue; }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (kv && current === section) out.set(kv[1], [...(out.get(kv[1]) ?? []), kv[2]]);
  }
  return out;
}

const analyze = spawnSync('systemd-analyze', ['--version']);
test('systemd-analyze verify accepts the unit without a warning', { skip: analyze.error ? 'systemd-analyze not installed' : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-unit-'));
  try {
    // verify wants ExecStart's binary to exist: point it at this machine's node.
    writeFileSync(join(dir, 'homeline.service'), unitText.replace('/usr/bin/node', process.execPath));
    const r = spawnSync('systemd-analyze', ['verify', join(dir, 'homeline.service')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // Unknown keys and unparsable values are only warnings to systemd: none may appear.
    assert.equal(r.stderr.split('\n').filter((l) => l.includes('homeline.service')).join('\n'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the service is hardened and keeps its data in the state directory', () => {
  const s = directives('Service');
  const one = (k: string) => s.get(k)?.at(-1);
  assert.equal(one('DynamicUser'), 'yes');
  assert.equal(one('ProtectSystem'), 'strict');
  assert.equal(one('StateDirectory'), 'homeline');
  assert.ok(s.get('Environment')?.includes('HOMELINE_DATA_DIR=%S/homeline'), 'the data dir is the StateDirectory');
  for (const k of ['NoNewPrivileges', 'PrivateTmp', 'ProtectHome', 'PrivateDevices', 'RestrictSUIDSGID']) assert.equal(one(k), 'yes', k);
  assert.equal(one('CapabilityBoundingSet'), '');
  assert.match(one('ExecStart')!, /node .*dist\/server\/main\.js$/, 'runs the build, never rebuilds');
  assert.equal(one('ExecReload'), '/bin/kill -HUP $MAINPID');
  assert.equal(one('RestartForceExitStatus'), '75');
  assert.equal(one('RestartPreventExitStatus'), '78');
});

test('reload (SIGHUP): a broken config is refused while serving, an unchanged one keeps serving, a changed one exits 75', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-reload-'));
  const configFile = join(dir, 'homeline.config.json');
  writeFileSync(configFile, JSON.stringify({ port: 0, logLevel: 'info' }));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'server/main.ts')], {
    cwd: dir, env: { PATH: process.env.PATH!, HOMELINE_CONFIG: configFile, HOMELINE_DATA_DIR: join(dir, 'data') },
  });
  let out = '';
  const seen = (re: RegExp) => new Promise<void>((resolve) => {
    const check = () => { if (re.test(out)) { child.stdout.off('data', check); resolve(); } };
    child.stdout.on('data', check);
    check();
  });
  child.stdout.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  try {
    await seen(/homeline edge ready/);
    writeFileSync(configFile, JSON.stringify({ port: 0, publicUrl: 'call.example.org' }));
    child.kill('SIGHUP');
    await seen(/reload refused, still running/);
    assert.match(out, /reload refused[^"]*publicUrl \(HOMELINE_PUBLIC_URL\)/);
    assert.equal(child.exitCode, null, 'still running on the old configuration');
    // The same configuration again (a renewed certificate's SIGHUP): nothing to restart.
    writeFileSync(configFile, JSON.stringify({ port: 0, logLevel: 'info' }));
    child.kill('SIGHUP');
    await seen(/configuration unchanged, nothing to restart/);
    assert.equal(child.exitCode, null, 'an unchanged configuration keeps the edge running');
    writeFileSync(configFile, JSON.stringify({ port: 0, logLevel: 'debug' }));
    child.kill('SIGHUP');
    assert.equal(await exited, 75);
    assert.match(out, /configuration valid, restarting gracefully/);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
