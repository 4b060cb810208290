// The IVR's ARI tests against a real Asterisk: starts one on the generated configuration (as
// test/e2e/asterisk.spec.ts does), points HOMELINE_TEST_ARI_* at it and runs test/ivr/ari-app.test.ts.
// Used by scripts/test.sh on every run.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { runAsterisk, ASTERISK_BINARY } from './support/run-asterisk.ts';
import { freePort } from '../upstreams/kamailio.ts';

const repo = new URL('../../', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'hl-ari-'));
const port = await freePort();
const env = { HOMELINE_DATA_DIR: join(root, 'data'), HOMELINE_ASTERISK_WS_URL: `ws://127.0.0.1:${port}/ws`, HOMELINE_ARI_URL: `http://127.0.0.1:${port}/ari` };
execFileSync(join(repo, 'node_modules/.bin/tsx'), ['server/cli/asterisk-config.ts', '--out', join(root, 'conf')], { cwd: repo, env: { ...process.env, ...env }, stdio: 'ignore' });
// ARI's record plays Asterisk's core sound `beep` first and stops at once without it; the shared
// build ships no sounds, so this Asterisk gets a data dir with one beside the build's own data.
const data = join(root, 'asterisk-data');
const shipped = dataDir();
mkdirSync(join(data, 'sounds/en'), { recursive: true });
for (const d of readdirSync(shipped)) if (d !== 'sounds') symlinkSync(join(shipped, d), join(data, d));
writeFileSync(join(data, 'sounds/en/beep.wav'), beepWav());
process.env.HOMELINE_TEST_ASTERISK_DATADIR = data;
// Asterisk's ARI recordings land in <spool>/recording, which it does not create itself.
mkdirSync(join(root, 'asterisk/spool/recording'), { recursive: true });
const asterisk = await runAsterisk(join(root, 'asterisk'), join(root, 'conf'));
let status = 1;
try {
  const { ariPassword, edgeSecret } = JSON.parse(readFileSync(join(root, 'data/secrets.json'), 'utf8'));
  // Extra arguments (e.g. --test-name-pattern=…) go to the test runner.
  status = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...process.argv.slice(2), 'test/ivr/ari-app.test.ts'], {
    cwd: repo, stdio: 'inherit',
    env: { ...process.env, HOMELINE_TEST_ARI_URL: env.HOMELINE_ARI_URL, HOMELINE_TEST_ARI_USER: 'homeline', HOMELINE_TEST_ARI_PASSWORD: ariPassword, HOMELINE_TEST_ASTERISK_SPOOL: join(root, 'asterisk/spool'),
      // The owner's tab registers over Asterisk's WebSocket with the edge's secret header, to answer a ring.
      HOMELINE_TEST_ASTERISK_WS_URL: env.HOMELINE_ASTERISK_WS_URL, HOMELINE_TEST_EDGE_SECRET: edgeSecret },
  }).status ?? 1;
} finally {
  await asterisk.stop();
  rmSync(root, { recursive: true, force: true });
}
process.exit(status);

/** The build's own data dir (XML docs, rest-api), found as run-asterisk.ts finds it. */
function dataDir(): string {
  const prefix = dirname(dirname(ASTERISK_BINARY));
  if (process.env.HOMELINE_TEST_ASTERISK_DATADIR) return process.env.HOMELINE_TEST_ASTERISK_DATADIR;
  return [join(prefix, 'var/lib/asterisk'), '/var/lib/asterisk'].find((d) => existsSync(join(d, 'documentation'))) ?? '/var/lib/asterisk';
}

/** 250 ms of 1 kHz, 8 kHz mono 16-bit PCM: what `beep` sounds like. */
function beepWav(): Buffer {
  const n = 2000;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 2, 4); b.write('WAVEfmt ', 8); b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(8000, 24); b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36); b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)), 44 + i * 2);
  return b;
}
