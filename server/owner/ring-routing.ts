// Keeps what rings in step with the owner's rules: works out the ring set now, hands it to
// whoever applies it (Asterisk's global variable over ARI; the embedded router asks `ringing()`
// at each INVITE), and sets a timer for the next boundary of anybody's hours. Re-applied on every
// edit, at every boundary, and when the caller says so (an ARI reconnect: a restarted Asterisk has
// forgotten its globals).
import { nextBoundary, ringValue, ringingNow } from './ring-set.ts';
import type { PhoneSettings } from './phone-settings.ts';

export interface RingRoutingOptions {
  settings: PhoneSettings;
  /** Pushes the value somewhere (Asterisk). Rejections are logged; the next apply tries again. */
  apply?: (value: string, ringing: readonly string[]) => Promise<void>;
  now?: () => Date;
  log?: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}

/** setTimeout's ceiling (~24.8 days); a boundary further off is re-checked then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class RingRouting {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private applied: string | undefined;

  constructor(private readonly opts: RingRoutingOptions) {}

  /** The extensions a visitor's call to the owner rings at this moment. */
  ringing(at = this.now()): string[] {
    return ringingNow(this.opts.settings.rules(), at);
  }

  /** Whether `extension` rings now (the embedded router asks this for the tab). */
  rings(extension: string): boolean {
    return this.ringing().includes(extension);
  }

  start(): void {
    this.stopped = false;
    void this.update();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Re-apply now and re-arm the timer: after an edit, at a boundary, after an ARI reconnect. */
  async update(reason = 'start'): Promise<void> {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const at = this.now();
    const rules = this.opts.settings.rules();
    const ringing = ringingNow(rules, at);
    const value = ringValue(ringing, this.opts.settings.owned);
    const next = nextBoundary(rules, at);
    if (next) {
      this.timer = setTimeout(() => void this.update('schedule'), Math.min(MAX_TIMER_MS, Math.max(0, next.getTime() - at.getTime())));
      this.timer.unref();
    }
    if (value !== this.applied || reason !== 'schedule') {
      this.opts.log?.info({ ringing, reason, next: next?.toISOString() ?? null }, 'owner ring set');
    }
    if (!this.opts.apply) return;
    try {
      await this.opts.apply(value, ringing);
      this.applied = value;
    } catch (err) {
      this.applied = undefined;
      this.opts.log?.warn({ err: (err as Error).message, value, reason },
        'could not give Asterisk the ring set; [ring-owner] keeps the last one it got (every phone if it restarted) until ARI answers again');
    }
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }
}
