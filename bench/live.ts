// npm run bench:live — prints figures, asserts nothing.
// How long the owner console waits to hear of a call: a visitor's INVITE sent through the bundled
// edge → the { type: 'call' } frame arriving on GET /api/owner/events (the call row started).
// ROUNDS calls, one at a time, each from a fresh visitor connection; median and p95 in ms.
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEdge, pct } from './lib/edge-proc.ts';
import { RawUa } from '../test/helpers/raw-ua.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);

// The first-run password is shown only on a terminal: set one as an owner would.
const dataDir = mkdtempSync(join(tmpdir(), 'homeline-bench-live-'));
const PASSWORD = 'bench owner password';
execFileSync(process.execPath, ['--import', 'tsx', 'server/cli/owner-password.ts', '--password', PASSWORD], { env: { ...process.env, HOMELINE_DATA_DIR: dataDir }, stdio: 'ignore' });
const edge = await startEdge({ HOMELINE_DATA_DIR: dataDir, HOMELINE__limits__callAttemptsPerAddressPerMinute: '100000', HOMELINE__limits__callAttemptsPerMinute: '100000' });
try {
  const login = await fetch(`${edge.url}/api/owner/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  let waiting: ((t: number) => void) | undefined;
  const stream = await new Promise<http.IncomingMessage>((resolve) => http.get(`${edge.url}/api/owner/events`, { headers: { cookie } }, resolve));
  stream.setEncoding('utf8');
  // A call id not seen before is a call that just started; later frames of it are its end.
  const seen = new Set<string>();
  stream.on('data', (d: string) => {
    for (const m of d.matchAll(/"type":"call","id":"([^"]+)"/g)) {
      if (seen.has(m[1])) continue;
      seen.add(m[1]);
      waiting?.(performance.now());
    }
  });
  const ms: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const tok = await (await fetch(`${edge.url}/api/visitor/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json() as { wsUrl: string; sip: { uri: string } };
    const v = await RawUa.connect(tok.wsUrl, tok.sip.uri.slice(4).split('@')[0]);
    const arrived = new Promise<number>((r) => { waiting = r; });
    const t0 = performance.now();
    v.invite('owner');
    ms.push((await arrived) - t0);
    waiting = undefined;
    await v.close();
  }
  stream.destroy();
  const sorted = [...ms].sort((a, b) => a - b);
  console.log(`INVITE → console event (SSE), ${ROUNDS} calls: median ${pct(sorted, 50).toFixed(2)} ms, p95 ${pct(sorted, 95).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`);
} finally {
  await edge.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
