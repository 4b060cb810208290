// Text → WAV with meSpeak (eSpeak compiled to JavaScript): installs from npm, no system
// package, runs on Node 20. Output is 22.05 kHz mono 16-bit; the cache converts it for Asterisk.
// Synthesis is synchronous CPU work (tens to hundreds of ms a prompt), which is why prompts
// are rendered once at start-up and cached by content.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface MeSpeak {
  loadConfig(data: unknown): void;
  loadVoice(data: unknown): void;
  isVoiceLoaded(id: string): boolean;
  speak(text: string, opts: Record<string, unknown>): Buffer | null;
}

let engine: MeSpeak | null = null;

function load(): MeSpeak {
  if (engine) return engine;
  // meSpeak warns on load that it cannot play audio outside a browser; we only want raw data.
  const warn = console.warn;
  console.warn = () => {};
  try {
    engine = require('mespeak') as MeSpeak;
  } finally {
    console.warn = warn;
  }
  engine.loadConfig(require('mespeak/src/mespeak_config.json'));
  return engine;
}

export class SynthError extends Error {
  readonly code = 'HL_IVR_SYNTH';
}

/** Voices are meSpeak's: `en-us`, `en`, `en-rp`, `en-sc`, `de`, `fr`, … */
export function synthesize(text: string, voice: string): Buffer {
  if (!/^[a-z]{2,3}(-[a-z]{1,3})?$/.test(voice)) throw new SynthError(`bad voice name ${voice}`);
  const m = load();
  const id = voice.startsWith('en') ? `en/${voice}` : voice;
  if (!m.isVoiceLoaded(id)) {
    try {
      m.loadVoice(require(`mespeak/voices/${id}.json`));
    } catch {
      throw new SynthError(`voice ${voice} is not shipped with mespeak`);
    }
  }
  const wav = m.speak(text, { rawdata: 'buffer', voice: id, speed: 160 });
  if (!wav || wav.length <= 44) throw new SynthError(`no audio for "${text.slice(0, 40)}"`);
  return Buffer.from(wav);
}
