// Who left a voice message: the body is the audio itself, so the form's fields travel in
// headers, percent-encoded (UTF-8 names fit no other way). Checked twice: the encoded length by
// the route's schema (before the body is read), the decoded text here with the message form's
// own limits (server/ivr/plugin.ts MessageBody).
import { Type, type Static } from '@sinclair/typebox';
import { HttpErrors } from '../errors.ts';

const encoded = (chars: number) => Type.String({ maxLength: chars * 9 });

export const VoiceHeaders = Type.Object({
  'x-homeline-name': Type.String({ minLength: 1, maxLength: 80 * 9 }),
  'x-homeline-number': Type.Optional(encoded(32)),
  /** An optional note typed beside the recording. */
  'x-homeline-text': Type.Optional(encoded(1000)),
  /** What the recorder measured; informative only (the size cap is what holds). */
  'x-homeline-seconds': Type.Optional(Type.String({ pattern: '^[0-9]{1,3}(\\.[0-9]{1,3})?$' })),
});

/** The widget's own field limits (web/button/message-form.ts); 1000 characters encode to at most 9 KB, within Node's 16 KB of headers. */
export const VOICE_LIMITS = { name: 80, number: 32, text: 1000 };
const NUMBER = /^[0-9+ ()-]*$/;

export interface VoiceWho {
  name: string;
  number: string | null;
  text: string | null;
  durationSeconds: number | null;
}

const bad = (message: string) => new HttpErrors.BadRequest(message);

function decode(value: string | undefined, field: string, max: number): string {
  let text: string;
  try {
    text = decodeURIComponent(value ?? '').trim();
  } catch {
    throw bad(`x-homeline-${field} must be percent-encoded UTF-8`);
  }
  if ([...text].length > max) throw bad(`x-homeline-${field} may be at most ${max} characters`);
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) throw bad(`x-homeline-${field} has control characters`);
  return text;
}

export function decodeVoiceHeaders(h: Static<typeof VoiceHeaders>, maxSeconds: number): VoiceWho {
  const name = decode(h['x-homeline-name'], 'name', VOICE_LIMITS.name);
  if (!name) throw bad('x-homeline-name is required');
  const number = decode(h['x-homeline-number'], 'number', VOICE_LIMITS.number);
  if (!NUMBER.test(number)) throw bad('x-homeline-number may hold only digits, spaces and + ( ) -');
  const text = decode(h['x-homeline-text'], 'text', VOICE_LIMITS.text);
  const seconds = h['x-homeline-seconds'] === undefined ? null : Math.min(Number(h['x-homeline-seconds']), maxSeconds);
  return { name, number: number || null, text: text || null, durationSeconds: seconds };
}

/** One line for the owner's event bus (and the phones' text message): who, how long. */
export const voiceSummary = (w: VoiceWho) =>
  `Voice message from ${w.name}${w.number ? ` (${w.number})` : ''}${w.durationSeconds !== null ? `, ${Math.round(w.durationSeconds)} s` : ''}`;
