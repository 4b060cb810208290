// A phone's hours: weekly windows in an IANA time zone ("the mobile 9–18 on weekdays, Europe/
// London"). Pure: a schedule and an instant in, an answer out; the zone's rules (DST) come from Intl.
//
// Stand-in for server/owner/hours.ts (the `hours` branch: schedule type + isOpen(at) +
// nextOpening(at)), which was not on main when this was written. Same shape of questions; the
// ring routing also asks for the next closing, since a phone's state changes both ways.
import { Type, type Static } from '@sinclair/typebox';

export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Day = (typeof DAYS)[number];

const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', description: 'HH:MM, 24-hour; 24:00 ends a day' });

export const WindowSchema = Type.Object(
  {
    days: Type.Array(Type.Union(DAYS.map((d) => Type.Literal(d))), { minItems: 1, maxItems: 7, uniqueItems: true }),
    from: Time,
    /** Earlier than `from`: the window runs over midnight into the next day. */
    to: Time,
  },
  { additionalProperties: false },
);

export const WeeklyScheduleSchema = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+/-]+$' }),
    windows: Type.Array(WindowSchema, { maxItems: 14 }),
  },
  { additionalProperties: false },
);

export type WeeklySchedule = Static<typeof WeeklyScheduleSchema>;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone's offset from UTC at `t` (ms): its wall clock read as if it were UTC, minus `t`. One
 * Intl call; the minutes around it are then plain arithmetic (offsets only change on quarter hours).
 */
function offsetAt(tz: string, t: number): number {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(t)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(t / 60_000) * 60_000;
}

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** Open at local weekday `day` (0 = Sunday), minute of the day `minute`? */
function openAtLocal(s: WeeklySchedule, day: number, minute: number): boolean {
  const yesterday = DAYS[(day + 6) % 7];
  return s.windows.some((w) => {
    const from = minutes(w.from), to = minutes(w.to);
    if (from < to) return w.days.includes(DAYS[day]) && minute >= from && minute < to;
    // Over midnight (or from === to: a whole day from that time on).
    return (w.days.includes(DAYS[day]) && minute >= from) || (w.days.includes(yesterday) && minute < to);
  });
}

function openAt(s: WeeklySchedule, t: number, offset: number): boolean {
  const local = new Date(t + offset);
  return openAtLocal(s, local.getUTCDay(), local.getUTCHours() * 60 + local.getUTCMinutes());
}

export function isOpen(s: WeeklySchedule, at: Date): boolean {
  return openAt(s, at.getTime(), offsetAt(s.timeZone, at.getTime()));
}

/** The first minute in (a, b] whose offset differs from a's (offsets change at most once in 8 days: DST). */
function offsetChange(tz: string, a: number, b: number): number {
  const before = offsetAt(tz, a);
  while (b - a > 60_000) {
    const mid = Math.floor((a + b) / 2 / 60_000) * 60_000;
    if (offsetAt(tz, mid) === before) a = mid;
    else b = mid;
  }
  return b;
}

/**
 * The first whole minute after `at` at which isOpen differs from now; null if it never changes
 * within 8 days (always or never open). Windows start and end on whole minutes, so stepping by
 * minutes finds every change; the zone's offset is read at both ends (and, if DST moves it in
 * between, the minute it moves is found by bisection), the minutes themselves are arithmetic.
 */
export function nextChange(s: WeeklySchedule, at: Date): Date | null {
  const now = isOpen(s, at);
  const start = Math.floor(at.getTime() / 60_000) * 60_000 + 60_000;
  const end = start + 8 * 24 * 3600_000;
  const first = offsetAt(s.timeZone, start);
  const shift = offsetAt(s.timeZone, end) === first ? end : offsetChange(s.timeZone, start, end);
  const second = shift < end ? offsetAt(s.timeZone, shift) : first;
  for (let t = start; t < end; t += 60_000) {
    if (openAt(s, t, t < shift ? first : second) !== now) return new Date(t);
  }
  return null;
}

/** The next instant the schedule opens (now if open), or null if it never does. */
export function nextOpening(s: WeeklySchedule, at: Date): Date | null {
  return isOpen(s, at) ? at : nextChange(s, at);
}
