// When the owner tab reconnects and refreshes; pure, so the schedule is tested without timers.

/**
 * Longest wait between two attempts. An owner has a tab or two, not thousands, and a retry costs
 * one token and one refused upgrade; a low ceiling is what keeps the tab back on the line within
 * seconds of Asterisk or the edge returning, however long they were away (docs/edge-api.md).
 */
export const BACKOFF_CEILING_MS = 5000;

/** 1 s, 2 s, 4 s, then every 5 s, with ±20 % jitter so several tabs don't return together. */
export function backoffMs(attempt: number, random = Math.random()): number {
  const base = Math.min(BACKOFF_CEILING_MS, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.8 + 0.4 * random));
}

/** Refresh a minute before the edge's cap (a tenth of the cap when that is shorter). */
export function refreshDelayMs(sessionSeconds: number): number {
  return Math.max(1000, sessionSeconds * 1000 - Math.min(60_000, sessionSeconds * 100));
}
