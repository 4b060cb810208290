// When the owner tab reconnects and refreshes; pure, so the schedule is tested without timers.

/** 1 s, 2 s, 4 s … capped at 30 s, with ±20 % jitter so many tabs don't return together. */
export function backoffMs(attempt: number, random = Math.random()): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.8 + 0.4 * random));
}

/** Refresh a minute before the edge's cap (a tenth of the cap when that is shorter). */
export function refreshDelayMs(sessionSeconds: number): number {
  return Math.max(1000, sessionSeconds * 1000 - Math.min(60_000, sessionSeconds * 100));
}
