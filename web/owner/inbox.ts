// Messages and callback requests as one list, newest first: pure, so it is tested without a
// browser. A form message that came with a callback request (callbacks.messageId) is one entry,
// not two; a callback request on its own (left in the phone menu) is an entry of its own.

export interface MessageRecord {
  id: number;
  createdAt: string;
  source: 'ivr' | 'form' | 'voice';
  kind: 'name' | 'message';
  caller?: string | null;
  name?: string | null;
  number?: string | null;
  text?: string | null;
  durationSeconds?: number | null;
  doneAt?: string | null;
  /** 'ok': playable at api/owner/messages/:id/audio; 'missing': the row's file vanished; null: none. */
  audio?: 'ok' | 'missing' | null;
}

export interface CallbackRecord {
  id: number;
  createdAt: string;
  caller?: string | null;
  number: string;
  source: 'caller' | 'entered' | 'form';
  messageId?: number | null;
  doneAt?: string | null;
}

export type EntryKind = 'voice' | 'form' | 'voicemail' | 'name' | 'callback';

export interface InboxEntry {
  /** `messages` or `callbacks`: which edge route acts on it. */
  table: 'messages' | 'callbacks';
  id: number;
  /** Unique across both tables (DOM keys, test ids). */
  key: string;
  kind: EntryKind;
  createdAt: string;
  who: string | null;
  number: string | null;
  /** A message whose sender also asked for a call back. */
  wantsCallback: boolean;
  text: string | null;
  seconds: number | null;
  audio: 'ok' | 'missing' | null;
  done: boolean;
}

const kindOf = (m: MessageRecord): EntryKind => (m.source === 'ivr' ? (m.kind === 'name' ? 'name' : 'voicemail') : m.source);

export function inbox(messages: MessageRecord[], callbacks: CallbackRecord[]): InboxEntry[] {
  const ids = new Set(messages.map((m) => m.id));
  const asked = new Set(callbacks.filter((c) => c.messageId != null && ids.has(c.messageId)).map((c) => c.messageId));
  const entries: InboxEntry[] = messages.map((m) => ({
    table: 'messages', id: m.id, key: `m${m.id}`, kind: kindOf(m), createdAt: m.createdAt,
    // A form or voice message's `caller` is the visitor's address: the name says who.
    who: m.name || (m.source === 'ivr' ? m.caller ?? null : null),
    // The phone menu knows a caller by their caller ID, often a number to ring back.
    number: m.number || (m.source === 'ivr' && telHref(m.caller ?? null) ? m.caller! : null),
    wantsCallback: asked.has(m.id),
    text: m.text || null,
    seconds: m.durationSeconds ?? null,
    audio: m.audio ?? null,
    done: !!m.doneAt,
  }));
  for (const c of callbacks) {
    if (c.messageId != null && ids.has(c.messageId)) continue;
    entries.push({
      table: 'callbacks', id: c.id, key: `c${c.id}`, kind: 'callback', createdAt: c.createdAt,
      who: c.caller ?? null, number: c.number, wantsCallback: true, text: null, seconds: null, audio: null, done: !!c.doneAt,
    });
  }
  return entries.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.key.localeCompare(a.key));
}

/** `+44 (20) 7946-0000` → `tel:+442079460000`; null for something that is no phone number. */
export function telHref(number: string | null): string | null {
  if (!number || !/^[0-9+ ()./-]+$/.test(number)) return null;
  const digits = number.replace(/[^0-9+]/g, '').replace(/(?!^)\+/g, '');
  return /\d{2,}/.test(digits) ? `tel:${digits}` : null;
}
