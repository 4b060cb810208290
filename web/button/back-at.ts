// "Back at 9:00" / "Back tomorrow at 9:00" / "Back Monday at 9:00": when the owner's hours open
// again, told in the visitor's own time zone and locale (the edge sends an ISO instant). Pure:
// `zone`/`locale` undefined mean the browser's own; tests pass them.
import type { Strings } from './strings.ts';

export function backAt(S: Strings['backAt'], opensAt: string, now: number, zone?: string, locale?: string): string {
  const at = new Date(opensAt);
  const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { timeZone: zone, ...o }).format(at);
  const time = fmt({ hour: 'numeric', minute: '2-digit' });
  // Calendar days apart in the visitor's zone (en-CA formats a date as YYYY-MM-DD).
  const day = (t: number) => Date.parse(new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(t));
  const days = Math.round((day(at.getTime()) - day(now)) / 86_400_000);
  // A weekly schedule opens within a week: a weekday name is always enough.
  return days < 1 ? S.today(time) : days < 2 ? S.tomorrow(time) : S.weekday(fmt({ weekday: 'long' }), time);
}
