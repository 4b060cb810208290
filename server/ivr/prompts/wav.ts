// WAV in, Asterisk's `.wav` out: 8 kHz, mono, 16-bit signed PCM (format_wav's "slin" at 8 kHz;
// 16 kHz would need the `.wav16` extension, which res_http_media_cache cannot infer from a
// Content-Type). Phone codecs (G.711 8 kHz) and G.722 both play 8 kHz cleanly.

export const ASTERISK_RATE = 8000;

export interface Pcm {
  rate: number;
  /** Mono samples in [-1, 1]. */
  samples: Float32Array;
}

export class WavError extends Error {
  readonly code = 'HL_IVR_BAD_WAV';
}

/** Reads RIFF/WAVE PCM (8-bit unsigned or 16-bit signed, any rate, channels mixed down). */
export function parseWav(buf: Buffer): Pcm {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new WavError('not a RIFF/WAVE file');
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  let data: Buffer | null = null;
  for (let off = 12; off + 8 <= buf.length; ) {
    const id = buf.toString('ascii', off, off + 4);
    // Streaming writers (espeak among them) leave 0 or 0xffffffff here: take what is there.
    let size = buf.readUInt32LE(off + 4);
    if (size === 0 || off + 8 + size > buf.length) size = buf.length - off - 8;
    const body = buf.subarray(off + 8, off + 8 + size);
    if (id === 'fmt ') fmt = { format: body.readUInt16LE(0), channels: body.readUInt16LE(2), rate: body.readUInt32LE(4), bits: body.readUInt16LE(14) };
    else if (id === 'data') data = body;
    off += 8 + size + (size & 1);
  }
  if (!fmt || !data) throw new WavError('missing fmt or data chunk');
  if (fmt.format !== 1 || (fmt.bits !== 16 && fmt.bits !== 8) || fmt.channels < 1) throw new WavError(`unsupported WAV: format ${fmt.format}, ${fmt.bits} bit`);
  const bytes = fmt.bits / 8;
  const frames = Math.floor(data.length / (bytes * fmt.channels));
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let ch = 0; ch < fmt.channels; ch++) {
      const at = (i * fmt.channels + ch) * bytes;
      sum += bytes === 2 ? data.readInt16LE(at) / 32768 : (data[at]! - 128) / 128;
    }
    samples[i] = sum / fmt.channels;
  }
  return { rate: fmt.rate, samples };
}

/** Band-limited resampling: windowed-sinc (Blackman) low-pass at the lower Nyquist, 16 taps a side. */
export function resample(pcm: Pcm, rate: number): Pcm {
  if (pcm.rate === rate) return pcm;
  const ratio = rate / pcm.rate;
  const cutoff = Math.min(1, ratio) * 0.95;
  const half = 16;
  const scale = Math.max(1, 1 / ratio);
  const outLen = Math.floor(pcm.samples.length * ratio);
  const out = new Float32Array(outLen);
  const src = pcm.samples;
  for (let n = 0; n < outLen; n++) {
    const t = n / ratio;
    const center = Math.floor(t);
    let acc = 0;
    let norm = 0;
    const reach = Math.ceil(half * scale);
    for (let k = center - reach + 1; k <= center + reach; k++) {
      const x = (t - k) * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = (t - k) / (reach + 1);
      const win = Math.abs(w) >= 1 ? 0 : 0.42 + 0.5 * Math.cos(Math.PI * w) + 0.08 * Math.cos(2 * Math.PI * w);
      const h = sinc * win;
      norm += h;
      if (k >= 0 && k < src.length) acc += src[k]! * h;
    }
    out[n] = norm ? acc / norm : 0;
  }
  return { rate, samples: out };
}

export function encodeWav(pcm: Pcm): Buffer {
  const n = pcm.samples.length;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(pcm.rate, 24);
  b.writeUInt32LE(pcm.rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(pcm.samples[i]! * 32767))), 44 + i * 2);
  return b;
}

/** Any PCM WAV → what Asterisk's `sound:` plays for `.wav`. */
export function toAsteriskWav(wav: Buffer): Buffer {
  return encodeWav(resample(parseWav(wav), ASTERISK_RATE));
}
