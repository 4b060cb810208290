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

/** Day of week (0 = Sunday) and minute of the day at `at`, in `tz`. */
function localTime(tz: string, at: Date): { day: number; minute: number } {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(tz, f);
  }
  let day = 0, hour = 0, minute = 0;
  for (const p of f.formatToParts(at)) {
    if (p.type === 'weekday') day = DAYS.indexOf(p.value.toLowerCase() as Day);
    else if (p.type === 'hour') hour = Number(p.value);
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { day, minute: hour * 60 + minute };
}

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

export function isOpen(s: WeeklySchedule, at: Date): boolean {
  const { day, minute } = localTime(s.timeZone, at);
  const yesterday = DAYS[(day + 6) % 7];
  return s.windows.some((w) => {
    const from = minutes(w.from), to = minutes(w.to);
    if (from < to) return w.days.includes(DAYS[day]) && minute >= from && minute < to;
    // Over midnight (or from === to: a whole day from that time on).
    return (w.days.includes(DAYS[day]) && minute >= from) || (w.days.includes(yesterday) && minute < to);
  });
}

/**
 * The first whole minute after `at` at which isOpen differs from now; null if it never changes
 * within 8 days (always or never open). Windows start and end on whole minutes, so stepping by
 * minutes finds every change, DST jumps included.
 */
export function nextChange(s: WeeklySchedule, at: Date): Date | null {
  const now = isOpen(s, at);
  const start = Math.floor(at.getTime() / 60_000) * 60_000 + 60_000;
  for (let t = start; t < start + 8 * 24 * 3600_000; t += 60_000) {
    if (isOpen(s, new Date(t)) !== now) return new Date(t);
  }
  return null;
}

/** The next instant the schedule opens (now if open), or null if it never does. */
export function nextOpening(s: WeeklySchedule, at: Date): Date | null {
  return isOpen(s, at) ? at : nextChange(s, at);
}
