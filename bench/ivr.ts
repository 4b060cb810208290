// npm run bench:ivr — two figures for the IVR:
//  1. DTMF → next play: time from the ARI simulator sending ChannelDtmfReceived to it receiving
//     the app's next POST /channels/{id}/play, under 50 simultaneous calls (real WebSocket + HTTP
//     on loopback, so it includes both hops, i.e. what Asterisk would see).
//  2. Prompt synthesis per prompt (meSpeak + resampling to 8 kHz), cold and cached.
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { AriClient } from '../server/ivr/ari/client.ts';
import { IvrAriApp } from '../server/ivr/ari/app.ts';
import { IvrStore } from '../server/ivr/store.ts';
import { checkMenuText, DEFAULT_MENU_FILE } from '../server/ivr/menu-load.ts';
import { reachFromConfig } from '../server/ivr/menu-validate.ts';
import { validateConfig } from '../server/config/load.ts';
import { PromptCache, menuPrompts } from '../server/ivr/prompts/cache.ts';
import { promptText } from '../server/ivr/menu-schema.ts';
import { AriSimulator } from '../test/ivr/ari-simulator.ts';

const CALLS = 50;
const ROUNDS = 10;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const config = validateConfig({});
const reach = reachFromConfig(config);
const menu = checkMenuText(readFileSync(DEFAULT_MENU_FILE, 'utf8'), reach).menu!;

async function dtmfToPlay(): Promise<number[]> {
  const sim = new AriSimulator({ playbackMs: 2 });
  sim.setMaxListeners(0); // one waiter per simultaneous call
  const url = await sim.listen();
  const client = new AriClient({ url, user: sim.user, password: sim.password, app: 'bench' });
  const app = new IvrAriApp({ client, menu, store: new IvrStore(':memory:'), allowedExtensions: reach.visitorExtensions, ownerGroup: reach.ownerGroup, mediaUri: (p) => `sound:bench/${encodeURIComponent(promptText(p).slice(0, 20))}`, answerDelayMs: 1 });
  app.start();
  await once(client, 'connected');
  const waits = new Map<string, (t: number) => void>();
  sim.on('request', (r) => {
    const m = /^\/channels\/([^/]+)\/play$/.exec(r.path);
    const w = m && waits.get(decodeURIComponent(m[1]!));
    if (w) (waits.delete(decodeURIComponent(m![1]!)), w(r.at));
  });
  const nextPlay = (id: string) => new Promise<number>((resolve) => waits.set(id, resolve));
  const idle = (id: string) => new Promise<void>((resolve) => {
    const on = (ev: { type: string; playback?: { target_uri: string } }) => {
      if (ev.type === 'PlaybackFinished' && ev.playback!.target_uri === `channel:${id}`) (sim.off('event', on as never), setTimeout(resolve, 5));
    };
    sim.on('event', on as never);
  });
  const samples: number[] = [];
  await Promise.all(
    Array.from({ length: CALLS }, async (_, i) => {
      const id = sim.startCall('bench', { name: 'B', number: `v-${i}` })!;
      await idle(id);
      for (let k = 0; k < ROUNDS; k++) {
        const played = nextPlay(id);
        const done = idle(id);
        const t0 = performance.now();
        sim.dtmf(id, '#'); // repeat: the app answers with the node's prompt
        samples.push((await played) - t0);
        await done;
      }
      sim.hangup(id);
    }),
  );
  await app.stop();
  await sim.close();
  return samples;
}

function synthesis(): { cold: number[]; cached: number[]; count: number } {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-prompts-'));
  try {
    const cache = new PromptCache({ dir, voice: menu.voice, recordingsDir: dir });
    const prompts = menuPrompts(menu);
    const cold: number[] = [];
    const cached: number[] = [];
    for (const p of prompts) {
      const t = performance.now();
      cache.render(p);
      cold.push(performance.now() - t);
    }
    const fresh = new PromptCache({ dir, voice: menu.voice, recordingsDir: dir }); // new process view: hashes recomputed
    for (const p of prompts) {
      const t = performance.now();
      fresh.render(p);
      cached.push(performance.now() - t);
    }
    return { cold, cached, count: prompts.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lat = await dtmfToPlay();
console.log(`DTMF → next play, ${CALLS} simultaneous calls, ${lat.length} samples: p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms, max ${Math.max(...lat).toFixed(2)} ms`);
const s = synthesis();
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`prompt synthesis (${s.count} prompts of the operator menu): cold p50 ${pct(s.cold, 50).toFixed(1)} ms, p99 ${pct(s.cold, 99).toFixed(1)} ms, mean ${avg(s.cold).toFixed(1)} ms; cached p50 ${pct(s.cached, 50).toFixed(3)} ms, p99 ${pct(s.cached, 99).toFixed(3)} ms`);
