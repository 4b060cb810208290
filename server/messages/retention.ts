// Keeps what visitors leave bounded: rows older than messages.retentionDays go (audio with
// them), then, while the audio files together exceed messages.maxAudioMegabytes, the oldest
// messages with audio go, row and file together. The plan is pure; pruneMessages does it.
import type { FastifyBaseLogger } from 'fastify';
import type { IvrStore } from '../ivr/store.ts';
import { audioSize, removeFile } from './audio-files.ts';

export interface RetentionPolicy {
  retentionDays: number;
  maxAudioBytes: number;
}

export interface AudioEntry {
  id: number;
  /** Bytes on disk; 0 for a file that vanished (it costs nothing). */
  bytes: number;
}

export const cutoffFor = (now: number, days: number) => new Date(now - days * 86_400_000).toISOString();

/** Of `entries` (oldest first), the ids to delete so the rest fit in `maxBytes`: oldest first. */
export function overCap(entries: AudioEntry[], maxBytes: number): number[] {
  let total = entries.reduce((n, e) => n + e.bytes, 0);
  const out: number[] = [];
  for (const e of entries) {
    if (total <= maxBytes) break;
    if (e.bytes === 0) continue;
    out.push(e.id);
    total -= e.bytes;
  }
  return out;
}

export interface Pruned {
  expiredMessages: number;
  expiredCallbacks: number;
  /** Messages deleted to bring audio under the cap. */
  overCap: number;
  freedBytes: number;
  audioBytes: number;
}

export function pruneMessages(store: IvrStore, policy: RetentionPolicy, log: FastifyBaseLogger, now = Date.now()): Pruned {
  const expired = store.deleteOlderThan(cutoffFor(now, policy.retentionDays));
  let freedBytes = 0;
  for (const path of expired.audioPaths) {
    freedBytes += audioSize(path) ?? 0;
    removeFile(path);
  }
  const audio = store.audioMessages().map((m) => ({ ...m, bytes: audioSize(m.audioPath) ?? 0 }));
  const drop = new Set(overCap(audio, policy.maxAudioBytes));
  for (const m of audio) {
    if (!drop.has(m.id)) continue;
    // Row first: a crash between the two leaves a stray file (swept at start), never a row
    // pointing at audio that retention already removed.
    if (store.delete('messages', m.id) !== false) removeFile(m.audioPath);
    freedBytes += m.bytes;
    log.info({ id: m.id, createdAt: m.createdAt, bytes: m.bytes }, 'message audio over messages.maxAudioMegabytes: oldest message deleted');
  }
  const result: Pruned = {
    expiredMessages: expired.messages,
    expiredCallbacks: expired.callbacks,
    overCap: drop.size,
    freedBytes,
    audioBytes: audio.reduce((n, m) => n + (drop.has(m.id) ? 0 : m.bytes), 0),
  };
  if (result.expiredMessages || result.expiredCallbacks || result.overCap) {
    log.info({ ...result, retentionDays: policy.retentionDays }, 'message retention: old messages deleted');
  }
  return result;
}
