// Message audio on disk, beside the database: the widget's voice messages in <dataDir>/voice
// (names made here, never by a client), the IVR's copies of Asterisk recordings in
// <dataDir>/recordings (server/ivr/ari/app.ts). Directories 0700, files 0600.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { IvrStore, StoredMessage } from '../ivr/store.ts';
import { PRIVATE_DIR, PRIVATE_FILE } from '../store/private-files.ts';
import { AUDIO_CONTENT_TYPES, type VoiceContainer } from './voice-audio.ts';

export const audioDirs = (dataDir: string) => ({ voice: join(dataDir, 'voice'), recordings: join(dataDir, 'recordings') });

export interface VoiceMeta {
  name: string;
  number: string | null;
  text: string | null;
  caller: string;
  durationSeconds: number | null;
}

/**
 * Stores a checked voice message: the bytes go to a temporary file first, then the row is
 * inserted and the file renamed to its final name in one transaction. A crash leaves either
 * both or a stray temporary file (removed by the sweep at start), never a row without its audio.
 */
export function saveVoice(store: IvrStore, dir: string, body: Buffer, container: VoiceContainer, meta: VoiceMeta): { id: number; path: string } {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  const base = `voice-${Date.now()}-${randomBytes(6).toString('hex')}`;
  const tmp = join(dir, `${base}.tmp`);
  const path = join(dir, `${base}.${container}`);
  writeFileSync(tmp, body, { mode: PRIVATE_FILE, flag: 'wx' });
  try {
    const id = store.addMessageWithAudio({ source: 'voice', kind: 'message', ...meta, audioPath: path }, () => renameSync(tmp, path));
    return { id, path };
  } catch (err) {
    removeFile(tmp);
    throw err;
  }
}

/** Removes a file; one that is already gone is not an error. */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Size of an audio file, or null when it has vanished. */
export function audioSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

export const contentTypeOf = (path: string): string | undefined => AUDIO_CONTENT_TYPES[extname(path).toLowerCase()];

/** A message as the owner console sees it: no server paths, the audio's state instead. */
export function forOwner(m: StoredMessage) {
  const { audioPath, ...rest } = m;
  return { ...rest, audio: audioPath === null ? null : audioSize(audioPath) === null ? ('missing' as const) : ('ok' as const) };
}

/**
 * Files in the audio folders that no row names (a delete that stopped between the row and the
 * file, an upload cut off before its rename): removed. Run at start only, when no upload or
 * recording copy is half-way. Returns the removed paths.
 */
export function sweepStrays(store: IvrStore, dataDir: string): string[] {
  const named = new Set([...store.audioPaths()].map((p) => resolve(p)));
  const removed: string[] = [];
  for (const dir of Object.values(audioDirs(dataDir))) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (named.has(resolve(path)) || !/\.(tmp|webm|ogg|wav)$/.test(name)) continue;
      removeFile(path);
      removed.push(path);
    }
  }
  return removed;
}
