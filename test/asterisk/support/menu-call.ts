// A visitor's call into the operator menu at 100 through the real edge and Asterisk, DTMF as SIP
// INFO. The menu's state comes from the edge's ARI app (the events behind the widget's side
// channel, which leave out the digits entered).
import assert from 'node:assert/strict';
import { connectedVisitor, type TestEdge } from '../../helpers/edge.ts';
import type { RawUa } from '../../helpers/raw-ua.ts';
import { header } from '../../../server/sip/message.ts';
import { visitorInvite, hangUp, type Dialog } from './visitor-invite.ts';

export interface IvrNode { node: string; mode: string; entered?: string; channelId: string }

export class MenuCall {
  readonly states: IvrNode[] = [];
  /** The Asterisk channel of this call, from the menu's first state. */
  channelId = '';
  private waiter?: () => void;
  private readonly listen = (c: IvrNode & { visitor?: string }) => {
    if (c.visitor !== this.ua.user) return;
    if (process.env.HL_DEBUG) console.log(`# ivr ${Date.now() % 100000} ${c.node} ${c.mode} ${c.entered ?? ''}`);
    this.channelId ||= c.channelId;
    this.states.push(c);
    this.waiter?.();
  };
  private constructor(private readonly edge: TestEdge, readonly ua: RawUa, public dialog: Dialog) {
    edge.app.ivr.ari!.on('nodeChanged', this.listen);
  }

  static async open(edge: TestEdge): Promise<MenuCall> {
    // A token carries the one target it was asked for.
    const ua = await connectedVisitor(edge, { target: '100' });
    const call = new MenuCall(edge, ua, undefined as unknown as Dialog);
    const { status, dialog } = await visitorInvite(ua, 'sip:100@home.arpa');
    assert.equal(status, 200, 'the operator menu answers');
    call.dialog = dialog!;
    await call.until((s) => s.node === 'main' && s.mode === 'menu');
    return call;
  }

  /** One call into the menu, walked by `steps`, always hung up. */
  static async walk(edge: TestEdge, steps: (call: MenuCall) => Promise<void>): Promise<void> {
    const call = await MenuCall.open(edge);
    try {
      await steps(call);
    } finally {
      await call.close();
    }
  }

  /** Waits for the next state matching `test` (states are taken in order, each once). */
  async until(test: (s: IvrNode) => boolean): Promise<IvrNode> {
    for (;;) {
      const s = this.states.shift();
      if (s) { if (test(s)) return s; continue; }
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('the menu never got there; HL_DEBUG=1 prints the states seen')), 20_000);
        this.waiter = () => { clearTimeout(t); this.waiter = undefined; resolve(); };
      });
    }
  }

  /**
   * Types `digits` (INFO, application/dtmf-relay), 150 ms apart as a keypad would (JsSIP's gap is
   * 500 ms): Asterisk holds back a digit that follows the last one within 45 ms (AST_MIN_DTMF_GAP)
   * until the channel next reads a frame, and this media-less call reads none until a timer fires.
   */
  async press(digits: string): Promise<void> {
    for (const d of digits) {
      await new Promise((r) => setTimeout(r, 150));
      const cseq = ++this.dialog.cseq;
      if (process.env.HL_DEBUG) console.log(`# press ${Date.now() % 100000} ${d}`);
      this.ua.inDialog('INFO', { ...this.dialog, cseq }, `Signal=${d}\r\nDuration=160\r\n`);
      await this.ua.next((m) => m.kind === 'response' && header(m, 'CSeq') === `${cseq} INFO`, 10_000);
    }
  }

  async close(): Promise<void> {
    this.edge.app.ivr.ari!.off('nodeChanged', this.listen);
    await hangUp(this.ua, this.dialog);
    await this.ua.close();
  }
}
