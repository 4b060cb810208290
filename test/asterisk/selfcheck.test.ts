// The edge's start-up self-check against the real Asterisk: the generated configuration passes
// and /readyz lists the check; an Asterisk without res_http_media_cache, or with an astcachedir
// under a dotted directory, starts fine but cannot play a prompt, and /readyz says 503 and why,
// with an error in the log. The edge runs in-process (buildApp) on the port its prompt URLs name.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { validateConfig } from '../../server/config/load.ts';
import { loadOrCreateSecrets } from '../../server/config/secrets.ts';
import { buildApp } from '../../server/app.ts';
import { runAsterisk, type RunningAsterisk } from './support/run-asterisk.ts';
import { freePort, repo } from '../e2e/support/edge.ts';

const PROMPTS = join(mkdtempSync(join(tmpdir(), 'hl-selfcheck-prompts-')), 'prompts');
after(() => rmSync(join(PROMPTS, '..'), { recursive: true, force: true }));

interface Readyz {
  ready: boolean;
  reason?: string;
  checks: Record<string, { ok: boolean; detail: string; hint?: string }>;
}

interface Home {
  asterisk: RunningAsterisk;
  /** Stops Asterisk, writes the generated modules.conf back, starts it again on the same port. */
  restartAsterisk(): Promise<void>;
  /** The next self-check verdict after the current one is dropped (ARI lost and back). */
  nextVerdict(): Promise<string>;
  readyz(): Promise<{ status: number; body: Readyz }>;
  /** The edge's log lines (pino JSON). */
  logs: Array<{ level: number; msg: string; [k: string]: unknown }>;
  stop(): Promise<void>;
}

/**
 * Generated configuration (optionally edited) in a real Asterisk, the edge on the asterisk
 * upstream with ARI; resolves once the self-check has a verdict.
 */
async function startHome(opts: { editModules?: (text: string) => string; cacheDir?: (root: string) => string } = {}): Promise<Home> {
  const root = mkdtempSync(join(tmpdir(), 'hl-selfcheck-'));
  const [astPort, edgePort] = [await freePort(), await freePort()];
  const dataDir = join(root, 'data');
  const conf = join(root, 'conf');
  const urls = { HOMELINE_ASTERISK_WS_URL: `ws://127.0.0.1:${astPort}/ws`, HOMELINE_ARI_URL: `http://127.0.0.1:${astPort}/ari` };
  execFileSync(join(repo, 'node_modules/.bin/tsx'), ['server/cli/asterisk-config.ts', '--out', conf], {
    cwd: repo, env: { ...process.env, HOMELINE_DATA_DIR: dataDir, ...urls }, stdio: 'pipe',
  });
  const modulesFile = join(conf, 'modules.conf');
  const generatedModules = readFileSync(modulesFile, 'utf8');
  if (opts.editModules) {
    const file = modulesFile;
    const before = generatedModules;
    const after = opts.editModules(before);
    assert.notEqual(after, before, 'the modules.conf edit applied');
    writeFileSync(file, after);
  }
  let asterisk = await runAsterisk(join(root, 'asterisk'), conf, { cacheDir: opts.cacheDir?.(root) });
  const config = validateConfig({
    port: edgePort, host: '127.0.0.1', dataDir, logLevel: 'info',
    upstream: { asteriskWsUrl: urls.HOMELINE_ASTERISK_WS_URL }, ari: { url: urls.HOMELINE_ARI_URL },
  });
  const { secrets } = await loadOrCreateSecrets(dataDir);
  // Synthesising the menu's prompts takes most of a minute here: do it once for the whole file.
  if (existsSync(PROMPTS)) cpSync(PROMPTS, join(dataDir, 'prompts'), { recursive: true });
  const logs: Home['logs'] = [];
  const logStream = new Writable({ write(chunk, _enc, cb) { logs.push(JSON.parse(String(chunk))); cb(); } });
  const app = await buildApp(config, secrets, { logStream });
  cpSync(join(dataDir, 'prompts'), PROMPTS, { recursive: true });
  // Waits for a verdict. The bound only turns a check that never runs into a failure with a
  // clean stop instead of a hung test run; no assertion depends on how long anything took.
  const until = async (done: () => boolean, what: string) => {
    for (const deadline = Date.now() + 90_000; !done();) {
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(app.ivr.selfCheck!.result)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const verdict = async () => {
    await until(() => app.ivr.selfCheck!.result.status !== 'pending', 'no self-check verdict');
    return app.ivr.selfCheck!.result.status;
  };
  const stop = async () => {
    await app.close();
    await asterisk.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await app.listen({ host: '127.0.0.1', port: edgePort });
    await verdict();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    get asterisk() { return asterisk; },
    logs, stop,
    async restartAsterisk() {
      await asterisk.stop();
      writeFileSync(modulesFile, generatedModules);
      asterisk = await runAsterisk(join(root, 'asterisk'), conf, { cacheDir: opts.cacheDir?.(root) });
    },
    async nextVerdict() {
      await until(() => app.ivr.selfCheck!.result.status === 'pending', 'the self-check never noticed ARI going away');
      return verdict();
    },
    async readyz() {
      const res = await fetch(`http://127.0.0.1:${edgePort}/readyz`);
      return { status: res.status, body: (await res.json()) as Readyz };
    },
  };
}

const failures = (home: Home) => home.logs.filter((l) => l.level >= 50 && /Asterisk self-check failed/.test(l.msg));

test('the generated configuration passes the self-check: /readyz 200 with the check listed', async () => {
  const home = await startHome();
  try {
    const { status, body } = await home.readyz();
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.ready, true);
    assert.equal(body.checks.asteriskPrompts.ok, true);
    assert.match(body.checks.asteriskPrompts.detail, /modules loaded; sound:http:\/\/127\.0\.0\.1:\d+\/ivr\/prompts\/p-[0-9a-f]{32}\.wav played/);
    assert.deepEqual(failures(home), []);
    assert.ok(home.logs.some((l) => /self-check passed/.test(l.msg)));
  } finally {
    await home.stop();
  }
});

test('Asterisk without res_http_media_cache: /readyz 503 naming the module, an error logged; fixed and restarted, the check runs again', async () => {
  const home = await startHome({ editModules: (t) => t.replace('require => res_http_media_cache.so', 'noload => res_http_media_cache.so') });
  try {
    const { status, body } = await home.readyz();
    assert.equal(status, 503);
    assert.equal(body.ready, false);
    assert.equal(body.checks.upstream.ok, true, 'Asterisk itself is up: only the prompts are broken');
    assert.equal(body.checks.asteriskPrompts.ok, false);
    assert.match(body.reason!, /res_http_media_cache not loaded/);
    assert.match(body.checks.asteriskPrompts.hint!, /load res_http_media_cache/);
    const [logged] = failures(home);
    assert.ok(logged, 'an error line in the log');
    assert.match(logged.msg, /res_http_media_cache not loaded/);
    assert.match(String(logged.check), /res_http_media_cache/);

    // The owner fixes Asterisk and restarts it: the edge's ARI reconnects and checks again.
    const next = home.nextVerdict();
    await home.restartAsterisk();
    assert.equal(await next, 'ok');
    const fixed = await home.readyz();
    assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
  } finally {
    await home.stop();
  }
});

test('an astcachedir under a dotted directory: /readyz 503 "prompt playback failed", an error logged', async () => {
  const home = await startHome({ cacheDir: (root) => join(root, 'tmp.AbC123', 'cache') });
  try {
    assert.match(home.asterisk.cli('module show like res_http_media_cache'), /\b1 modules loaded/, 'every module is there');
    const { status, body } = await home.readyz();
    assert.equal(status, 503);
    assert.doesNotMatch(body.reason!, /not loaded/);
    assert.match(body.reason!, /^prompt playback failed: sound:http:\/\/127\.0\.0\.1:\d+\/ivr\/prompts\/p-[0-9a-f]{32}\.wav ended "failed"$/);
    assert.match(body.checks.asteriskPrompts.hint!, /astcachedir/);
    const [logged] = failures(home);
    assert.ok(logged, 'an error line in the log');
    assert.match(logged.msg, /prompt playback failed/);
  } finally {
    await home.stop();
  }
});
