// Prompt audio, cached by content: the id is a hash of (voice, text) for synthesised prompts
// and of the file bytes for recorded ones, so an edited prompt gets a new id (and a new URL,
// which keeps Asterisk's HTTP media cache honest) while unchanged ones are never rendered twice.
// Files live in <dataDir>/prompts/<id>.wav, already in Asterisk's 8 kHz slin WAV.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Menu, Prompt } from '../menu-schema.ts';
import { BUILTIN_PROMPTS } from '../interpreter.ts';
import { synthesize } from './synth.ts';
import { toAsteriskWav } from './wav.ts';

export const PROMPT_ID = /^p-[0-9a-f]{32}$/;

export interface RenderedPrompt {
  id: string;
  path: string;
  /** False when this call had to render it. */
  cached: boolean;
}

export interface PromptCacheOptions {
  /** <dataDir>/prompts */
  dir: string;
  voice: string;
  /** Directory recorded prompt files are relative to (the menu file's). */
  recordingsDir: string;
}

export class PromptCache {
  private readonly ids = new Map<string, string>();

  constructor(private readonly opts: PromptCacheOptions) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  }

  /** Id without rendering (for URLs); recorded files are hashed by content. */
  idFor(prompt: Prompt): string {
    const key = typeof prompt === 'object' && prompt.file ? `file\0${prompt.file}` : `tts\0${this.opts.voice}\0${typeof prompt === 'string' ? prompt : prompt.text}`;
    let id = this.ids.get(key);
    if (!id) {
      const h = createHash('sha256');
      if (typeof prompt === 'object' && prompt.file) h.update('file\0').update(readFileSync(join(this.opts.recordingsDir, prompt.file)));
      else h.update(key);
      id = `p-${h.digest('hex').slice(0, 32)}`;
      this.ids.set(key, id);
    }
    return id;
  }

  path(id: string): string {
    return join(this.opts.dir, `${id}.wav`);
  }

  render(prompt: Prompt): RenderedPrompt {
    const id = this.idFor(prompt);
    const path = this.path(id);
    if (existsSync(path)) return { id, path, cached: true };
    const source =
      typeof prompt === 'object' && prompt.file
        ? readFileSync(join(this.opts.recordingsDir, prompt.file))
        : synthesize(typeof prompt === 'string' ? prompt : prompt.text, this.opts.voice);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, toAsteriskWav(source), { mode: 0o600 });
    renameSync(tmp, path);
    return { id, path, cached: false };
  }

  /** Render every prompt a menu can say, so no caller waits for synthesis. */
  renderMenu(menu: Menu): { rendered: number; cached: number } {
    let rendered = 0;
    let cached = 0;
    for (const p of menuPrompts(menu)) (this.render(p).cached ? cached++ : rendered++);
    return { rendered, cached };
  }
}

const PROMPT_KEYS = new Set(['prompt', 'shortPrompt', 'invalid', 'tooManyFailures', 'thanks']);

/** Every prompt reachable in a menu document, plus the interpreter's built-in ones. */
export function menuPrompts(menu: Menu): Prompt[] {
  const found = new Map<string, Prompt>();
  const visit = (v: unknown, key: string) => {
    if (PROMPT_KEYS.has(key) && (typeof v === 'string' || (v && typeof v === 'object' && 'text' in v))) {
      found.set(JSON.stringify(v), v as Prompt);
      return;
    }
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(menu, '');
  for (const t of Object.values(BUILTIN_PROMPTS) as string[]) found.set(JSON.stringify(t), t);
  return [...found.values()];
}
