// The edge's start-up self-check of the Asterisk it drives: are the modules a prompt needs
// loaded, and does one real prompt of the edge actually play? Both used to fail in silence (an
// Asterisk without res_http_media_cache, an astcachedir with a dot in it: the visitor hears
// nothing and no log says so). Runs each time the ARI events socket connects; /readyz reports
// the cached result.
//
// The judging is pure (missingModules, judgeSelfCheck); AriSelfCheck does the ARI I/O: lists
// the modules, plays the prompt into a throw-away bridge, waits for PlaybackFinished, deletes it.
import { randomUUID } from 'node:crypto';
import { PROMPT_MODULES } from '../../asterisk/required-modules.ts';
import type { AriClient } from './client.ts';
import type { AriEvent, AriPlayback } from './types.ts';

export interface SelfCheckResult {
  /** pending: not run yet, running, or ARI is away; ok/failed: the last run's verdict. */
  status: 'pending' | 'ok' | 'failed';
  /** Why, in words an owner can act on ("res_http_media_cache not loaded; prompt playback failed: …"). */
  reason: string;
  /** What to look at when it failed. */
  hint?: string;
  /** When the verdict was reached (ISO time). */
  at?: string;
}

/** How the prompt's playback ended: Asterisk's final state, or why we never learnt it. */
export type PlaybackOutcome = { state: AriPlayback['state'] } | { error: string };

export interface ModuleInfo {
  name: string;
  status?: string;
}

/** The needed modules that `GET /asterisk/modules` does not list as running. */
export function missingModules(loaded: readonly ModuleInfo[], needed: readonly string[] = PROMPT_MODULES): string[] {
  const running = new Set(loaded.filter((m) => !m.status || /^running$/i.test(m.status)).map((m) => m.name.replace(/\.so$/, '')));
  return needed.filter((m) => !running.has(m));
}

export function judgeSelfCheck(modules: string[] | { error: string }, playback: PlaybackOutcome, mediaUri: string, at: Date): SelfCheckResult {
  const reasons: string[] = [];
  const hints: string[] = [];
  if ('error' in modules) {
    reasons.push(`could not list Asterisk's modules: ${modules.error}`);
    hints.push('is res_ari_asterisk loaded (modules.conf)?');
  } else if (modules.length) {
    reasons.push(...modules.map((m) => `${m} not loaded`));
    hints.push(`load ${modules.join(', ')} (regenerate modules.conf with npm run asterisk:config; res_curl and res_http_media_cache need an Asterisk built with libcurl)`);
  }
  if ('error' in playback || playback.state !== 'done') {
    reasons.push(`prompt playback failed: ${'error' in playback ? playback.error : `${mediaUri} ended "${playback.state}"`}`);
    hints.push(`can Asterisk fetch ${mediaUri.replace(/^sound:/, '')} (curl it from the Asterisk host)? does a directory of astcachedir (asterisk.conf) contain a dot? Asterisk's log says "does not exist in any format" or "Failed to retrieve URL".`);
  }
  if (!reasons.length) return { status: 'ok', reason: `modules loaded; ${mediaUri} played`, at: at.toISOString() };
  return { status: 'failed', reason: reasons.join('; '), hint: hints.join(' '), at: at.toISOString() };
}

export interface SelfCheckLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

export interface AriSelfCheckOptions {
  client: AriClient;
  /** The Stasis app: the throw-away bridge's events are subscribed to it. */
  app: string;
  /** A real prompt of the edge, as the IVR plays it: `sound:http://…/ivr/prompts/p-….wav`. */
  mediaUri: string;
  /** Resolves when Asterisk can fetch the prompt, i.e. the edge listens. */
  edgeListening: () => Promise<void>;
  /** A playback that never finishes counts as failed after this long (ms). */
  timeoutMs?: number;
  log: SelfCheckLog;
}

export class AriSelfCheck {
  private current: SelfCheckResult = { status: 'pending', reason: 'ARI not connected yet' };
  /** Increments per run; a run that a reconnect overtook does not report. */
  private runs = 0;
  private readonly onConnected = () => void this.run();
  private readonly onDisconnected = () => {
    this.runs++;
    this.current = { status: 'pending', reason: 'ARI disconnected; checking again when it reconnects' };
  };

  constructor(private readonly opts: AriSelfCheckOptions) {}

  get result(): SelfCheckResult {
    return this.current;
  }

  /** Listens for ARI (re)connections; call before the client starts. */
  start(): void {
    this.opts.client.on('connected', this.onConnected);
    this.opts.client.on('disconnected', this.onDisconnected);
  }

  stop(): void {
    this.runs++;
    this.opts.client.off('connected', this.onConnected);
    this.opts.client.off('disconnected', this.onDisconnected);
  }

  async run(): Promise<SelfCheckResult> {
    const run = ++this.runs;
    this.current = { status: 'pending', reason: 'self-check running' };
    await this.opts.edgeListening();
    const modules = await this.listModules();
    const playback = await this.playPrompt();
    const result = judgeSelfCheck(modules, playback, this.opts.mediaUri, new Date());
    if (run !== this.runs) return result;
    this.current = result;
    if (result.status === 'ok') this.opts.log.info({ selfcheck: result }, 'Asterisk self-check passed: prompts are playable');
    else this.opts.log.error({ selfcheck: result, check: result.hint }, `Asterisk self-check failed: ${result.reason}`);
    return result;
  }

  private async listModules(): Promise<string[] | { error: string }> {
    try {
      return missingModules(await this.opts.client.request<ModuleInfo[]>('GET', '/asterisk/modules'));
    } catch (err) {
      return { error: (err as Error).message };
    }
  }

  /** Plays the prompt into an empty mixing bridge (Asterisk's announcer channel does the playing). */
  private async playPrompt(): Promise<PlaybackOutcome> {
    const { client, app, mediaUri } = this.opts;
    const bridge = `homeline-selfcheck-${randomUUID()}`;
    const playbackId = randomUUID();
    let onEvent: (ev: AriEvent) => void = () => {};
    let timer: NodeJS.Timeout | undefined;
    // Listening before the play request: a failed fetch can finish before the request returns.
    const finished = new Promise<PlaybackOutcome>((resolve) => {
      onEvent = (ev) => {
        if (ev.type === 'PlaybackFinished' && ev.playback.id === playbackId) resolve({ state: ev.playback.state });
      };
      timer = setTimeout(() => resolve({ error: `no PlaybackFinished for ${mediaUri} within ${(this.opts.timeoutMs ?? 20_000) / 1000} s` }), this.opts.timeoutMs ?? 20_000);
    });
    client.on('event', onEvent);
    try {
      await client.request('POST', `/bridges/${bridge}`, { type: 'mixing', name: 'homeline self-check' });
      // Asterisk tells an app about a bridge's playbacks only once it subscribes to the bridge.
      await client.request('POST', `/applications/${encodeURIComponent(app)}/subscription`, { eventSource: `bridge:${bridge}` });
      await client.request('POST', `/bridges/${bridge}/play/${playbackId}`, { media: mediaUri });
      return await finished;
    } catch (err) {
      return { error: (err as Error).message };
    } finally {
      clearTimeout(timer);
      client.off('event', onEvent);
      await client.request('DELETE', `/bridges/${bridge}`).catch((err: Error) => this.opts.log.warn({ bridge, err: err.message }, 'self-check bridge not deleted'));
    }
  }
}
