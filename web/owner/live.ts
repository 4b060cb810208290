// The console's end of GET /api/owner/events (server/routes/owner-events.ts): what changed on
// the edge, as it happens, so the lists and the status line never wait for a reload.
//
//   closed ──start──▶ connecting ──open──▶ live ──error / stream ended──▶ waiting ──backoff──┐
//                         ▲                                                                  │
//                         └──────────────────────────────────────────────────────────────────┘
//
// EventSource would retry by itself, but at a fixed pace and not after a 401 or a 429; the tab
// closes it on any error and opens a new one on its own schedule (backoff.ts), as the
// registration does. Each (re)open counts as "everything changed": what happened while the
// channel was down is fetched once.
import { backoffMs } from './backoff.ts';

export interface OwnerEventMessage {
  type: string;
  id?: string | number;
  [key: string]: unknown;
}

export interface LiveEvents {
  /** An event from the edge; `resync`: the channel (re)opened, fetch everything. */
  event(e: OwnerEventMessage | { type: 'resync' }): void;
  state(s: 'live' | 'waiting'): void;
}

export class LiveChannel {
  private es?: EventSource;
  private timer?: ReturnType<typeof setTimeout>;
  private attempt = 0;
  private stopped = true;

  constructor(private readonly url: string, private readonly on: LiveEvents) {}

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.es?.close();
    this.es = undefined;
  }

  private open() {
    if (this.stopped) return;
    const es = new EventSource(this.url, { withCredentials: true });
    this.es = es;
    es.onopen = () => {
      this.attempt = 0;
      this.on.state('live');
      this.on.event({ type: 'resync' });
    };
    es.onmessage = (m) => {
      let e: OwnerEventMessage;
      try { e = JSON.parse(m.data); } catch { return; }
      if (e && typeof e.type === 'string') this.on.event(e);
    };
    es.onerror = () => {
      es.close();
      if (this.es !== es || this.stopped) return;
      this.es = undefined;
      this.on.state('waiting');
      this.timer = setTimeout(() => this.open(), backoffMs(this.attempt++));
    };
  }
}

/**
 * At most one run of `fn` at a time, and at most one more after it however many times it was
 * asked for meanwhile: a burst of events (ringing, answered, ended within a second) costs one
 * fetch, or two, never one each.
 */
export function coalesce(fn: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): Promise<void> => {
    if (running) { again = true; return running; }
    running = (async () => {
      try {
        do {
          again = false;
          await fn().catch(() => {});
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return run;
}
