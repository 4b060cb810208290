// A visitor's upstream channel, opened only when the visitor places a call. On Asterisk every
// channel is one HTTP session of its `sessionlimit`; a visitor who only connected (the widget
// connects when the button is pressed, JsSIP sends OPTIONS keepalives) costs nothing upstream.
// Until the first initial INVITE the edge answers by itself: OPTIONS with 200, anything else that
// would need the upstream with 481, ACK and responses are dropped. The INVITE takes a channel
// from the visitor budget; with none free, or the upstream unreachable, the edge answers it 503
// with its code (and the session's call tracker sees an ordinary refusal).
import type { FastifyBaseLogger } from 'fastify';
import { header, serializeSip, type SipMessage, type SipRequest } from '../sip/message.ts';
import { buildRefusal, buildResponse } from '../sip/responses.ts';
import { tagOf } from '../sip/uri.ts';
import type { ChannelBudget } from '../limits/channel-budget.ts';
import type { UpstreamChannel, UpstreamClose } from '../upstreams/types.ts';

export interface LazyChannelOptions {
  open: () => Promise<UpstreamChannel>;
  budget: ChannelBudget;
  busyRetryAfterSeconds: number;
  log: FastifyBaseLogger;
}

export class LazyUpstreamChannel implements UpstreamChannel {
  onMessage: (text: string) => void = () => {};
  onClose: (why: UpstreamClose) => void = () => {};
  private real?: UpstreamChannel;
  private opening = false;
  private closed = false;
  private queue: Array<[SipMessage, string]> = [];

  constructor(private readonly o: LazyChannelOptions) {}

  /** True once the visitor has placed a call that reached the upstream. */
  get opened(): boolean {
    return this.real !== undefined;
  }

  send(msg: SipMessage, text: string): void {
    if (this.closed) return;
    if (this.real) return this.real.send(msg, text);
    if (this.opening) {
      this.queue.push([msg, text]);
      return;
    }
    if (msg.kind === 'response') return; // nothing upstream asked anything yet
    if (msg.method === 'INVITE' && !tagOf(header(msg, 'To'))) return this.openFor(msg, text);
    if (msg.method === 'OPTIONS') return this.answer(buildResponse(msg, 200, 'OK', [{ name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK' }]));
    if (msg.method === 'ACK') return;
    this.answer(buildRefusal(msg, 'HL_NO_DIALOG'));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    // When opening is under way, openFor() closes the channel it gets.
    if (this.real) this.real.close();
  }

  private openFor(invite: SipRequest, text: string): void {
    if (!this.o.budget.tryTake()) {
      this.o.log.warn({ inUse: this.o.budget.inUse, cap: this.o.budget.cap }, 'visitor upstream channels all in use; call refused');
      return this.answer(buildRefusal(invite, 'HL_UPSTREAM_BUSY', { retryAfterSeconds: this.o.busyRetryAfterSeconds }));
    }
    this.opening = true;
    this.queue.push([invite, text]);
    let released = false;
    const release = () => {
      if (!released) this.o.budget.release();
      released = true;
    };
    this.o.open().then((ch) => {
      this.opening = false;
      if (this.closed) {
        ch.onClose = () => {};
        ch.close();
        return release();
      }
      this.real = ch;
      ch.onMessage = (t) => this.onMessage(t);
      ch.onClose = (why) => {
        release();
        this.onClose(why);
      };
      const wrappedClose = ch.close.bind(ch);
      ch.close = () => {
        release();
        wrappedClose();
      };
      const queued = this.queue;
      this.queue = [];
      for (const [m, t] of queued) ch.send(m, t);
    }, (err: Error) => {
      this.opening = false;
      release();
      this.o.log.error({ err: err.message }, 'upstream unreachable; visitor call refused');
      const queued = this.queue;
      this.queue = [];
      if (this.closed) return;
      for (const [m] of queued) {
        if (m.kind !== 'request' || m.method === 'ACK') continue;
        this.answer(m.method === 'INVITE' ? buildRefusal(m, 'HL_UPSTREAM_DOWN', { retryAfterSeconds: this.o.busyRetryAfterSeconds }) : buildRefusal(m, 'HL_NO_DIALOG'));
      }
    });
  }

  private answer(res: SipMessage): void {
    this.onMessage(serializeSip(res));
  }
}
