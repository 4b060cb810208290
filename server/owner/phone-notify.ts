// Word reaching the phones: a new message or callback request (an owner event `message` with a
// summary) goes to the owner's SIP phones as a SIP MESSAGE, through Asterisk's res_pjsip_messaging
// (ARI PUT /endpoints/PJSIP/<ext>/sendMessage). Only phones that ring now get it: the hours the
// owner set are when the phone may disturb them, a text at 3 a.m. included. The browser tab is
// left out (the console hears the same event live). A phone that is not registered is skipped
// with an info line: the message still waits in the console.
import type { OwnerEvent } from './events.ts';

export interface NotifyLog {
  info: (o: object, m: string) => void;
  warn: (o: object, m: string) => void;
}

export interface PhoneNotifierOptions {
  /** Extensions that ring now (RingRouting.ringing). */
  ringing: () => readonly string[];
  /** The owner's tab extension: never sent a MESSAGE. */
  tabExtension: string;
  /** Sends one MESSAGE; resolves `offline` when the phone has no registered contact. */
  send: (extension: string, text: string) => Promise<'sent' | 'offline'>;
  log?: NotifyLog;
}

const MAX_TEXT = 300;

/** One line a phone's screen can show: control characters gone, whitespace folded, length capped. */
export function phoneText(summary: string): string {
  const flat = summary.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT - 1)}…` : flat;
}

export class PhoneNotifier {
  constructor(private readonly opts: PhoneNotifierOptions) {}

  /** Resolves when every phone was tried; never rejects (the event bus must not see our failures). */
  async handle(e: OwnerEvent): Promise<void> {
    if (e.type !== 'message' || typeof e.summary !== 'string' || !e.summary.trim()) return;
    const text = phoneText(`homeline: ${e.summary}`);
    const phones = this.opts.ringing().filter((x) => x !== this.opts.tabExtension);
    if (!phones.length) {
      this.opts.log?.info({ id: e.id }, 'new message: no phone rings now, so none is told (it waits in the console)');
      return;
    }
    await Promise.all(phones.map(async (ext) => {
      try {
        const r = await this.opts.send(ext, text);
        if (r === 'offline') this.opts.log?.info({ id: e.id, phone: ext }, 'new message not sent to a phone that is not registered');
        else this.opts.log?.info({ id: e.id, phone: ext }, 'new message sent to phone');
      } catch (err) {
        this.opts.log?.warn({ id: e.id, phone: ext, err: (err as Error).message, code: (err as { code?: string }).code },
          'could not send the new message to a phone (is res_pjsip_messaging loaded? npm run asterisk:config writes it)');
      }
    }));
  }
}
