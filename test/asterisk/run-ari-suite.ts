// The IVR's ARI tests against a real Asterisk: starts one on the generated configuration (as
// test/e2e/asterisk.spec.ts does), points HOMELINE_TEST_ARI_* at it and runs test/ivr/ari-app.test.ts.
// Used by scripts/test.sh on every run.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAsterisk } from './support/run-asterisk.ts';
import { freePort } from '../upstreams/kamailio.ts';

const repo = new URL('../../', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'hl-ari-'));
const port = await freePort();
const env = { HOMELINE_DATA_DIR: join(root, 'data'), HOMELINE_ASTERISK_WS_URL: `ws://127.0.0.1:${port}/ws`, HOMELINE_ARI_URL: `http://127.0.0.1:${port}/ari` };
execFileSync(join(repo, 'node_modules/.bin/tsx'), ['server/cli/asterisk-config.ts', '--out', join(root, 'conf')], { cwd: repo, env: { ...process.env, ...env }, stdio: 'ignore' });
const asterisk = await runAsterisk(join(root, 'asterisk'), join(root, 'conf'));
let status = 1;
try {
  const { ariPassword } = JSON.parse(readFileSync(join(root, 'data/secrets.json'), 'utf8'));
  status = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/ivr/ari-app.test.ts'], {
    cwd: repo, stdio: 'inherit',
    env: { ...process.env, HOMELINE_TEST_ARI_URL: env.HOMELINE_ARI_URL, HOMELINE_TEST_ARI_USER: 'homeline', HOMELINE_TEST_ARI_PASSWORD: ariPassword },
  }).status ?? 1;
} finally {
  await asterisk.stop();
  rmSync(root, { recursive: true, force: true });
}
process.exit(status);
