// Prompt audio: real synthesis through meSpeak, real resampling, real files on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, parseWav, resample, toAsteriskWav, WavError } from '../../server/ivr/prompts/wav.ts';
import { synthesize } from '../../server/ivr/prompts/synth.ts';
import { PromptCache, menuPrompts } from '../../server/ivr/prompts/cache.ts';
import { checkMenuText } from '../../server/ivr/menu-load.ts';
import { reach } from './walk-helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));

function tone(freq: number, rate: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * freq * i) / rate));
}
const rms = (s: Float32Array, from = 0, to = s.length) => Math.sqrt(s.subarray(from, to).reduce((a, x) => a + x * x, 0) / (to - from));
const crossings = (s: Float32Array) => s.reduce((n, x, i) => (i && Math.sign(x) !== Math.sign(s[i - 1]!) ? n + 1 : n), 0);

test('resampling 22.05 kHz to 8 kHz keeps a 1 kHz tone and removes a 6 kHz one', () => {
  const pass = resample({ rate: 22050, samples: tone(1000, 22050, 0.5) }, 8000);
  assert.equal(pass.samples.length, 4000);
  assert.ok(Math.abs(crossings(pass.samples) - 1000) <= 4, `1 kHz keeps its zero crossings: ${crossings(pass.samples)}`);
  assert.ok(Math.abs(rms(pass.samples, 100, 3900) - 0.5 / Math.SQRT2) < 0.02);
  const stop = resample({ rate: 22050, samples: tone(6000, 22050, 0.5) }, 8000);
  assert.ok(rms(stop.samples, 100, 3900) < 0.02, `6 kHz would alias into the band: rms ${rms(stop.samples, 100, 3900)}`);
});

test('WAV encode/parse round trip; non-WAV input is a coded error', () => {
  const pcm = { rate: 8000, samples: tone(440, 8000, 0.1) };
  const back = parseWav(encodeWav(pcm));
  assert.equal(back.rate, 8000);
  assert.ok(back.samples.every((x, i) => Math.abs(x - pcm.samples[i]!) < 1e-4));
  assert.throws(() => parseWav(Buffer.from('not a wav at all')), (e: unknown) => e instanceof WavError && e.code === 'HL_IVR_BAD_WAV');
});

test('meSpeak synthesises speech that becomes 8 kHz mono 16-bit WAV', () => {
  const raw = synthesize('Welcome. For an emergency, press 1.', 'en-us');
  const wav = toAsteriskWav(raw);
  assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
  assert.equal(wav.readUInt16LE(22), 1, 'mono');
  assert.equal(wav.readUInt32LE(24), 8000, '8 kHz');
  assert.equal(wav.readUInt16LE(34), 16, '16-bit');
  const pcm = parseWav(wav);
  const seconds = pcm.samples.length / 8000;
  assert.ok(seconds > 1 && seconds < 8, `plausible duration ${seconds}s`);
  assert.ok(rms(pcm.samples) > 0.02, 'not silence');
  assert.throws(() => synthesize('x', '../../etc'), /bad voice/);
});

test('the cache renders once per text+voice, and a recorded file replaces the voice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-prompts-'));
  try {
    const cache = new PromptCache({ dir, voice: 'en-us', recordingsDir: join(here, 'fixtures/good') });
    const first = cache.render('Press 1.');
    assert.equal(first.cached, false);
    const mtime = statSync(first.path).mtimeMs;
    const again = cache.render({ text: 'Press 1.' });
    assert.deepEqual([again.id, again.cached], [first.id, true]);
    assert.equal(statSync(first.path).mtimeMs, mtime);
    const other = new PromptCache({ dir, voice: 'en', recordingsDir: dir });
    assert.notEqual(other.idFor('Press 1.'), first.id, 'voice is part of the key');
    const rec = cache.render({ text: 'Press 6 then an extension.', file: 'prompts/more.wav' });
    assert.notEqual(rec.id, cache.idFor('Press 6 then an extension.'));
    const recorded = parseWav(readFileSync(rec.path));
    assert.equal(recorded.samples.length, 800, 'the 0.1 s recorded tone, not speech');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('menuPrompts finds every prompt of the operator menu', () => {
  const { menu } = checkMenuText(readFileSync(join(here, '../../ivr/menus/operator.yaml'), 'utf8'), reach);
  const texts = menuPrompts(menu!).map((p) => (typeof p === 'string' ? p : p.text));
  for (const t of ['Connecting you. Please hold.', 'Sorry, that is not one of the choices.', 'Thank you. The owner will know you called. Goodbye.', 'Sorry, nobody answered. Goodbye.']) assert.ok(texts.includes(t), t);
  assert.equal(new Set(texts).size, texts.length);
});
