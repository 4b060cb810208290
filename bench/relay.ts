// npm run bench:relay — prints figures, asserts nothing.
// 1. Round-trip latency of SIP OPTIONS at a fixed rate: straight to a SIP-over-WebSocket server
//    (Kamailio on loopback) and through the edge's `asterisk` upstream to that same server.
// 2. Resident memory of the edge process holding N idle visitor connections.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { kamailioAvailable, startKamailio, freePort } from '../test/upstreams/kamailio.ts';
import { startEdge, secretOf, rssMb, pct, cpuSeconds } from './lib/edge-proc.ts';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const COUNT = Number(process.env.BENCH_COUNT ?? 2000);
const IDLE = Number(process.env.BENCH_IDLE ?? 5000);
// Direct and through-the-edge alternate in ROUNDS blocks, so a busy spell on a shared machine
// lands on both rather than on whichever ran second.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, 'sip', { perMessageDeflate: false });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); ws.once('unexpected-response', (_q, r) => reject(new Error(`HTTP ${r.statusCode}`))); });
  return ws;
}

async function token(edgeUrl: string): Promise<{ wsUrl: string; user: string }> {
  const r = await fetch(`${edgeUrl}/api/visitor/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const b = await r.json() as { wsUrl: string; sip: { uri: string } };
  return { wsUrl: b.wsUrl, user: b.sip.uri.slice(4).split('@')[0] };
}

/** Sends OPTIONS at RATE per second and measures each round trip. */
async function rtt(ws: WebSocket, user: string, extra = '', count = COUNT): Promise<number[]> {
  const pending = new Map<string, number>();
  const out: number[] = [];
  ws.on('message', (d) => {
    const m = /Call-ID: (\S+)/i.exec(String(d));
    const t0 = m && pending.get(m[1]);
    if (t0 !== undefined && t0 !== null) { out.push(performance.now() - t0); pending.delete(m![1]); }
  });
  const interval = 1000 / RATE;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const callId = `bench-${i}-${Math.random().toString(36).slice(2)}`;
    pending.set(callId, performance.now());
    ws.send([
      'OPTIONS sip:home.arpa SIP/2.0', `Via: SIP/2.0/WSS b.invalid;branch=z9hG4bK${callId}`, 'Max-Forwards: 70',
      `To: <sip:home.arpa>`, `From: <sip:${user}@home.arpa>;tag=b${i}`, `Call-ID: ${callId}`, `CSeq: ${i + 1} OPTIONS`,
      ...(extra ? [extra] : []), 'Content-Length: 0', '', '',
    ].join('\r\n'));
  }
  const deadline = Date.now() + 3000;
  while (out.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  ws.removeAllListeners('message');
  return out.sort((a, b) => a - b);
}

function report(name: string, xs: number[]): { p50: number; p99: number } {
  const r = { p50: pct(xs, 50), p99: pct(xs, 99) };
  console.log(`${name.padEnd(28)} n=${xs.length}  p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms`);
  return r;
}

async function latency(): Promise<void> {
  if (!kamailioAvailable()) {
    console.log('latency: skipped (kamailio not installed: apt-get install kamailio kamailio-websocket-modules)');
    return;
  }
  const kport = await freePort();
  const profile = process.env.BENCH_PROFILE; // a directory: the edge writes a --cpu-prof there
  const edge = await startEdge({ HOMELINE_UPSTREAM: 'asterisk', HOMELINE_ASTERISK_WS_URL: `ws://127.0.0.1:${kport}/ws` }, profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []);
  const kam = await startKamailio(secretOf(edge.dataDir), '6000', kport);
  try {
    console.log(`OPTIONS round trips, ${COUNT} at ${RATE}/s, one connection each, in ${ROUNDS} alternating blocks:`);
    const secret = `X-Homeline-Edge: visitor-${secretOf(edge.dataDir)}`;
    const direct = await open(kam.url);
    const t = await token(edge.url);
    const via = await open(t.wsUrl);
    const warm = Math.min(500, COUNT);
    await rtt(direct, 'v-warm', secret, warm);
    await rtt(via, t.user, '', warm);
    const ds: number[] = [];
    const es: number[] = [];
    let cpu = 0;
    const per = Math.ceil(COUNT / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      ds.push(...await rtt(direct, 'v-direct', secret, per));
      const c0 = cpuSeconds(edge.proc.pid!);
      es.push(...await rtt(via, t.user, '', per));
      cpu += cpuSeconds(edge.proc.pid!) - c0;
    }
    direct.close();
    via.close();
    const d = report('direct to SIP server', ds.sort((a, b) => a - b));
    const e = report('through the edge', es.sort((a, b) => a - b));
    console.log(`added by the edge             p50 ${(e.p50 - d.p50).toFixed(3)} ms  p99 ${(e.p99 - d.p99).toFixed(3)} ms`);
    console.log(`edge CPU per relayed round trip (request and response): ${((cpu / es.length) * 1e6).toFixed(0)} µs (clock ticks of 10 ms: rough)`);
  } finally {
    await edge.stop();
    await kam.stop();
  }
}

async function idle(): Promise<void> {
  const edge = await startEdge({});
  const sockets: WebSocket[] = [];
  try {
    const before = rssMb(edge.proc.pid!);
    const t0 = performance.now();
    for (let i = 0; i < IDLE; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, IDLE - i) }, async () => open((await token(edge.url)).wsUrl)));
      sockets.push(...batch);
    }
    const secs = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1500));
    const after = rssMb(edge.proc.pid!);
    console.log(`idle visitor connections: ${sockets.length} opened in ${secs.toFixed(1)} s (token + upgrade each)`);
    console.log(`edge resident memory: ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB with ${sockets.length} idle connections (${(((after - before) * 1024) / sockets.length).toFixed(1)} KB each)`);
  } finally {
    for (const s of sockets) s.terminate();
    await edge.stop();
  }
}

await latency();
await idle();
