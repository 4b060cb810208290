// `npm run bench:call`: 20 real calls on loopback (run inside `unshare -rn`, as the npm script
// does). Times from the visitor's click to the owner's tab ringing, and to audio flowing (first
// RTP packet received by the visitor, the owner tab answering at once). Includes the token
// request, the WebSocket connection and the lazily loaded softphone (cached after the first).
import { startEdge } from '../test/e2e/support/edge.ts';
import { launchParty } from '../test/e2e/support/party.ts';
import { ownerSignIn } from '../test/e2e/support/flows.ts';

const CALLS = Number(process.env.CALLS ?? 20);


const edge = await startEdge({ HOMELINE__limits__tokenPerIpPerMinute: '10000', HOMELINE_LOG_LEVEL: 'error' });
const [owner, visitor] = await Promise.all([launchParty({ toneHz: 1000 }), launchParty({ toneHz: 620 })]);
const ringing: number[] = [];
const audio: number[] = [];
try {
  await ownerSignIn(owner.page, edge.url, edge.password);
  // The owner tab answers the moment it rings, from inside the page (no driver round trip).
  await owner.page.evaluate(() => {
    const call = document.getElementById('call')!;
    new MutationObserver(() => {
      if (call.dataset.state === 'ringing') {
        (window as unknown as { __ringAt: number }).__ringAt = performance.timeOrigin + performance.now();
        document.getElementById('answer')?.click();
      }
    }).observe(call, { attributes: true, attributeFilter: ['data-state'] });
  });
  for (let i = 0; i < CALLS; i++) {
    const v = visitor.page;
    await v.goto(`${edge.url}/demo/`);
    await v.waitForSelector('homeline-call[data-state=ready]');
    await v.evaluate(() => {
      const w = window as unknown as { __t: { click?: number; audio?: number }; __hlPcs: RTCPeerConnection[] };
      w.__t = {};
      const t = () => performance.timeOrigin + performance.now();
      document.addEventListener('click', () => { w.__t.click = t(); }, { capture: true, once: true });
      const poll = async () => {
        const pc = w.__hlPcs[w.__hlPcs.length - 1];
        if (pc) {
          const stats = await pc.getStats();
          let got = 0;
          stats.forEach((s: { type: string; packetsReceived?: number }) => { if (s.type === 'inbound-rtp') got += s.packetsReceived ?? 0; });
          if (got > 0) { w.__t.audio = t(); return; }
        }
        setTimeout(poll, 5);
      };
      void poll();
    });
    await v.locator('homeline-call button.primary').click();
    await v.waitForFunction(() => (window as unknown as { __t: { audio?: number } }).__t.audio, null, { timeout: 15_000 });
    const t = await v.evaluate(() => (window as unknown as { __t: { click: number; audio: number } }).__t);
    const ringAt = await owner.page.evaluate(() => (window as unknown as { __ringAt: number }).__ringAt);
    ringing.push(ringAt - t.click);
    audio.push(t.audio - t.click);
    await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
    await v.waitForSelector('homeline-call[data-state=ended]');
    await owner.page.waitForSelector('#call[data-state=ended]');
  }
} finally {
  await Promise.all([owner.close(), visitor.close()]);
  await edge.stop();
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const line = (name: string, xs: number[], target: number) =>
  `${name.padEnd(22)} p50 ${pct(xs, 50).toFixed(0).padStart(5)} ms   p95 ${pct(xs, 95).toFixed(0).padStart(5)} ms   (target p50 ≤ ${target} ms)`;
console.log(`${CALLS} calls on loopback, embedded upstream; first call includes loading the softphone chunk`);
console.log(line('click → owner ringing', ringing, 60)); // issue 12's aim, on a quiet machine
console.log(line('click → audio flowing', audio, 600));

