// The console's one status line: whether this tab can ring (registration) and whether visitors
// may call at all (the edge's reason: do-not-disturb, hours…), in one sentence that is true.
// Pure: registration.ts and the live channel feed it, main.ts shows it.
//
//   registered, reason null     → Ready: visitors can call you in this tab.
//   registered, reason 'dnd'    → Do not disturb: visitors are told…
//   registered, reason 'hours'  → Outside your hours until tomorrow at 9:00 AM: …
//   not registered (any reason) → what the tab waits for, plus "Do not disturb is on." if so
import type { LostWhy, RegState } from './registration.ts';
import { ownerStrings as S } from './strings.ts';
import { backAt } from '../shared/back-at.ts';

/** GET /api/owner/availability, and what the `status` live event asks to fetch again. */
export interface Availability {
  available: boolean;
  /** Why visitors cannot call now; null when they can. */
  reason: string | null;
  /** When the reason ends (ms since the epoch), e.g. the next opening of the owner's hours. */
  until?: number;
}

export interface RegView {
  state: RegState;
  retryMs?: number;
  why?: LostWhy;
}

/** "9:00 AM", "tomorrow at 9:00 AM", "Monday at 9:00 AM": a bare time would leave the day to guess. */
export const clock = (t: number) => backAt(S.until, t, Date.now(), undefined, S.locale);

export function statusLine(reg: RegView, avail: Availability | undefined, formatTime: (t: number) => string = clock): string {
  const reason = avail?.reason ?? null;
  if (reg.state === 'registered') {
    if (!reason) return S.ready;
    const words = S.unavailable[reason] ?? S.unavailable.other;
    return words(avail?.until ? formatTime(avail.until) : undefined);
  }
  const secs = Math.round((reg.retryMs ?? 0) / 1000);
  const line = reg.state === 'reconnecting' ? (reg.why ? S.status.waiting[reg.why](secs) : S.status.reconnecting(secs)) : S.status[reg.state];
  if (!reason || reg.state === 'logged-out') return line;
  return `${line} ${S.alsoUnavailable[reason] ?? S.alsoUnavailable.other}`;
}
