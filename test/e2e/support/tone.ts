// A sine WAV for Chromium's fake microphone (--use-file-for-fake-audio-capture): 48 kHz mono
// 16-bit, 20 s (Chromium loops it). One file per party so each side's tone is known.
import { writeFileSync } from 'node:fs';

export function writeToneWav(path: string, hz: number, seconds = 20, rate = 48000): string {
  const n = seconds * rate;
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0); buf.writeUInt32LE(36 + n * 2, 4); buf.write('WAVE', 8);
  buf.write('fmt ', 12); buf.writeUInt32LE(16, 16); buf.writeUInt16LE(1, 20); buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24); buf.writeUInt32LE(rate * 2, 28); buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34);
  buf.write('data', 36); buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 0.5 * 32767), 44 + i * 2);
  writeFileSync(path, buf);
  return path;
}
