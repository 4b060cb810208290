// npm run bench:tokens — prints figures, asserts nothing.
// Visitor tokens per second against GET /healthz per second from the same edge process (the
// bundled edge, per-address and edge-wide token limits raised), CONC requests in flight over
// keep-alive connections, ROUNDS alternating rounds of SECONDS each; medians and their ratio.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { startEdge, cpuSeconds, median } from './lib/edge-proc.ts';

const CONC = Number(process.env.BENCH_CONC ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PROFILE = process.env.BENCH_PROFILE; // a directory: the edge writes a --cpu-prof there
// warn by default, like bench:relay; `info` (the edge's default) adds three log lines per token.
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';

/** CONC loops issuing `method path` back to back for `seconds`; answers per second. */
export async function hammer(base: string, method: string, path: string, body: string | undefined, seconds: number, conc = CONC): Promise<{ perSecond: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: conc });
  const url = new URL(path, base);
  const end = performance.now() + seconds * 1000;
  let ok = 0;
  let errors = 0;
  const one = () => new Promise<void>((resolve) => {
    const req = http.request(url, { method, agent, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) ok++; else errors++; resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conc }, async () => { while (performance.now() < end) await one(); }));
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  return { perSecond: ok / secs, errors };
}

async function main(): Promise<void> {
  const edge = await startEdge({ HOMELINE_LOG_LEVEL: LOG_LEVEL }, PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []);
  try {
    await hammer(edge.url, 'GET', '/healthz', undefined, 1);
    await hammer(edge.url, 'POST', '/api/visitor/token', '{}', 1);
    if (PROFILE) {
      // Only token requests, so the profile is theirs.
      const t = await hammer(edge.url, 'POST', '/api/visitor/token', '{}', SECONDS * ROUNDS);
      console.log(`profiled: tokens ${t.perSecond.toFixed(0)}/s; the profile is in ${PROFILE}`);
      return;
    }
    const tokens: number[] = [];
    const health: number[] = [];
    let cpuTok = 0;
    let cpuHealth = 0;
    let errors = 0;
    for (let i = 0; i < ROUNDS; i++) {
      let c0 = cpuSeconds(edge.proc.pid!);
      const h = await hammer(edge.url, 'GET', '/healthz', undefined, SECONDS);
      cpuHealth += cpuSeconds(edge.proc.pid!) - c0;
      c0 = cpuSeconds(edge.proc.pid!);
      const t = await hammer(edge.url, 'POST', '/api/visitor/token', '{}', SECONDS);
      cpuTok += cpuSeconds(edge.proc.pid!) - c0;
      health.push(h.perSecond);
      tokens.push(t.perSecond);
      errors += h.errors + t.errors;
      console.log(`round ${i + 1}: tokens ${t.perSecond.toFixed(0)}/s  healthz ${h.perSecond.toFixed(0)}/s  ratio ${(t.perSecond / h.perSecond).toFixed(2)}`);
    }
    const tm = median(tokens);
    const hm = median(health);
    const perTok = (cpuTok / (tokens.reduce((a, b) => a + b, 0) * SECONDS)) * 1e6;
    const perHealth = (cpuHealth / (health.reduce((a, b) => a + b, 0) * SECONDS)) * 1e6;
    console.log(`${CONC} in flight, log level ${LOG_LEVEL}, ${ROUNDS}×${SECONDS} s each (medians): tokens ${tm.toFixed(0)}/s  healthz ${hm.toFixed(0)}/s  ratio ${(tm / hm).toFixed(2)}×`);
    // The client shares the machine: when it is the bottleneck both rates flatten, so the edge's
    // own CPU per answer is the steadier comparison.
    console.log(`edge CPU per answer: token ${perTok.toFixed(0)} µs  healthz ${perHealth.toFixed(0)} µs  ratio ${(perHealth / perTok).toFixed(2)}×${errors ? `  (${errors} non-200 answers)` : ''}`);
  } finally {
    await edge.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
