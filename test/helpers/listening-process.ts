// A real server the tests start (nginx, Caddy): spawned in its own temp dir, ready once every
// port it should serve accepts a connection, stopped with SIGTERM and its dir removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';

export interface ListeningProcess {
  stop(): Promise<void>;
  /** What it printed on stdout and stderr so far. */
  output(): string;
}

export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** `diagnostics`: more to show when it fails to start (e.g. nginx's error log). */
export async function startListening(o: {
  name: string; command: string; args: string[]; dir: string; ports: number[];
  env?: NodeJS.ProcessEnv; diagnostics?: () => string;
}): Promise<ListeningProcess> {
  const child: ChildProcess = spawn(o.command, o.args, { ...(o.env ? { env: o.env } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM'); // a fast shutdown of our own server (nginx: its master and worker)
      await exited;
    }
    rmSync(o.dir, { recursive: true, force: true });
  };
  const more = () => (o.diagnostics ? `\n${o.diagnostics()}` : '');
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) { await stop(); throw new Error(`${o.name} not listening on ${o.ports.join(', ')} in 60 s:\n${out}`); }
    if (child.exitCode !== null) throw new Error(`${o.name} exited ${child.exitCode}:\n${out}${more()}`);
    if ((await Promise.all(o.ports.map(listening))).every(Boolean)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { stop, output: () => out };
}
