// What the edge accepts as a visitor's voice message, decided without I/O: an allow-list of
// content types (Opus in WebM, as Chromium records it, or in Ogg, as Firefox can), a size cap
// derived from the length cap, and the container's own first bytes, which must agree with the
// content type the browser declared. Anything else is refused before it reaches the disk.

export type VoiceContainer = 'webm' | 'ogg';

/** The allow-list: content type (without parameters) → container. */
export const VOICE_TYPES: Record<string, VoiceContainer> = { 'audio/webm': 'webm', 'audio/ogg': 'ogg' };

/** What the owner's audio route answers for each file extension the edge writes. */
export const AUDIO_CONTENT_TYPES: Record<string, string> = { '.webm': 'audio/webm', '.ogg': 'audio/ogg', '.wav': 'audio/wav' };

/**
 * The widget records at 32 kb/s; allow three times that (a browser may not honour the bitrate
 * exactly, and containers add overhead) plus 16 KiB of headers. 60 s → 736 KiB.
 */
export const VOICE_BYTES_PER_SECOND = 12_000;
export const voiceByteCap = (maxSeconds: number) => maxSeconds * VOICE_BYTES_PER_SECOND + 16 * 1024;

/** `audio/webm;codecs=opus` → webm; undefined for a type off the list. */
export function containerOf(contentType: string | undefined): VoiceContainer | undefined {
  const bare = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return Object.hasOwn(VOICE_TYPES, bare) ? VOICE_TYPES[bare] : undefined;
}

const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
/** EBML DocType element (0x4282), a one-byte size of 4 (0x84), then the text. */
const WEBM_DOCTYPE = Buffer.from([0x42, 0x82, 0x84, ...Buffer.from('webm')]);
const OPUS_CODEC_ID = Buffer.from('A_OPUS');

/**
 * Does `body` start like an Opus recording in `container`? WebM: the EBML magic, DocType "webm"
 * in its header, and an A_OPUS track early on. Ogg: the first page ("OggS") carries the
 * "OpusHead" identification header, as RFC 7845 requires.
 */
export function looksLikeOpus(body: Buffer, container: VoiceContainer): boolean {
  if (container === 'webm') {
    if (body.length < 64 || !body.subarray(0, 4).equals(EBML)) return false;
    const head = body.subarray(0, 4096);
    return head.indexOf(WEBM_DOCTYPE) > 0 && head.indexOf(OPUS_CODEC_ID) > 0;
  }
  if (body.length < 47 || body.toString('latin1', 0, 4) !== 'OggS') return false;
  const segments = body[26];
  const payload = 27 + segments;
  return body.toString('latin1', payload, payload + 8) === 'OpusHead';
}
