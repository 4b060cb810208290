// deploy/homeline.service: systemd itself parses it (systemd-analyze verify, when installed), the
// hardening the deploy guide promises is in it, and its reload (SIGHUP) does what it says against
// the real edge: a broken configuration is refused while serving, a good one exits 75 to restart.
// systemd cannot be PID 1 on the test machine, so the unit is never booted: its own ExecStart,
// Environment, EnvironmentFile and ExecReload lines are run as systemd would run them instead,
// as an unprivileged user with a 0700 state directory (what DynamicUser + StateDirectory give).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, mkdirSync, chmodSync, chownSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

test('systemd\'s own exposure score for the unit is "OK" (at most 2.0 of 10)', { skip: analyze.error ? 'systemd-analyze not installed' : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-unit-'));
  try {
    writeFileSync(join(dir, 'homeline.service'), unitText.replace('/usr/bin/node', process.execPath));
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', join(dir, 'homeline.service')], { encoding: 'utf8' });
    const score = /Overall exposure level for homeline\.service: ([\d.]+) (\w+)/.exec(r.stdout);
    assert.ok(score, r.stdout + r.stderr);
    console.log(`systemd-analyze security: exposure ${score[1]} ${score[2]}`);
    assert.ok(Number(score[1]) <= 2.0, `exposure ${score[1]} ${score[2]}`);
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

/** The unit's [Service] as systemd would start it here: the checkout at `checkout`, %S at `stateRoot`. */
function unitCommand(checkout: string, stateRoot: string) {
  const s = directives('Service');
  const sub = (v: string) => v.replaceAll('/opt/homeline', checkout).replaceAll('%S', stateRoot);
  const [exe, ...args] = sub(s.get('ExecStart')!.at(-1)!).split(/\s+/);
  return {
    exe: exe === '/usr/bin/node' ? process.execPath : exe, args,
    cwd: sub(s.get('WorkingDirectory')!.at(-1)!),
    environment: Object.fromEntries(s.get('Environment')!.map((e) => sub(e).split(/=(.*)/s).slice(0, 2))),
    environmentFile: s.get('EnvironmentFile')!.at(-1)!.replace(/^-/, ''),
    reload: s.get('ExecReload')!.at(-1)!,
  };
}

/** systemd's EnvironmentFile: NAME=value lines, # comments, optional quotes. */
function readEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(text.split('\n').map((l) => /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l)).filter((m) => m !== null)
    .map((m) => [m![1], m![2].trim().replace(/^"(.*)"$/, '$1')]));
}

const NOBODY = 65534;
test('the unit\'s own ExecStart, Environment and EnvironmentFile run the built bundle as an unprivileged user with the state directory as data dir; reload re-reads no env file, restart does',
  { timeout: 300_000, skip: process.getuid?.() !== 0 ? 'needs root to run the edge as an unprivileged user, as DynamicUser does' : false }, async () => {
    // npm run build, as the guide's step 2 (a no-op when the build is current).
    spawnSync(process.execPath, [join(repo, 'scripts/build.mjs'), '--if-changed'], { cwd: repo, stdio: 'ignore' });
    const base = mkdtempSync(join(tmpdir(), 'hl-unit-run-'));
    chmodSync(base, 0o755);
    const closeCheckout = letOthersTraverse(repo);
    const state = join(base, 'state');
    mkdirSync(state, { mode: 0o755 });
    mkdirSync(join(state, 'homeline'), { mode: 0o700 });
    // StateDirectory=homeline with DynamicUser: owned by the service's user, 0700.
    chownSync(join(state, 'homeline'), NOBODY, NOBODY);
    const unit = unitCommand(repo, state);
    assert.equal(unit.environmentFile, '/etc/homeline/homeline.env');
    const envFile = join(base, 'homeline.env');
    const guideEnv = (port: number) => `HOST=127.0.0.1\nPORT=${port}\nHOMELINE_PUBLIC_URL=https://call.example.org\nHOMELINE_TRUST_PROXY=127.0.0.1\nHOMELINE_ALLOWED_ORIGINS=https://www.example.org\n`;
    const run = () => {
      const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...unit.environment, ...readEnvFile(readFileSync(envFile, 'utf8')) };
      const child = spawn(unit.exe, unit.args, { cwd: unit.cwd, env, uid: NOBODY, gid: NOBODY });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
      let ended = false;
      const exited = new Promise<number | null>((r) => child.on('close', (code) => { ended = true; r(code); }));
      const seen = (re: RegExp) => Promise.race([
        // Stops looking once the process is gone: a poll left behind kept the test file alive.
        new Promise<void>((resolve) => { const check = () => { if (re.test(out)) resolve(); else if (!ended) setTimeout(check, 100); }; check(); }),
        exited.then((code) => { throw new Error(`exited ${code} before ${re}:\n${out}`); }),
      ]);
      return { child, exited, seen, out: () => out };
    };
    const [port1, port2] = [await freeTcpPort(), await freeTcpPort()];
    writeFileSync(envFile, guideEnv(port1));
    let edge = run();
    try {
      await edge.seen(/homeline edge ready/);
      assert.match(edge.out(), /"dataDir":"[^"]*\/state\/homeline"/, 'the data dir is the state directory');
      const health = await fetch(`http://127.0.0.1:${port1}/healthz`);
      assert.equal(health.status, 200);
      const secrets = statSync(join(state, 'homeline', 'secrets.json'));
      assert.equal(secrets.uid, NOBODY, 'written by the service\'s user');
      assert.equal(secrets.mode & 0o777, 0o600);
      // ExecReload, word for word: the process keeps the environment it was started with.
      writeFileSync(envFile, guideEnv(port2));
      const [kill, sig] = unit.reload.split(/\s+/);
      spawnSync(kill, [sig, String(edge.child.pid)]);
      await edge.seen(/configuration unchanged, nothing to restart/);
      // systemctl restart: SIGTERM, a clean exit, and the new start reads the env file again.
      edge.child.kill('SIGTERM');
      assert.equal(await edge.exited, 0);
      edge = run();
      await edge.seen(/homeline edge ready/);
      assert.equal((await fetch(`http://127.0.0.1:${port2}/healthz`)).status, 200, 'the new PORT from the env file');
    } finally {
      edge.child.kill('SIGKILL');
      rmSync(base, { recursive: true, force: true });
      closeCheckout();
    }
  });

/**
 * The service's user must reach the checkout, as it reaches /opt/homeline in the guide. A checkout
 * under a 0700 directory (/root, a mktemp -d) gets o+x on those directories for the test's length.
 */
function letOthersTraverse(path: string): () => void {
  const changed: [string, number][] = [];
  for (let d = path; ; d = dirname(d)) {
    const mode = statSync(d).mode & 0o7777;
    if (!(mode & 0o001)) { chmodSync(d, mode | 0o001); changed.push([d, mode]); }
    if (d === dirname(d)) break;
  }
  return () => { for (const [d, m] of changed) chmodSync(d, m); };
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}
