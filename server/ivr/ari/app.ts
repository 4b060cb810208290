// The Stasis application: turns ARI events into interpreter events and interpreter commands
// into ARI requests, one MenuWalk per channel. Timers live here, not in the interpreter.
//
// Ringing uses `continue` into the dialplan context `[ivr-ring]` (extension `ring`, or
// `dialout` for an owner tree's outside number) with HL_RING_DIAL / HL_RING_TIMEOUT set; the
// dialplan Dial()s and comes back with `Stasis(<app>,ring-result,${DIALSTATUS})` when nobody
// answered, so the fallback (voicemail, callback…) continues in the same walk. The dialplan
// keeps ringing in the owner's hands (Dial with ring groups, as for DID calls) and gives a
// second fence: `[ivr-ring]` holds no trunk.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MenuWalk, type IvrCommand, type IvrEvent, type IvrMode, type RingOutcome } from '../interpreter.ts';
import type { Menu, Prompt } from '../menu-schema.ts';
import type { IvrStore } from '../store.ts';
import type { AriClient } from './client.ts';
import type { AriChannel, AriEvent } from './types.ts';

export interface IvrAriAppOptions {
  client: AriClient;
  menu: Menu;
  allowedExtensions?: readonly string[];
  ownerGroup: readonly string[];
  /** The owner's do-not-disturb switch, as the direct route asks it (interpreter.ts). */
  ownerAvailable?: () => boolean;
  store: IvrStore;
  /** The `media` URI of a prompt, e.g. `sound:http://127.0.0.1:8080/ivr/prompts/p-….wav`. */
  mediaUri: (prompt: Prompt) => string;
  /**
   * Wait after answering before the first prompt. Audio sent before DTLS-SRTP completes is lost
   * (ASTERISK-NOTES: a prompt played at answer lost over half its length) and ARI reports no
   * "media flowing" event, so we wait a fixed time after the answer request returns.
   */
  answerDelayMs?: number;
  ringContext?: string;
  /** Dial string per extension for HL_RING_DIAL; `{ext}` is replaced. */
  ringDialTemplate?: string;
  /** Where fetched recordings are copied (<dataDir>/recordings). */
  recordingsDir?: string;
  log?: { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void };
}

export interface NodeChange {
  channelId: string;
  /** The edge's visitor id (`v-…`) when the dialplan passed it: the widget's side channel. */
  visitor?: string;
  node: string;
  mode: IvrMode;
  entered?: string;
}

export interface IvrAriAppEvents {
  callStarted: [{ channelId: string; caller: string }];
  nodeChanged: [NodeChange];
  callEnded: [{ channelId: string }];
  error: [Error];
}

interface CallSession {
  channelId: string;
  visitor?: string;
  caller: string;
  walk: MenuWalk;
  /** Serialises REST calls so `play` then `stopPlay` reach Asterisk in that order. */
  chain: Promise<void>;
  collectTimer: NodeJS.Timeout | null;
  startTimer: NodeJS.Timeout | null;
  /** ARI playback id → interpreter playId. */
  playbacks: Map<string, number>;
  /** interpreter playId → ARI playback id. */
  playIds: Map<number, string>;
  recording: { name: string; kind: 'name' | 'message' } | null;
  /** True while the channel is in the dialplan ringing; StasisEnd then is not the end. */
  ringing: boolean;
  ringSeconds: number;
  parkTimer: NodeJS.Timeout | null;
  ended: boolean;
}

const DIALSTATUS: Record<string, RingOutcome> = { ANSWER: 'answered', NOANSWER: 'noAnswer', BUSY: 'busy' };

export class IvrAriApp extends EventEmitter<IvrAriAppEvents> {
  private readonly sessions = new Map<string, CallSession>();
  private readonly playbackOwner = new Map<string, string>();
  private readonly onEvent = (ev: AriEvent) => this.handleEvent(ev);

  constructor(private readonly opts: IvrAriAppOptions) {
    super();
  }

  /** Calls walking the menu now (not those handed to the dialplan to ring). */
  get activeCalls(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (!s.ringing) n++;
    return n;
  }

  start(): void {
    this.opts.client.on('event', this.onEvent);
    this.opts.client.start();
  }

  async stop(): Promise<void> {
    this.opts.client.off('event', this.onEvent);
    for (const s of this.sessions.values()) this.dispose(s);
    await this.opts.client.stop();
  }

  private handleEvent(ev: AriEvent): void {
    switch (ev.type) {
      case 'StasisStart':
        return this.onStasisStart(ev.channel, ev.args ?? []);
      case 'ChannelDtmfReceived':
        return this.feed(ev.channel.id, { type: 'digit', digit: ev.digit });
      case 'PlaybackFinished': {
        const channelId = this.playbackOwner.get(ev.playback.id);
        const s = channelId && this.sessions.get(channelId);
        if (!s) return;
        this.playbackOwner.delete(ev.playback.id);
        const playId = s.playbacks.get(ev.playback.id);
        s.playbacks.delete(ev.playback.id);
        if (playId !== undefined) {
          s.playIds.delete(playId);
          this.feed(s.channelId, { type: 'promptFinished', playId });
        }
        return;
      }
      case 'RecordingFinished':
      case 'RecordingFailed':
        return this.onRecordingDone(ev.recording.target_uri.replace(/^channel:/, ''), ev.type === 'RecordingFinished', ev.recording.name, ev.recording.duration);
      case 'StasisEnd': {
        const s = this.sessions.get(ev.channel.id);
        if (!s) return;
        if (s.ringing) {
          // Gone into the dialplan to ring: keep the walk until the ring result comes back. An
          // answered Dial never comes back, so forget the walk once the ring time is surely over.
          s.parkTimer = setTimeout(() => this.dispose(s), (s.ringSeconds + 60) * 1000);
          s.parkTimer.unref?.();
          return;
        }
        return this.dispose(s);
      }
      case 'ChannelHangupRequest':
      case 'ChannelDestroyed': {
        const s = this.sessions.get(ev.channel.id);
        if (s) this.dispose(s);
        return;
      }
    }
  }

  private onStasisStart(channel: AriChannel, args: string[]): void {
    const existing = this.sessions.get(channel.id);
    if (args[0] === 'ring-result') {
      if (!existing) {
        void this.rest('DELETE', `/channels/${enc(channel.id)}`).catch(() => {});
        return;
      }
      existing.ringing = false;
      if (existing.parkTimer) clearTimeout(existing.parkTimer);
      existing.parkTimer = null;
      this.feed(channel.id, { type: 'ringResult', outcome: DIALSTATUS[args[1] ?? ''] ?? 'failed' });
      return;
    }
    if (existing) return;
    const caller = channel.caller?.number || channel.caller?.name || '';
    const s: CallSession = {
      channelId: channel.id,
      caller,
      // Stasis(app,visitor,<X-Homeline-Visitor>): stamped by the edge, never by the browser.
      visitor: args[0] === 'visitor' && /^v-[A-Za-z0-9_-]{1,32}$/.test(args[1] ?? '') ? args[1] : undefined,
      walk: new MenuWalk({ menu: this.opts.menu, allowedExtensions: this.opts.allowedExtensions, ownerGroup: this.opts.ownerGroup, ownerAvailable: this.opts.ownerAvailable }),
      chain: Promise.resolve(),
      collectTimer: null,
      startTimer: null,
      playbacks: new Map(),
      playIds: new Map(),
      recording: null,
      ringing: false,
      ringSeconds: 0,
      parkTimer: null,
      ended: false,
    };
    this.sessions.set(channel.id, s);
    this.emit('callStarted', { channelId: channel.id, caller });
    s.chain = s.chain
      .then(() => (channel.state === 'Up' ? undefined : this.rest('POST', `/channels/${enc(channel.id)}/answer`)))
      .then(() => {
        if (s.ended) return;
        s.startTimer = setTimeout(() => {
          s.startTimer = null;
          this.feed(channel.id, { type: 'start', caller });
        }, this.opts.answerDelayMs ?? 1000);
      })
      .catch((err) => this.fail(s, err));
  }

  private onRecordingDone(channelId: string, ok: boolean, name: string, duration?: number): void {
    const s = this.sessions.get(channelId);
    if (!s || !s.recording || s.recording.name !== name) return;
    const kind = s.recording.kind;
    s.recording = null;
    const saved = ok && (duration === undefined || duration > 0);
    if (saved) {
      const id = this.opts.store.addMessage({ source: 'ivr', kind, channel: channelId, caller: s.caller, recording: name, durationSeconds: duration ?? null });
      void this.copyRecording(id, name);
    }
    this.feed(channelId, { type: 'recordResult', ok: saved });
  }

  /** Keep a copy beside the database so the owner console can play it even if Asterisk prunes. */
  private async copyRecording(id: number, name: string): Promise<void> {
    if (!this.opts.recordingsDir) return;
    try {
      const audio = await this.rest<Buffer>('GET', `/recordings/stored/${enc(name)}/file`);
      mkdirSync(this.opts.recordingsDir, { recursive: true });
      const path = join(this.opts.recordingsDir, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.wav`);
      writeFileSync(path, audio);
      this.opts.store.setAudioPath(id, path);
    } catch (err) {
      this.opts.log?.warn({ err, name }, 'could not copy recording');
    }
  }

  private feed(channelId: string, ev: IvrEvent): void {
    const s = this.sessions.get(channelId);
    if (!s || s.ended) return;
    const commands = s.walk.handle(ev);
    for (const c of commands) this.apply(s, c);
  }

  private apply(s: CallSession, c: IvrCommand): void {
    const ch = `/channels/${enc(s.channelId)}`;
    switch (c.type) {
      case 'nodeChanged':
        this.emit('nodeChanged', { channelId: s.channelId, ...(s.visitor ? { visitor: s.visitor } : {}), node: c.node, mode: c.mode, ...(c.entered ? { entered: c.entered } : {}) });
        return;
      case 'collect':
        if (s.collectTimer) clearTimeout(s.collectTimer);
        s.collectTimer = setTimeout(() => {
          s.collectTimer = null;
          this.feed(s.channelId, { type: 'timeout', timerId: c.timerId });
        }, c.timeoutMs);
        return;
      case 'stopCollect':
        if (s.collectTimer) clearTimeout(s.collectTimer);
        s.collectTimer = null;
        return;
      case 'saveCallback':
        this.opts.store.addCallback({ channel: s.channelId, caller: s.caller, number: c.number, source: c.source });
        return;
      case 'play': {
        const playbackId = randomUUID();
        s.playbacks.set(playbackId, c.playId);
        s.playIds.set(c.playId, playbackId);
        this.playbackOwner.set(playbackId, s.channelId);
        return this.enqueue(s, () => this.rest('POST', `${ch}/play`, { media: this.opts.mediaUri(c.prompt), playbackId }));
      }
      case 'stopPlay': {
        const playbackId = s.playIds.get(c.playId);
        if (!playbackId) return;
        s.playIds.delete(c.playId);
        s.playbacks.delete(playbackId);
        return this.enqueue(s, () => this.rest('DELETE', `/playbacks/${enc(playbackId)}`).catch(() => {}));
      }
      case 'ring': {
        const dial = c.extensions.map((e) => (this.opts.ringDialTemplate ?? 'PJSIP/{ext}').replaceAll('{ext}', e)).join('&');
        s.ringing = true;
        s.ringSeconds = c.timeoutSeconds;
        return this.enqueue(s, async () => {
          if (c.number) await this.rest('POST', `${ch}/variable`, { variable: 'HL_DIALOUT_NUMBER', value: c.number });
          else await this.rest('POST', `${ch}/variable`, { variable: 'HL_RING_DIAL', value: dial });
          await this.rest('POST', `${ch}/variable`, { variable: 'HL_RING_TIMEOUT', value: c.timeoutSeconds });
          await this.rest('POST', `${ch}/continue`, { context: this.opts.ringContext ?? 'ivr-ring', extension: c.number ? 'dialout' : 'ring', priority: 1 });
        });
      }
      case 'record': {
        const name = `hl-${c.kind}-${Date.now()}-${randomUUID().slice(0, 8)}`;
        s.recording = { name, kind: c.kind };
        return this.enqueue(s, () =>
          this.rest('POST', `${ch}/record`, {
            name,
            format: 'wav',
            maxDurationSeconds: c.maxSeconds,
            maxSilenceSeconds: 4,
            beep: true,
            terminateOn: '#',
            ifExists: 'overwrite',
          }),
        );
      }
      case 'hangup':
        return this.enqueue(s, () => this.rest('DELETE', ch, { reason: 'normal' }).catch(() => {}));
    }
  }

  private enqueue(s: CallSession, step: () => Promise<unknown>): void {
    s.chain = s.chain.then(async () => {
      if (s.ended) return;
      try {
        await step();
      } catch (err) {
        this.fail(s, err);
      }
    });
  }

  private fail(s: CallSession, err: unknown): void {
    // A 404 means the channel went away under us; anything else is worth a log line.
    this.opts.log?.warn({ err: String(err), channel: s.channelId }, 'ARI request failed');
    if (String(err).includes('→ 404')) this.dispose(s);
  }

  private dispose(s: CallSession): void {
    if (s.ended) return;
    s.ended = true;
    s.walk.handle({ type: 'hangup' });
    for (const t of [s.collectTimer, s.startTimer, s.parkTimer]) if (t) clearTimeout(t);
    for (const id of s.playbacks.keys()) this.playbackOwner.delete(id);
    this.sessions.delete(s.channelId);
    this.emit('callEnded', { channelId: s.channelId });
  }

  private rest<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T> {
    return this.opts.client.request<T>(method, path, query);
  }
}

const enc = encodeURIComponent;
