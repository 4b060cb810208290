// Opening hours: a weekly schedule of wall-clock intervals in one IANA time zone. Pure functions
// of (hours, instant): no clock, no I/O, so the owner's hours, per-phone hours and the tests all
// share them. Wall-clock semantics: "09:00–18:00" means what the clock on the owner's wall
// says, so a DST change moves the instants, never the hours.
//
//   DST gap (clocks jump 01:00 → 02:00): an interval starting at 01:30 opens at the jump.
//   DST fold (clocks go back 02:00 → 01:00): 01:00–01:30 is open both times the clock shows it.
//   Overnight: `to` at or before `from` ("22:00"–"02:00") ends on the next day; "24:00" is midnight.
import { Type, type Static } from '@sinclair/typebox';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const Clock = (extra: string) => Type.String({ pattern: `^(([01][0-9]|2[0-3]):[0-5][0-9]${extra})$`, description: 'HH:MM, 24-hour clock' });

export const HoursIntervalSchema = Type.Object(
  {
    days: Type.Array(Type.Union(WEEKDAYS.map((d) => Type.Literal(d))), { minItems: 1, maxItems: 7, uniqueItems: true }),
    from: Clock(''),
    /** "24:00" is the end of the day; at or before `from`, the interval ends on the next day. */
    to: Clock('|24:00'),
  },
  { additionalProperties: false },
);

export const HoursSchema = Type.Object(
  {
    /** IANA name, e.g. "Europe/London": the zone the wall-clock times are read in. */
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    /** Empty: never open (calls go to the message form). */
    weekly: Type.Array(HoursIntervalSchema, { maxItems: 50 }),
  },
  { additionalProperties: false },
);

export type HoursInterval = Static<typeof HoursIntervalSchema>;
export type Hours = Static<typeof HoursSchema>;

/** Why a schedule cannot be used, in one line naming the field; undefined when it is fine. */
export function hoursProblem(h: Hours): string | undefined {
  if (!isTimeZone(h.timeZone)) return `timeZone: ${JSON.stringify(h.timeZone).slice(0, 70)} is not an IANA time zone, e.g. "Europe/London"`;
  for (const [i, r] of h.weekly.entries()) {
    if (r.from === r.to) return `weekly.${i}: from and to are both ${r.from}; for a whole day write "00:00" to "24:00"`;
  }
  return undefined;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** `hours` undefined or null: always open (no schedule configured). */
export function isOpen(hours: Hours | null | undefined, at: Date | number): boolean {
  if (!hours) return true;
  const w = wallClock(hours.timeZone, +at);
  const yesterday = WEEKDAYS[(w.weekday + 6) % 7];
  const today = WEEKDAYS[w.weekday];
  return hours.weekly.some((r) => {
    const from = minutes(r.from);
    const to = minutes(r.to);
    if (from < to) return r.days.includes(today) && w.minute >= from && w.minute < to;
    return (r.days.includes(today) && w.minute >= from) || (r.days.includes(yesterday) && w.minute < to);
  });
}

/** The first instant at or after `at` when the schedule is open (`at` itself if open); null if it never opens. */
export function nextOpening(hours: Hours | null | undefined, at: Date | number): Date | null {
  return nextWhere(hours, +at, true);
}

/** The first instant at or after `at` when the schedule is closed; null if it never closes. */
export function nextClosing(hours: Hours | null | undefined, at: Date | number): Date | null {
  return nextWhere(hours, +at, false);
}

function nextWhere(hours: Hours | null | undefined, at: number, open: boolean): Date | null {
  if (!hours) return open ? new Date(at) : null;
  if (isOpen(hours, at) === open) return new Date(at);
  // Every instant the answer can change at is an interval's start (opening) or end (closing), in
  // the local days around `at`: a week ahead covers every weekday, a day back an overnight end.
  const w = wallClock(hours.timeZone, at);
  let best: number | null = null;
  for (let day = -1; day <= 8; day++) {
    const date = addDays(w, day);
    for (const r of hours.weekly) {
      if (!r.days.includes(WEEKDAYS[date.weekday])) continue;
      const from = minutes(r.from);
      const to = minutes(r.to);
      const edge = open ? from : to;
      // An end at or before the start (overnight) or at 24:00 lies on the following day.
      const on = !open && (to <= from || to === 1440) ? addDays(date, 1) : date;
      for (const t of instantsAt(hours.timeZone, on, edge % 1440)) {
        if (t > at && (best === null || t < best) && isOpen(hours, t) === open) best = t;
      }
    }
  }
  return best === null ? null : new Date(best);
}

// ── wall clock ──────────────────────────────────────────────────────────────
interface LocalDate { y: number; m: number; d: number; weekday: number }
interface Wall extends LocalDate { minute: number }

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formatters.set(tz, f);
  }
  return f;
}

const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** What a clock in `tz` shows at instant `t`. */
export function wallClock(tz: string, t: number): Wall {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(t)) p[part.type] = part.value;
  return { y: +p.year, m: +p.month, d: +p.day, weekday: SHORT_DAYS.indexOf(p.weekday), minute: (+p.hour % 24) * 60 + +p.minute };
}

function addDays(date: LocalDate, n: number): LocalDate {
  const u = new Date(Date.UTC(date.y, date.m - 1, date.d + n));
  return { y: u.getUTCFullYear(), m: u.getUTCMonth() + 1, d: u.getUTCDate(), weekday: u.getUTCDay() };
}

/** The zone's offset from UTC at instant t, in ms. */
function offsetAt(tz: string, t: number): number {
  const w = wallClock(tz, t);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, 0, w.minute);
  return asUtc - Math.floor(t / 60_000) * 60_000;
}

const DAY = 86_400_000;
/**
 * The instants a clock in `tz` shows `minute` on `date`: one usually, two in a fold, and in a gap
 * (a time the clock skips) the instant it jumps past it. Assumes at most one offset change a day.
 */
export function instantsAt(tz: string, date: LocalDate, minute: number): number[] {
  const naive = Date.UTC(date.y, date.m - 1, date.d, 0, minute);
  const guesses = [...new Set([naive - offsetAt(tz, naive - DAY), naive - offsetAt(tz, naive), naive - offsetAt(tz, naive + DAY)])].sort((a, b) => a - b);
  const wanted = naive; // compare wall clocks as if they were UTC
  const wallAt = (t: number) => { const w = wallClock(tz, t); return Date.UTC(w.y, w.m - 1, w.d, 0, w.minute); };
  const exact = guesses.filter((t) => wallAt(t) === wanted);
  if (exact.length) return exact;
  // A gap: the first minute whose wall clock is past `minute`, between the two offsets' guesses.
  let lo = guesses[0];
  let hi = guesses.at(-1)!;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (wallAt(mid) >= wanted) hi = mid;
    else lo = mid;
  }
  return [hi];
}

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
