// "Back at 9:00" / "Back tomorrow at 9:00" / "Back Monday at 9:00": when the owner's hours open
// again (the edge sends an ISO instant; the console's status line has it as epoch ms), told in the reader's own time zone and locale. The
// widget says it to a visitor, the console's hours panel to the owner, each in its own words.
// Pure: `zone`/`locale` undefined mean the browser's own; tests pass them.

/** The three ways to say it; `time` comes formatted for the locale ("9:00", "9:00 AM"), `day` is a weekday name. */
export interface DayWords {
  today: (time: string) => string;
  tomorrow: (time: string) => string;
  weekday: (day: string, time: string) => string;
}

export function backAt(S: DayWords, opensAt: string | number, now: number, zone?: string, locale?: string): string {
  const at = new Date(opensAt);
  const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { timeZone: zone, ...o }).format(at);
  const time = fmt({ hour: 'numeric', minute: '2-digit' });
  // Calendar days apart in the reader's zone (en-CA formats a date as YYYY-MM-DD).
  const day = (t: number) => Date.parse(new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(t));
  const days = Math.round((day(at.getTime()) - day(now)) / 86_400_000);
  // A weekly schedule opens within a week: a weekday name is always enough.
  return days < 1 ? S.today(time) : days < 2 ? S.tomorrow(time) : S.weekday(fmt({ weekday: 'long' }), time);
}
