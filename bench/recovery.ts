// `npm run bench:recovery`: how fast the owner's home comes back from a fault, through the real
// Asterisk and the real edge (run inside `unshare -rn`, as the npm script does). Each round:
//   Asterisk stopped as systemd does (SIGTERM) → /readyz 503; started again → /readyz 200,
//   → the owner's tab registered again, → a new visitor call ringing the tab;
//   the edge stopped and started on the same port and data dir → ready, → the tab registered
//   again, → a visitor call ringing.
// Figures, not a test: test/e2e/asterisk-faults.spec.ts holds the 10 s promise.
import type { Page } from '@playwright/test';
import { homeWithOwnerTab, readyz } from '../test/e2e/support/asterisk-home.ts';
import { callButton, openButton } from '../test/e2e/support/flows.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 3);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ok()` is true; the time it took from `since`, in ms. */
async function until(since: number, ok: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<number> {
  for (;;) {
    if (await ok()) return Date.now() - since;
    if (Date.now() - since > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(25);
  }
}

const regState = (o: Page) => o.locator('#reg-status').getAttribute('data-state');
const status = (url: string) => readyz(url).then((r) => r.status).catch(() => 0);

/** From a fresh demo page: click Call, time until the owner's tab rings; then cancel. */
async function ringAt(v: Page, o: Page, url: string): Promise<number> {
  await openButton(v, `${url}/demo/`);
  await v.waitForSelector('homeline-call[data-state=ready]');
  await callButton(v).click();
  await o.waitForSelector('#call[data-state=ringing]', { timeout: 20_000 });
  const at = Date.now();
  await v.locator('homeline-call').getByRole('button', { name: 'Hang up' }).click();
  await v.waitForSelector('homeline-call[data-state=ended]');
  await o.waitForSelector('#call[data-state=ended]');
  return at;
}

const { home, owner, visitor } = await homeWithOwnerTab({ env: { HOMELINE__limits__tokenPerIpPerMinute: '10000', HOMELINE_LOG_LEVEL: 'error' } });
const url = home.edge.url;
const rows: Record<string, number[]> = {};
const note = (k: string, ms: number) => (rows[k] ??= []).push(ms);
try {
  const o = owner.page, v = visitor.page;
  for (let i = 0; i < ROUNDS; i++) {
    // Asterisk: stop as systemd does; the figures start when the process has gone.
    await home.asterisk.stop('term');
    const gone = Date.now();
    note('Asterisk down → /readyz 503', await until(gone, async () => (await status(url)) === 503, '/readyz 503'));
    await until(gone, async () => (await regState(o)) === 'reconnecting', 'the tab notices');
    await sleep(2000); // an outage of a few seconds, as a restart is
    await home.asterisk.start();
    const back = Date.now();
    note('Asterisk back → /readyz 200', await until(back, async () => (await status(url)) === 200, '/readyz 200'));
    note('Asterisk back → owner registered', await until(back, async () => (await regState(o)) === 'registered', 'registered'));
    note('Asterisk back → visitor call ringing', (await ringAt(v, o, url)) - back);

    // The edge: stop (its graceful shutdown) and start a new process on the same port and data dir.
    await home.edge.halt();
    await until(Date.now(), async () => (await regState(o)) === 'reconnecting', 'the tab notices');
    const starting = Date.now();
    await home.edge.start();
    const ready = Date.now();
    note('edge start → edge ready', ready - starting);
    note('edge ready → owner registered', await until(ready, async () => (await regState(o)) === 'registered', 'registered'));
    note('edge ready → visitor call ringing', (await ringAt(v, o, url)) - ready);
  }
} finally {
  await Promise.all([owner.close(), visitor.close()]);
  await home.stop();
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
console.log(`${ROUNDS} rounds, real Asterisk 22 + edge on loopback; Asterisk stopped with SIGTERM (systemd), down ~2 s`);
for (const [name, xs] of Object.entries(rows)) {
  console.log(`${name.padEnd(38)} p50 ${String(pct(xs, 50)).padStart(6)} ms   max ${String(Math.max(...xs)).padStart(6)} ms   (${xs.join(', ')})`);
}
console.log('owner tab: promise ≤ 10000 ms after Asterisk or the edge is back (test/e2e/asterisk-faults.spec.ts)');
