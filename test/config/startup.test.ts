// The real start-up, as a child process: every failure is one line on stderr that names the fix,
// a non-zero exit, and no stack trace; a rebuild never takes a running edge's files away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, readlinkSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'hl-startup-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs server/main.ts in an empty folder (no homeline.config.json) with only `env` set. */
function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(dir, 'run-'));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'server/main.ts')], {
    cwd,
    env: { PATH: process.env.PATH!, HOMELINE_DATA_DIR: join(cwd, 'data'), HOMELINE_LOG_LEVEL: 'warn', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function oneClearLine(stderr: string, ...expect: RegExp[]): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  assert.match(lines[0], /^homeline: /);
  assert.doesNotMatch(stderr, /\n\s+at |Error:/, 'no stack trace');
  for (const re of expect) assert.match(lines[0], re);
}

test('a port in use: one line naming the port and what to do', async () => {
  const busy: Server = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const port = (busy.address() as { port: number }).port;
  try {
    const r = await start({ PORT: String(port), HOST: '127.0.0.1' });
    assert.notEqual(r.code, 0);
    oneClearLine(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`), /set PORT/);
  } finally {
    busy.close();
  }
});

test('a public URL without scheme: refused before listening, exit 78', async () => {
  const r = await start({ PORT: '0', HOMELINE_PUBLIC_URL: 'call.example.org' });
  assert.equal(r.code, 78);
  oneClearLine(r.stderr, /publicUrl \(HOMELINE_PUBLIC_URL\)/, /https:\/\/call\.example\.org/);
  assert.equal(r.stdout, '', 'nothing started');
});

test('a bad number: the key and the value', async () => {
  const r = await start({ PORT: 'eighty' });
  assert.equal(r.code, 78);
  oneClearLine(r.stderr, /port: /, /"eighty"/);
});

test('a data dir that cannot be used: names it and HOMELINE_DATA_DIR', async () => {
  const file = join(dir, 'not-a-folder');
  writeFileSync(file, 'x');
  const r = await start({ PORT: '0', HOMELINE_DATA_DIR: file });
  assert.notEqual(r.code, 0);
  oneClearLine(r.stderr, /data dir/, /HOMELINE_DATA_DIR/);
});

test('an invalid IVR menu: the file and the checker to run', async () => {
  const menu = join(dir, 'menu.yaml');
  writeFileSync(menu, 'root: [unclosed\n');
  const r = await start({ PORT: '0', HOMELINE_IVR_MENU: menu });
  assert.equal(r.code, 78);
  oneClearLine(r.stderr, /invalid IVR menu/, /npm run ivr:check/);
});

test('a rebuild leaves the running build\'s files in place and switches dist in one step', { timeout: 240_000 }, () => {
  const build = () => execFileSync(process.execPath, [join(repo, 'scripts/build.mjs')], { cwd: repo, encoding: 'utf8' });
  build();
  const first = realpathSync(join(repo, 'dist'));
  build();
  const second = realpathSync(join(repo, 'dist'));
  assert.notEqual(first, second, 'each build goes to its own folder');
  assert.ok(existsSync(join(first, 'server/main.js')) && existsSync(join(first, 'web/homeline-call.js')), 'the previous build is still whole');
  assert.ok(existsSync(join(second, 'server/main.js')) && existsSync(join(second, 'web/homeline-call.js')));
  assert.match(readlinkSync(join(repo, 'dist')), /^\.builds\//);
  // npm start's --if-changed: the sources are those of the current build, so nothing is touched.
  const out = execFileSync(process.execPath, [join(repo, 'scripts/build.mjs'), '--if-changed'], { cwd: repo, encoding: 'utf8' });
  assert.match(out, /build up to date/);
  assert.equal(realpathSync(join(repo, 'dist')), second);
});

test('the first-run owner password never goes to a non-terminal stdout (a service\'s journal)', { timeout: 60_000 }, async () => {
  const cwd = mkdtempSync(join(dir, 'first-'));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'server/main.ts')], {
    cwd, env: { PATH: process.env.PATH!, HOMELINE_DATA_DIR: join(cwd, 'data'), HOMELINE_LOG_LEVEL: 'warn', PORT: '0' },
  });
  let out = '';
  await new Promise<void>((resolve) => child.stdout.on('data', (d) => { out += d; if (/npm run owner:password/.test(out)) resolve(); }));
  child.kill('SIGTERM');
  await new Promise((r) => child.on('close', r));
  assert.match(out, /not written to this log/);
  assert.doesNotMatch(out, /shown once/);
});

test('Asterisk and ARI unreachable at start: logged as errors that say what to check, the edge stays up', { timeout: 120_000 }, async () => {
  const closed: Server = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const port = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r)); // a port nothing listens on
  const cwd = mkdtempSync(join(dir, 'ast-'));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'server/main.ts')], {
    cwd,
    env: {
      PATH: process.env.PATH!, HOMELINE_DATA_DIR: join(cwd, 'data'), HOMELINE_LOG_LEVEL: 'warn', PORT: '0',
      HOMELINE_ASTERISK_WS_URL: `ws://127.0.0.1:${port}/ws`, HOMELINE_ARI_URL: `http://127.0.0.1:${port}/ari`,
    },
  });
  let out = '';
  await new Promise<void>((resolve) => child.stdout.on('data', (d) => {
    out += d;
    if (/Asterisk unreachable at start/.test(out) && /ARI unreachable at start/.test(out)) resolve();
  }));
  const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string });
  const asterisk = lines.find((l) => l.msg.startsWith('Asterisk unreachable at start'))!;
  const ari = lines.find((l) => l.msg.startsWith('ARI unreachable at start'))!;
  assert.equal(asterisk.level, 50);
  assert.match(asterisk.msg, /check that Asterisk runs.*http\.conf binds/);
  assert.equal(ari.level, 50);
  assert.match(ari.msg, /ECONNREFUSED.*check that Asterisk runs/);
  assert.equal(child.exitCode, null, 'the edge keeps running: Asterisk may come up later');
  child.kill('SIGTERM');
  await new Promise((r) => child.on('close', r));
});

test('an https public URL with neither trustProxy nor TLS: the edge starts and logs one warning naming the fix', { timeout: 60_000 }, async () => {
  const cwd = mkdtempSync(join(dir, 'warn-'));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'server/main.ts')], {
    cwd, env: { PATH: process.env.PATH!, HOMELINE_DATA_DIR: join(cwd, 'data'), HOMELINE_LOG_LEVEL: 'warn', PORT: '0', HOMELINE_PUBLIC_URL: 'https://call.example.org' },
  });
  let out = '';
  await new Promise<void>((resolve) => child.stdout.on('data', (d) => { out += d; if (/neither trustProxy/.test(out)) resolve(); }));
  child.kill('SIGTERM');
  await new Promise((r) => child.on('close', r));
  const warnings = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
  assert.equal(warnings.length, 1, out);
  assert.match(warnings[0].msg, /HOMELINE_TRUST_PROXY/);
});
