// The owner's home as its own host (a named namespace, root only): the real Asterisk on the
// generated configuration and the real edge on its `asterisk` upstream, both inside `home`, the
// edge listening on the home address so a visitor on another host can reach it. Shared by
// test/netns/asterisk-cross-host.spec.ts and bench/firefox-media.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAsterisk, type RunningAsterisk } from '../asterisk/support/run-asterisk.ts';
import { freePort, repo } from '../e2e/support/edge.ts';
import { stopChild, type Namespaces } from './topology.ts';
import { startEdgeIn, tsx, until } from './home-edge.ts';

export interface NetnsHome {
  /** The edge's URL on the home address (the visitor's and the owner's pages both load it). */
  url: string;
  password: string;
  asterisk: RunningAsterisk;
  /** The generated configuration Asterisk loaded. */
  confDir: string;
  /** The edge's output so far (for a failure's attachment). */
  edgeOutput(): string;
  /** Stops the edge and Asterisk and removes their files (HOMELINE_TEST_KEEP keeps them). */
  stop(): Promise<void>;
}

export async function startAsteriskHome(spaces: Namespaces, home: string, homeIp: string): Promise<NetnsHome> {
  // mkdtemp adds no dot: Asterisk's media cache must not see one in its path.
  const root = mkdtempSync(join(tmpdir(), 'hl-nshome-'));
  const port = await freePort();
  const url = `http://${homeIp}:${port}`;
  const password = 'correct horse battery staple';
  // Asterisk's HTTP (WebSocket, ARI) stays on the home host's loopback: only the edge reaches it.
  const asteriskHttp = `127.0.0.1:${await freePort()}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOMELINE_DATA_DIR: join(root, 'data'),
    HOMELINE_ASTERISK_WS_URL: `ws://${asteriskHttp}/ws`,
    HOMELINE_ARI_URL: `http://${asteriskHttp}/ari`,
    HOMELINE_LOG_LEVEL: 'warn',
    HOST: '0.0.0.0',
    PORT: String(port),
    HOMELINE_PUBLIC_URL: url,
    // Benches call again and again from one address.
    HOMELINE__limits__tokenPerIpPerMinute: '1000',
    HOMELINE__limits__callAttemptsPerAddressPerMinute: '1000',
    HOMELINE__limits__callAttemptsPerMinute: '1000',
  };
  mkdirSync(env.HOMELINE_DATA_DIR!, { recursive: true });
  const confDir = join(root, 'conf');
  execFileSync(tsx, ['server/cli/asterisk-config.ts', '--out', confDir], { cwd: repo, env, stdio: 'pipe' });
  const asterisk = await runAsterisk(join(root, 'asterisk'), confDir, { netns: home });
  let edge: Awaited<ReturnType<typeof startEdgeIn>> | undefined;
  const stop = async () => {
    if (edge) await stopChild(edge.child);
    await asterisk.stop();
    if (!process.env.HOMELINE_TEST_KEEP) rmSync(root, { recursive: true, force: true });
  };
  try {
    edge = await startEdgeIn(spaces, home, url, env, password);
    await until(() => asterisk.cli('ari show apps').includes('homeline'), () => `the edge never registered its Stasis app:\n${edge!.output()}`, 90_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, password, asterisk, confDir, edgeOutput: edge!.output, stop };
}
