// Starts the real edge (`tsx server/main.ts`) as a child process on a free loopback port, with
// its own data directory and owner password, and stops it again.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = join(repo, 'node_modules/.bin/tsx');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RunningEdge {
  url: string;
  port: number;
  password: string;
  dataDir: string;
  log: () => string;
  stop(): Promise<void>;
}

export async function startEdge(env: Record<string, string> = {}): Promise<RunningEdge> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'hl-edge-'));
  const password = 'correct horse battery staple';
  // Every browser calls from 127.0.0.1: the per-address and edge-wide call-attempt budgets are
  // opened up unless a spec sets them (the per-connection one keeps its default).
  const budgets = { HOMELINE__limits__callAttemptsPerAddressPerMinute: '1000', HOMELINE__limits__callAttemptsPerMinute: '1000' };
  const baseEnv = { ...process.env, HOMELINE_DATA_DIR: dataDir, HOMELINE_LOG_LEVEL: 'warn', ...budgets, ...env };
  const pw = spawnSync(tsx, ['server/cli/owner-password.ts', '--password', password], { cwd: repo, env: baseEnv, encoding: 'utf8' });
  if (pw.status !== 0) throw new Error(`owner-password failed: ${pw.stderr || pw.stdout}`);
  // HL_E2E_EDGE_ENTRY runs another entry point (e.g. a local variant of main.ts under test).
  const child: ChildProcess = spawn(tsx, [process.env.HL_E2E_EDGE_ENTRY ?? 'server/main.ts'], {
    cwd: repo,
    env: { ...baseEnv, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const url = `http://127.0.0.1:${port}`;
  // An edge on Asterisk renders its IVR prompts (mespeak) before it listens: ~30 s on a busy 2-core machine.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`edge exited ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`edge not ready in 90 s:\n${out}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  const loader = await fetch(`${url}/homeline-call.js`);
  if (!loader.ok) {
    child.kill();
    throw new Error(`the edge does not serve the web build (GET /homeline-call.js → ${loader.status}); is server/routes/web.ts registered?`);
  }
  return {
    url, port, password, dataDir,
    log: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
