// Asks GET /api/status again while the page stays open, so a button drawn while the owner was
// away comes alive when they return (and says so when they leave). Only a visible tab asks: a
// hidden one stops, and asks at once when it is shown again.
//
//   visible ──delay──▶ ask ──changed──▶ delay = 5 s
//      ▲                 └──same─────▶ delay × 1.5, at most 60 s
//   hidden (no timer) ──shown──▶ ask now (fresh, past the browser's cache)

export const POLL_MIN_MS = 5_000;
export const POLL_MAX_MS = 60_000;

/** The wait before the next ask: short after a change, longer while nothing happens. Pure. */
export function nextPollDelay(prev: number | undefined, changed: boolean): number {
  return prev === undefined || changed ? POLL_MIN_MS : Math.min(POLL_MAX_MS, Math.round(prev * 1.5));
}

export interface StatusPoll { start(): void; stop(): void }

/** `ask(fresh)` re-checks and says whether the answer changed; `fresh` skips the HTTP cache. */
export function statusPoll(ask: (fresh: boolean) => Promise<boolean>): StatusPoll {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay: number | undefined;
  let on = false;
  const schedule = (changed: boolean) => {
    clearTimeout(timer);
    if (!on || document.hidden) return;
    delay = nextPollDelay(delay, changed);
    timer = setTimeout(() => void tick(false), delay);
  };
  const tick = async (fresh: boolean) => {
    clearTimeout(timer);
    schedule((await ask(fresh).catch(() => false)) || fresh);
  };
  const visibility = () => (document.hidden ? clearTimeout(timer) : void tick(true));
  return {
    start() {
      if (on) return;
      on = true;
      delay = undefined;
      document.addEventListener('visibilitychange', visibility);
      schedule(false);
    },
    stop() {
      on = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', visibility);
    },
  };
}
