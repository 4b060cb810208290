// npm run bench:flood — prints figures, asserts nothing.
// "Refusing must stay cheap": while a hostile client floods the edge with malformed SIP,
// forbidden INVITEs and token requests, the owner's tab must stay registered and a visitor's
// calls must still go through. The edge is the bundle on its embedded router, logging at its
// default level (info) to a file. Token limits stay at their defaults, so the flood's token
// requests meet the real per-address limit; only the per-connection message rate is raised (at
// the default a flood connection is closed within a second, which is cheap but ends the flood).
// Phase 1: owner + visitor alone; phase 2: the same with the flood. For each: owner REGISTER
// and visitor INVITE latency p50/p99, edge CPU and memory from /proc, refusals per second.
import { fork } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startEdge, cpuSeconds, rssMb, pct } from './lib/edge-proc.ts';
import { RawUa, SDP } from '../test/helpers/raw-ua.ts';
import { header } from '../server/sip/message.ts';
import { callerDialog } from '../test/helpers/call.ts';

const PHASE = Number(process.env.BENCH_SECONDS ?? 8);
const SOCKETS = Number(process.env.BENCH_FLOOD_SOCKETS ?? 2);
const WINDOW = Number(process.env.BENCH_FLOOD_WINDOW ?? 32); // SIP requests in flight per flood socket
const HTTP_CONC = Number(process.env.BENCH_FLOOD_HTTP ?? 8); // token requests in flight
const REGISTER_EVERY_MS = 50;
const OWNER_CONTACT = '<sip:owner-tab@o.invalid;transport=ws>';
const OWNER_CALL_ID = 'bench-owner-registration';

interface FloodCounts { sipRefused: number; httpRefused: number; httpIssued: number; other: number; closed: number }

// ---- the hostile client (a child process: one core's worth of flood) ----

const host = 'h.invalid';
let n = 0;
function malformed(): string {
  const id = `m${n++}`;
  // Strict parsing fails on the line without a colon; the salvaged 400 answers it.
  return `OPTIONS sip:home.arpa SIP/2.0\r\nVia: SIP/2.0/WSS ${host};branch=z9hG4bK${id}\r\nthis line is no header\r\nTo: <sip:home.arpa>\r\nFrom: <sip:x@home.arpa>;tag=${id}\r\nCall-ID: ${id}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
}
function forbiddenInvite(user: string): string {
  const id = `f${n++}`;
  return `INVITE sip:9999@home.arpa SIP/2.0\r\nVia: SIP/2.0/WSS ${host};branch=z9hG4bK${id}\r\nMax-Forwards: 70\r\nTo: <sip:9999@home.arpa>\r\nFrom: <sip:${user}@home.arpa>;tag=${id}\r\nCall-ID: ${id}\r\nCSeq: 1 INVITE\r\nContact: <sip:${user}@${host};transport=ws>\r\nContent-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(SDP)}\r\n\r\n${SDP}`;
}

async function hostile(): Promise<void> {
  const { edgeUrl, sockets, seconds } = JSON.parse(process.env.BENCH_FLOOD!) as { edgeUrl: string; sockets: Array<{ wsUrl: string; user: string }>; seconds: number };
  const counts: FloodCounts = { sipRefused: 0, httpRefused: 0, httpIssued: 0, other: 0, closed: 0 };
  const end = performance.now() + seconds * 1000;
  const sip = sockets.map(async ({ wsUrl, user }) => {
    const ws = new WebSocket(wsUrl, 'sip', { perMessageDeflate: false });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    await new Promise<void>((resolve) => {
      let i = 0;
      const next = () => { if (performance.now() < end && ws.readyState === WebSocket.OPEN) ws.send(i++ % 2 ? malformed() : forbiddenInvite(user)); };
      ws.on('message', (d) => {
        if (/^SIP\/2\.0 [45]\d\d /.test(String(d))) counts.sipRefused++; else counts.other++;
        next();
      });
      ws.on('close', () => { counts.closed++; resolve(); });
      for (let k = 0; k < WINDOW; k++) next();
      setTimeout(() => { ws.close(); }, seconds * 1000 + 200);
    });
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: HTTP_CONC });
  const url = new URL('/api/visitor/token', edgeUrl);
  const token = (origin: string | undefined) => new Promise<void>((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': 2, ...(origin ? { origin } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) counts.httpIssued++; else if (res.statusCode === 429 || res.statusCode === 403) counts.httpRefused++; else counts.other++;
        resolve();
      });
    });
    req.on('error', () => { counts.other++; resolve(); });
    req.end('{}');
  });
  let k = 0;
  const web = Array.from({ length: HTTP_CONC }, async () => {
    while (performance.now() < end) await token(k++ % 2 ? 'https://evil.invalid' : undefined);
  });
  await Promise.all([...sip, ...web]);
  agent.destroy();
  process.send!(counts);
}

// ---- the owner and the visitor, measured ----

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

interface PhaseFigures { register: number[]; ring: number[]; answer: number[]; cpuPct: number; rssMb: number; refusedPerSec: number; detail: string; logKbPerSec: number }

/** REGISTER (or refresh) the owner's one binding, as a tab does: RawUa.register adds a contact each time. */
function registerOwner(o: RawUa): void {
  const req = o.newRequest('REGISTER', `sip:${o.domain}`, { to: `<${o.uri}>`, callId: OWNER_CALL_ID, extra: [['Expires', '600']] });
  for (const h of req.headers) if (h.name === 'Contact') h.value = OWNER_CONTACT;
  o.sendMsg(req);
}

/** One call: INVITE → owner rings → 200 → ACK → BYE → 200. Returns [ring, answer] ms. */
async function call(o: RawUa, v: RawUa): Promise<[number, number]> {
  const t0 = performance.now();
  const inv = v.invite('owner');
  const atOwner = await o.request('INVITE', 5000);
  const ring = performance.now() - t0;
  o.reply(atOwner.msg, 200, 'OK', { body: SDP });
  const ok = await v.response(200, 'INVITE', 5000);
  const answer = performance.now() - t0;
  const dialog = callerDialog(inv, ok);
  v.inDialog('ACK', dialog);
  await o.request('ACK', 5000);
  v.inDialog('BYE', { ...dialog, cseq: 2 });
  const bye = await o.request('BYE', 5000);
  o.reply(bye.msg, 200, 'OK');
  await v.response(200, 'BYE', 5000);
  v.inbox.length = 0; // the 100 Trying nobody waits for
  return [ring, answer];
}

async function phase(edge: Awaited<ReturnType<typeof startEdge>>, o: RawUa, v: RawUa, flood: Array<{ wsUrl: string; user: string }> | undefined): Promise<PhaseFigures> {
  const pid = edge.proc.pid!;
  let counts: FloodCounts | undefined;
  const child = flood && fork(fileURLToPath(import.meta.url), ['--hostile'], {
    execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_FLOOD: JSON.stringify({ edgeUrl: edge.url, sockets: flood, seconds: PHASE }) },
  });
  const done = child && new Promise<void>((resolve) => { child.on('message', (m) => { counts = m as FloodCounts; }); child.once('exit', () => resolve()); });
  if (child) await new Promise((r) => setTimeout(r, 500)); // the flood is up before measuring
  const c0 = cpuSeconds(pid);
  const l0 = edge.logBytes();
  const t0 = performance.now();
  const end = t0 + (PHASE - (child ? 1 : 0)) * 1000;
  const register: number[] = [];
  const ring: number[] = [];
  const answer: number[] = [];
  let rss = 0;
  const owner = (async () => {
    while (performance.now() < end) {
      const s = performance.now();
      registerOwner(o);
      await o.response(200, 'REGISTER', 5000);
      register.push(performance.now() - s);
      rss = Math.max(rss, rssMb(pid));
      await new Promise((r) => setTimeout(r, REGISTER_EVERY_MS));
    }
  })();
  const visitor = (async () => {
    while (performance.now() < end) {
      const [r, a] = await call(o, v);
      ring.push(r);
      answer.push(a);
    }
  })();
  await Promise.all([owner, visitor]);
  const secs = (performance.now() - t0) / 1000;
  const cpuPct = ((cpuSeconds(pid) - c0) / secs) * 100;
  const logKbPerSec = (edge.logBytes() - l0) / 1024 / secs;
  await done;
  const c = counts;
  return {
    register: register.sort((a, b) => a - b), ring: ring.sort((a, b) => a - b), answer: answer.sort((a, b) => a - b),
    cpuPct, rssMb: rss, logKbPerSec,
    refusedPerSec: c ? (c.sipRefused + c.httpRefused) / PHASE : 0,
    detail: c ? `${(c.sipRefused / PHASE).toFixed(0)} SIP + ${(c.httpRefused / PHASE).toFixed(0)} token refusals/s (${c.httpIssued} tokens issued, ${c.other} other answers, ${c.closed}/${flood!.length} flood sockets closed)` : '',
  };
}

async function main(): Promise<void> {
  const edge = await startEdge({
    HOMELINE_LOG_LEVEL: 'info',
    HOMELINE__limits__tokenPerIpPerMinute: '10', HOMELINE__limits__tokenGlobalPerMinute: '120',
  });
  try {
    const login = await post(`${edge.url}/api/owner/login`, { password: edge.ownerPassword });
    if (login.status !== 204) throw new Error(`owner login failed: ${login.status}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const ownerTok = await (await post(`${edge.url}/api/owner/token`, {}, { cookie })).json() as { wsUrl: string; sip: { uri: string } };
    const o = await RawUa.connect(ownerTok.wsUrl, ownerTok.sip.uri.slice(4).split('@')[0]);
    registerOwner(o);
    await o.response(200, 'REGISTER');
    const visitorToken = async () => {
      const b = await (await post(`${edge.url}/api/visitor/token`, {})).json() as { wsUrl: string; sip: { uri: string } };
      return { wsUrl: b.wsUrl, user: b.sip.uri.slice(4).split('@')[0] };
    };
    const vt = await visitorToken();
    const v = await RawUa.connect(vt.wsUrl, vt.user);
    const flood = await Promise.all(Array.from({ length: SOCKETS }, visitorToken));
    await call(o, v); // warm-up
    const quiet = await phase(edge, o, v, undefined);
    const loud = await phase(edge, o, v, flood);
    const row = (name: string, f: (p: PhaseFigures) => string) => console.log(`${name.padEnd(30)}${f(quiet).padEnd(24)}${f(loud)}`);
    const lat = (xs: number[]) => `${pct(xs, 50).toFixed(2)} / ${pct(xs, 99).toFixed(2)} ms`;
    console.log(`${PHASE} s per phase; flood: ${SOCKETS} sockets × ${WINDOW} SIP in flight + ${HTTP_CONC} token requests in flight, from one process`);
    row('figure', (p) => (p === quiet ? 'quiet' : 'under flood'));
    row('refusals/s', (p) => p.refusedPerSec.toFixed(0));
    row('owner REGISTER p50 / p99', (p) => lat(p.register));
    row('visitor INVITE→ring p50 / p99', (p) => lat(p.ring));
    row('visitor INVITE→200 p50 / p99', (p) => lat(p.answer));
    row('calls completed', (p) => String(p.ring.length));
    row('REGISTERs answered', (p) => String(p.register.length));
    row('edge CPU', (p) => `${p.cpuPct.toFixed(0)} %`);
    row('edge resident memory (max)', (p) => `${p.rssMb.toFixed(1)} MB`);
    row('edge log written', (p) => `${p.logKbPerSec.toFixed(0)} KB/s`);
    console.log(`flood: ${loud.detail}`);
    const ownerStill = !o.closed && !v.closed;
    console.log(`owner and visitor connections still open after the flood: ${ownerStill ? 'yes' : 'no'}`);
    await Promise.all([o.close(), v.close()]);
  } finally {
    await edge.stop();
  }
}

if (process.argv.includes('--hostile')) await hostile();
else await main();
