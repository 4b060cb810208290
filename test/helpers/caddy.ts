// A real Caddy (Debian's) in front of the edge, with the Caddyfile docs/deploy-https.md shows:
// the test takes that very block, swaps in its own address, port and upstream, and adds what a
// test cannot get from the internet (a certificate it made instead of ACME, no admin endpoint).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CADDY = process.env.HOMELINE_CADDY ?? '/usr/bin/caddy';
const GUIDE = fileURLToPath(new URL('../../docs/deploy-https.md', import.meta.url));

/** The guide's ```caddy block, exactly as an owner copies it. */
export function guideCaddyfile(): string {
  const block = /```caddy\n([\s\S]*?)```/.exec(readFileSync(GUIDE, 'utf8'))?.[1];
  if (!block) throw new Error('docs/deploy-https.md has no ```caddy block');
  return block;
}

/** The guide's Caddyfile on 127.0.0.1:`httpsPort` with the test's certificate and edge. */
export function renderGuideCaddyfile(p: { httpsPort: number; edgePort: number; certFile: string; keyFile: string }): string {
  const swaps: Array<[string, string]> = [
    ['call.example.org {', `https://127.0.0.1:${p.httpsPort} {\n    tls ${p.certFile} ${p.keyFile}`],
    ['reverse_proxy 127.0.0.1:8080', `reverse_proxy 127.0.0.1:${p.edgePort}`],
  ];
  let site = guideCaddyfile();
  for (const [from, to] of swaps) {
    if (!site.includes(from)) throw new Error(`docs/deploy-https.md's Caddyfile no longer has "${from}": update the test's rendering with it`);
    site = site.replace(from, to);
  }
  // No ACME, no :80 redirect listener, no admin API: a test Caddy owns only its HTTPS port.
  return `{\n    auto_https off\n    admin off\n}\n\n${site}`;
}

/** Caddy's own home (its data and config dirs) in a temp dir, never the system's. */
function caddyEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
}

/** `caddy validate` on a Caddyfile's text; returns its output, throws with it on an invalid one. */
export function validateCaddyfile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-caddy-'));
  try {
    writeFileSync(join(dir, 'Caddyfile'), text);
    return execFileSync(CADDY, ['validate', '--adapter', 'caddyfile', '--config', join(dir, 'Caddyfile')], { env: caddyEnv(dir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunningCaddy { stop(): Promise<void>; output(): string }

const listening = (port: number) => new Promise<boolean>((resolve) => {
  const s = connect(port, '127.0.0.1');
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

export async function startCaddy(caddyfile: string, port: number): Promise<RunningCaddy> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-caddy-'));
  writeFileSync(join(dir, 'Caddyfile'), caddyfile);
  const child: ChildProcess = spawn(CADDY, ['run', '--adapter', 'caddyfile', '--config', join(dir, 'Caddyfile')], { env: caddyEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null) throw new Error(`caddy exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) { await stop(); throw new Error(`caddy not listening on ${port} in 60 s:\n${out}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { stop, output: () => out };
}
