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
  /** Stops the edge process (SIGTERM, its graceful shutdown) and removes a data dir it made. */
  stop(): Promise<void>;
  /** Stops the edge process and keeps its data dir: `start()` brings the same edge back. */
  halt(): Promise<void>;
  /** Starts a new edge process on the same port, data dir and password after `halt()`. */
  start(): Promise<void>;
}

export interface EdgeOptions {
  /** How long to wait for /readyz: a first start renders every IVR prompt (~30 s on a busy machine). */
  readyTimeoutMs?: number;
}

export async function startEdge(env: Record<string, string> = {}, opts: EdgeOptions = {}): Promise<RunningEdge> {
  const port = await freePort();
  // The caller may give the data dir (a home shares it with Asterisk's generator); else our own.
  const ownDir = env.HOMELINE_DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'hl-edge-'));
  const dataDir = env.HOMELINE_DATA_DIR ?? ownDir!;
  const password = 'correct horse battery staple';
  // Every browser calls from 127.0.0.1: the per-address token limit and the per-address and
  // edge-wide call-attempt budgets are opened up unless a spec sets them (limits.spec does, on an
  // edge of its own; the per-connection budget keeps its default). With the default 10 tokens a
  // minute, a fast run's eleventh call within a minute (any spec's) was refused 429.
  const budgets = {
    HOMELINE__limits__tokenPerIpPerMinute: '1000',
    HOMELINE__limits__callAttemptsPerAddressPerMinute: '1000',
    HOMELINE__limits__callAttemptsPerMinute: '1000',
  };
  const baseEnv = { ...process.env, HOMELINE_DATA_DIR: dataDir, HOMELINE_LOG_LEVEL: 'warn', ...budgets, ...env };
  const pw = spawnSync(tsx, ['server/cli/owner-password.ts', '--password', password], { cwd: repo, env: baseEnv, encoding: 'utf8' });
  if (pw.status !== 0) throw new Error(`owner-password failed: ${pw.stderr || pw.stdout}`);
  const url = `http://127.0.0.1:${port}`;
  const readyMs = opts.readyTimeoutMs ?? 90_000;
  let child: ChildProcess | undefined;
  let out = '';

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) throw new Error('the edge is already running');
    // HL_E2E_EDGE_ENTRY runs another entry point (e.g. a local variant of main.ts under test).
    // Its own process group: tsx runs the edge as a child of its own, and a stop must reach both.
    const c: ChildProcess = spawn(tsx, [process.env.HL_E2E_EDGE_ENTRY ?? 'server/main.ts'], {
      cwd: repo,
      env: { ...baseEnv, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = c;
    c.stdout!.on('data', (d) => { out += d; });
    c.stderr!.on('data', (d) => { out += d; });
    const deadline = Date.now() + readyMs;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`edge exited ${c.exitCode}:\n${out}`);
      try {
        const r = await fetch(`${url}/readyz`);
        if (r.ok) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) { await halt(); throw new Error(`edge not ready in ${readyMs / 1000} s:\n${out}`); }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  // SIGTERM runs the edge's graceful shutdown (close handshakes, ARI goodbye: ~3 s at most); a
  // process still serving keep-alive connections after that would answer a restarted edge's
  // visitors with 503, so the whole group goes, and only then does halt() return.
  const halt = async () => {
    const c = child;
    if (!c?.pid) return;
    const group = -c.pid;
    const alive = () => { try { process.kill(group, 0); return true; } catch { return false; } };
    const signal = (s: NodeJS.Signals) => { try { process.kill(group, s); } catch { /* gone */ } };
    signal('SIGTERM');
    for (const end = Date.now() + 10_000; alive() && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
    signal('SIGKILL');
    while (alive()) await new Promise((r) => setTimeout(r, 20));
  };

  await start();
  const loader = await fetch(`${url}/homeline-call.js`);
  if (!loader.ok) {
    await halt();
    throw new Error(`the edge does not serve the web build (GET /homeline-call.js → ${loader.status}); is server/routes/web.ts registered?`);
  }
  return {
    url, port, password, dataDir,
    log: () => out,
    halt,
    start,
    async stop() {
      await halt();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
