// The bundled edge (dist/server/main.js) as a child process for the benches, with the limits a
// bench needs raised, plus /proc readings of that process (CPU seconds, resident memory).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/upstreams/kamailio.ts';

export interface EdgeProc {
  proc: ChildProcess;
  url: string;
  dataDir: string;
  /** The owner's password, printed once on a first run. */
  ownerPassword: string;
  /** The edge's stdout (its JSON log): a file, so nothing in the bench has to drain a pipe. */
  logPath: string;
  logBytes(): number;
  stop(): Promise<void>;
}

export const RAISED_LIMITS: Record<string, string> = {
  HOMELINE__limits__wsPerIp: '100000', HOMELINE__limits__tokenPerIpPerMinute: '1000000',
  HOMELINE__limits__tokenGlobalPerMinute: '1000000', HOMELINE__limits__messagesPerSecond: '100000',
  HOMELINE__limits__messageBurst: '100000',
};

export async function startEdge(env: Record<string, string>, nodeArgs: string[] = []): Promise<EdgeProc> {
  const dataDir = mkdtempSync(join(tmpdir(), 'homeline-bench-'));
  const port = await freePort();
  const logPath = join(dataDir, 'edge-stdout.log');
  const logFd = openSync(logPath, 'w');
  // BENCH_EDGE_BUNDLE runs another build of the edge (e.g. one made from an earlier commit).
  const proc = spawn(process.execPath, [...nodeArgs, process.env.BENCH_EDGE_BUNDLE ?? 'dist/server/main.js'], {
    env: { ...process.env, PORT: String(port), HOMELINE_DATA_DIR: dataDir, HOMELINE_LOG_LEVEL: 'warn', ...RAISED_LIMITS, ...env },
    stdio: ['ignore', logFd, 'inherit'],
  });
  closeSync(logFd);
  let exited: number | null = null;
  proc.once('exit', (c) => { exited = c; });
  let out = '';
  for (const deadline = Date.now() + 20_000; !/homeline(:| is running)[^]*owner/.test(out); await new Promise((r) => setTimeout(r, 25))) {
    if (exited !== null) throw new Error(`edge exited ${exited}`);
    if (Date.now() > deadline) throw new Error('edge did not start within 20 s');
    out = readFileSync(logPath, 'utf8');
  }
  const ownerPassword = /Owner password \(shown once\):\s+(\S+)/.exec(out)?.[1] ?? '';
  return {
    proc, url: `http://127.0.0.1:${port}`, dataDir, ownerPassword, logPath,
    logBytes: () => statSync(logPath).size,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      if (!process.env.BENCH_KEEP) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function secretOf(dataDir: string): string {
  return JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).edgeSecret;
}

const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS;
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(xs: number[]): number {
  return pct([...xs].sort((a, b) => a - b), 50);
}
