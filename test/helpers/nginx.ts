// A real nginx in front of the edge, configured with the site block docs/deploy-https.md shows:
// the test renders that very block (its certificate, ports and upstream swapped in), so the
// guide cannot drift from what is proven.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX = process.env.HOMELINE_NGINX ?? '/usr/sbin/nginx';
const GUIDE = fileURLToPath(new URL('../../docs/deploy-https.md', import.meta.url));

export interface SiteParams {
  httpsPort: number;
  httpPort: number;
  edgePort: number;
  certFile: string;
  keyFile: string;
}

/** The guide's ```nginx block with the test's values in place of call.example.org's. */
export function renderGuideSite(p: SiteParams): string {
  const text = readFileSync(GUIDE, 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error('docs/deploy-https.md has no ```nginx block');
  const swaps: Array<[string, string]> = [
    ['listen 443 ssl;', `listen 127.0.0.1:${p.httpsPort} ssl;`],
    ['listen [::]:443 ssl;\n', ''],
    ['listen 80;', `listen 127.0.0.1:${p.httpPort};`],
    ['listen [::]:80;\n', ''],
    ['/etc/letsencrypt/live/call.example.org/fullchain.pem', p.certFile],
    ['/etc/letsencrypt/live/call.example.org/privkey.pem', p.keyFile],
    ['proxy_pass http://127.0.0.1:8080;', `proxy_pass http://127.0.0.1:${p.edgePort};`],
    ['server_name call.example.org;', 'server_name 127.0.0.1 localhost;'],
  ];
  let site = block;
  for (const [from, to] of swaps) {
    if (!site.includes(from)) throw new Error(`docs/deploy-https.md's nginx block no longer has "${from.trim()}": update the test's rendering with it`);
    site = site.replaceAll(from, to.replace(/\n$/, ''));
  }
  return site;
}

export interface RunningNginx {
  dir: string;
  errorLog: () => string;
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Our own nginx (never the system service): its prefix, pid, logs and temp files in a temp dir. */
export async function startNginx(site: string, ports: number[]): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-nginx-'));
  mkdirSync(join(dir, 'tmp'));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, [
    // As root the workers would otherwise drop to `nobody`, who cannot read the temp dir.
    process.getuid?.() === 0 ? 'user root;' : '',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log info;`,
    'events { worker_connections 128; }',
    'http {',
    `  access_log ${dir}/access.log;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`),
    site,
    '}',
    '',
  ].join('\n'));
  const errorLog = () => { try { return readFileSync(join(dir, 'error.log'), 'utf8'); } catch { return ''; } };
  const child: ChildProcess = spawn(NGINX, ['-e', join(dir, 'error.log'), '-c', conf, '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM'); // fast shutdown of our own master (and its worker)
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) { await stop(); throw new Error(`nginx not listening on ${ports.join(', ')} in 60 s:\n${out}`); }
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}:\n${out}\n${errorLog()}`);
    const up = await Promise.all(ports.map(listening));
    if (up.every(Boolean)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { dir, errorLog, stop };
}
