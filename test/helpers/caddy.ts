// A real Caddy (Debian's) in front of the edge, with the Caddyfile docs/deploy-https.md shows:
// the test takes that very block, swaps in its own address, port and upstream, and adds what a
// test cannot get from the internet (a certificate it made instead of ACME, no admin endpoint).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startListening, type ListeningProcess } from './listening-process.ts';

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

export type RunningCaddy = ListeningProcess;

export async function startCaddy(caddyfile: string, port: number): Promise<RunningCaddy> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-caddy-'));
  writeFileSync(join(dir, 'Caddyfile'), caddyfile);
  return startListening({ name: 'caddy', command: CADDY, args: ['run', '--adapter', 'caddyfile', '--config', join(dir, 'Caddyfile')], env: caddyEnv(dir), dir, ports: [port] });
}
