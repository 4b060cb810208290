// A real nginx in front of the edge, configured with the site block docs/deploy-https.md shows:
// the test renders that very block (its certificate, ports and upstream swapped in), so the
// guide cannot drift from what is proven.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startListening } from './listening-process.ts';

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
  const { stop } = await startListening({ name: 'nginx', command: NGINX, args: ['-e', join(dir, 'error.log'), '-c', conf, '-p', dir, '-g', 'daemon off;'], dir, ports, diagnostics: errorLog });
  return { dir, errorLog, stop };
}
