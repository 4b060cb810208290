// The owner's opening hours as the edge uses them: the config's `hours` until the owner edits
// them in the console, then the edit (<dataDir>/hours.json, 0600), which survives restarts. The
// edit remembers which config value it replaced, so an owner who later changes `hours` in the
// config file gets what they wrote there, not a stale console edit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { HoursSchema, hoursProblem, nextClosing, nextOpening, isOpen, type Hours } from './hours.ts';
import { writePrivateJson } from '../store/private-files.ts';

export type HoursSource = 'config' | 'console';

interface SavedHours {
  hours: Hours | null;
  /** JSON of the config's `hours` when the owner saved: a different one now means the config changed since. */
  replaces: string;
}

export interface HoursStoreOptions {
  dataDir: string;
  configHours: Hours | undefined;
  log?: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };
  /** Called whenever open/closed may have changed: an edit, or the clock crossing an edge. */
  changed?: () => void;
}

export class HoursStore {
  private hours: Hours | null;
  private from: HoursSource = 'config';
  private readonly file: string;
  private readonly configJson: string;
  private timer: NodeJS.Timeout | undefined;
  /** This minute's answers: hours are whole minutes, so neither changes within one. /api/status,
   *  polled by every open visitor page, and every SIP request ask. */
  private cached: { minute: number; open: boolean; opensAt?: Date | null } | undefined;

  constructor(private readonly opts: HoursStoreOptions) {
    this.file = join(opts.dataDir, 'hours.json');
    this.configJson = JSON.stringify(opts.configHours ?? null);
    this.hours = opts.configHours ?? null;
    let saved: SavedHours | undefined;
    try {
      saved = JSON.parse(readFileSync(this.file, 'utf8')) as SavedHours;
    } catch { /* never edited in the console */ }
    if (saved && saved.replaces !== this.configJson) {
      opts.log?.info({}, 'opening hours: the config changed since the console edit; using the config');
    } else if (saved && (saved.hours === null || (Value.Check(HoursSchema, saved.hours) && !hoursProblem(saved.hours)))) {
      this.hours = saved.hours;
      this.from = 'console';
    } else if (saved) {
      opts.log?.warn({ file: this.file }, 'opening hours: the saved console edit is unreadable; using the config');
    }
    this.arm();
  }

  get(): Hours | null {
    return this.hours;
  }

  get source(): HoursSource {
    return this.from;
  }

  /** Replace the schedule (null: always open); the caller has validated it with hoursProblem. */
  set(hours: Hours | null): void {
    writePrivateJson(this.file, { hours, replaces: this.configJson } satisfies SavedHours);
    this.hours = hours;
    this.from = 'console';
    this.cached = undefined;
    this.arm();
    this.opts.changed?.();
  }

  /**
   * Asked for every SIP request a visitor sends (the policy's snapshot), so remembered for the
   * minute: wall clocks change hours only on whole minutes (every zone's offset is whole minutes).
   */
  isOpen(at: number = Date.now()): boolean {
    return this.thisMinute(at).open;
  }

  nextOpening(at: number = Date.now()): Date | null {
    const c = this.thisMinute(at);
    if (c.opensAt === undefined) c.opensAt = nextOpening(this.hours, at);
    return c.opensAt;
  }

  private thisMinute(at: number) {
    const minute = Math.floor(at / 60_000);
    if (this.cached?.minute !== minute) this.cached = { minute, open: isOpen(this.hours, at) };
    return this.cached;
  }

  close(): void {
    clearTimeout(this.timer);
  }

  /** A timer to the next opening or closing, so the console's status line moves by itself. */
  private arm(): void {
    clearTimeout(this.timer);
    const now = Date.now();
    const next = isOpen(this.hours, now) ? nextClosing(this.hours, now) : nextOpening(this.hours, now);
    if (!next || !this.opts.changed) return;
    // setTimeout holds at most 2^31-1 ms (~24.8 days); a later edge is re-armed from there.
    const wait = Math.min(next.getTime() - now + 50, 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.opts.changed?.();
      this.arm();
    }, wait);
    this.timer.unref();
  }
}
