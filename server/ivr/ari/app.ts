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
import { AriError } from '../errors.ts';
import type { AriClient } from './client.ts';
import { systemClock, type AriChannel, type AriEvent, type Clock } from './types.ts';

export interface IvrAriAppOptions {
  client: AriClient;
  menu: Menu;
  allowedExtensions?: readonly string[];
  /** The owner's ring group; a function is asked at each call (the owner's ring rules change it). */
  ownerGroup: readonly string[] | (() => readonly string[]);
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
  /**
   * A call handed to the dialplan to ring is forgotten this long after its ring time if neither
   * a ring result nor its hang-up came back (a backstop: we subscribe to its hang-up).
   */
  parkGraceSeconds?: number;
  /** Menu, answer and park timers (tests drive them by hand). */
  clock?: Clock;
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
  /** A recorded name or message is in the store; `audioPath` is its copy, null if none was made. */
  messageStored: [{ channelId: string; id: number; recording: string; audioPath: string | null; kind: 'name' | 'message'; caller: string; durationSeconds: number | null }];
  /** A callback request is in the store. */
  callbackStored: [{ channelId: string; id: number; caller: string; number: string }];
  error: [Error];
}

interface CallSession {
  channelId: string;
  visitor?: string;
  caller: string;
  walk: MenuWalk;
  /** Serialises REST calls so `play` then `stopPlay` reach Asterisk in that order. */
  chain: Promise<void>;
  collectTimer: unknown;
  startTimer: unknown;
  /** ARI playback id → interpreter playId. */
  playbacks: Map<string, number>;
  /** interpreter playId → ARI playback id. */
  playIds: Map<number, string>;
  recording: { name: string; kind: 'name' | 'message' } | null;
  /** True while the channel is in the dialplan ringing; StasisEnd then is not the end. */
  ringing: boolean;
  ringSeconds: number;
  parkTimer: unknown;
  ended: boolean;
}

const DIALSTATUS: Record<string, RingOutcome> = { ANSWER: 'answered', NOANSWER: 'noAnswer', BUSY: 'busy' };

export class IvrAriApp extends EventEmitter<IvrAriAppEvents> {
  private readonly sessions = new Map<string, CallSession>();
  private readonly playbackOwner = new Map<string, string>();
  private readonly onEvent = (ev: AriEvent) => this.handleEvent(ev);
  private readonly onConnected = () => this.reconcile();
  private readonly clock: Clock;

  constructor(private readonly opts: IvrAriAppOptions) {
    super();
    this.clock = opts.clock ?? systemClock;
  }

  /** Calls walking the menu now (not those handed to the dialplan to ring). */
  get activeCalls(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (!s.ringing) n++;
    return n;
  }

  start(): void {
    this.opts.client.on('event', this.onEvent);
    this.opts.client.on('connected', this.onConnected);
    this.opts.client.start();
  }

  async stop(): Promise<void> {
    this.opts.client.off('event', this.onEvent);
    this.opts.client.off('connected', this.onConnected);
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
          // answered Dial never comes back: follow the channel's hang-up (Asterisk sends a channel's
          // events only to the apps it is in, or that subscribed), and as a backstop forget the
          // walk once the ring time is surely over.
          s.parkTimer = this.clock.setTimeout(() => {
            s.parkTimer = null;
            this.dispose(s);
          }, (s.ringSeconds + (this.opts.parkGraceSeconds ?? 60)) * 1000);
          // 422 "event source does not exist": the channel is already gone.
          this.enqueue(s, () =>
            this.rest('POST', `/applications/${enc(this.opts.client.opts.app)}/subscription`, { eventSource: `channel:${s.channelId}` }).catch((err) =>
              isStatus(err, 422) ? this.dispose(s) : Promise.reject(err),
            ),
          );
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
        // Not ours (the edge restarted while it rang, or the walk was forgotten): nothing would
        // ever answer this channel in Stasis, so end it rather than leave it hanging.
        this.rest('DELETE', `/channels/${enc(channel.id)}`).then(
          () => this.opts.log?.info({ channel: channel.id }, 'ring result for an unknown channel: hung up'),
          (err) => this.logUnlessGone(err, channel.id, 'could not hang up an unknown ring result'),
        );
        return;
      }
      existing.ringing = false;
      if (existing.parkTimer) this.clock.clearTimeout(existing.parkTimer);
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
      walk: new MenuWalk({ menu: this.opts.menu, allowedExtensions: this.opts.allowedExtensions, ownerGroup: typeof this.opts.ownerGroup === 'function' ? this.opts.ownerGroup() : this.opts.ownerGroup, ownerAvailable: this.opts.ownerAvailable }),
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
        s.startTimer = this.clock.setTimeout(() => {
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
    // Asterisk reports "done" without a duration when nothing was written (e.g. its `beep`
    // sound is missing and the recording stops at once): that is no message.
    const saved = ok && duration !== undefined && duration > 0;
    if (saved) {
      const id = this.opts.store.addMessage({ source: 'ivr', kind, channel: channelId, caller: s.caller, recording: name, durationSeconds: duration ?? null });
      void this.copyRecording(id, name).then((audioPath) => this.emit('messageStored', { channelId, id, recording: name, audioPath, kind, caller: s.caller, durationSeconds: duration ?? null }));
    }
    this.feed(channelId, { type: 'recordResult', ok: saved });
  }

  /**
   * Keep a copy beside the database (the console plays it from there, retention prunes it with its
   * row), then delete Asterisk's own: its spool is never pruned, so each message would stay twice,
   * the second copy outside every limit the owner set.
   */
  private async copyRecording(id: number, name: string): Promise<string | null> {
    if (!this.opts.recordingsDir) return null;
    try {
      const audio = await this.rest<Buffer>('GET', `/recordings/stored/${enc(name)}/file`);
      mkdirSync(this.opts.recordingsDir, { recursive: true, mode: 0o700 });
      const path = join(this.opts.recordingsDir, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.wav`);
      writeFileSync(path, audio, { mode: 0o600 });
      this.opts.store.setAudioPath(id, path);
      await this.rest('DELETE', `/recordings/stored/${enc(name)}`).catch((err) => {
        this.opts.log?.warn({ err: String(err), code: (err as { code?: string }).code, name }, 'copied the recording but could not delete it from Asterisk');
      });
      return path;
    } catch (err) {
      // The message row stays (it names Asterisk's recording); only our copy is missing.
      this.opts.log?.warn({ err: String(err), code: (err as { code?: string }).code, name }, 'could not copy recording');
      return null;
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
        if (s.collectTimer) this.clock.clearTimeout(s.collectTimer);
        s.collectTimer = this.clock.setTimeout(() => {
          s.collectTimer = null;
          this.feed(s.channelId, { type: 'timeout', timerId: c.timerId });
        }, c.timeoutMs);
        return;
      case 'stopCollect':
        if (s.collectTimer) this.clock.clearTimeout(s.collectTimer);
        s.collectTimer = null;
        return;
      case 'saveCallback':
        this.emit('callbackStored', { channelId: s.channelId, id: this.opts.store.addCallback({ channel: s.channelId, caller: s.caller, number: c.number, source: c.source }), caller: s.caller, number: c.number });
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
        // 404: the prompt finished on its own meanwhile, which is what we wanted.
        return this.enqueue(s, () => this.rest('DELETE', `/playbacks/${enc(playbackId)}`).catch((err) => (isStatus(err, 404) ? undefined : Promise.reject(err))));
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
          }).catch((err) => {
            if (isStatus(err, 404)) throw err;
            // Refused (e.g. 500 when Asterisk's recording spool is missing): no RecordingFinished
            // will ever come, so the walk hears "not saved" now instead of waiting forever.
            this.opts.log?.warn({ err: String(err), code: (err as { code?: string }).code, channel: s.channelId }, 'recording refused');
            this.onRecordingDone(s.channelId, false, name);
          }),
        );
      }
      case 'hangup':
        // A 404 (the caller hung up first) disposes the session like the hang-up events would.
        return this.enqueue(s, () => this.rest('DELETE', ch, { reason: 'normal' }));
    }
  }

  /** Runs `step` after the session's earlier requests, unless the session ended meanwhile. */
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
    // A 404 means the channel went away under us: the call is over. Anything else is logged.
    if (isStatus(err, 404)) return this.dispose(s);
    this.opts.log?.warn({ err: String(err), code: (err as { code?: string }).code, channel: s.channelId }, 'ARI request failed');
  }

  private logUnlessGone(err: unknown, channel: string, msg: string): void {
    if (!isStatus(err, 404)) this.opts.log?.warn({ err: String(err), code: (err as { code?: string }).code, channel }, msg);
  }

  /**
   * After the events socket came back: events of the gap are lost, so ask Asterisk where each
   * call stands. A channel that is gone ends its session; a prompt that finished meanwhile is
   * reported finished, so no walk waits forever for a PlaybackFinished that was never delivered.
   */
  private reconcile(): void {
    for (const s of [...this.sessions.values()]) {
      this.enqueue(s, async () => {
        const ch = await this.rest<AriChannel>('GET', `/channels/${enc(s.channelId)}`); // 404 → fail() disposes
        if (s.ringing || ch.state !== 'Up') return; // in the dialplan, or the answer is still on its way
        for (const [playbackId, playId] of [...s.playbacks]) {
          const live = await this.rest('GET', `/playbacks/${enc(playbackId)}`).then(
            () => true,
            (err) => (isStatus(err, 404) ? false : Promise.reject(err)),
          );
          if (live || !s.playbacks.has(playbackId)) continue;
          s.playbacks.delete(playbackId);
          s.playIds.delete(playId);
          this.playbackOwner.delete(playbackId);
          this.feed(s.channelId, { type: 'promptFinished', playId });
        }
      });
    }
  }

  private dispose(s: CallSession): void {
    if (s.ended) return;
    s.ended = true;
    s.walk.handle({ type: 'hangup' });
    for (const t of [s.collectTimer, s.startTimer, s.parkTimer]) if (t) this.clock.clearTimeout(t);
    for (const id of s.playbacks.keys()) this.playbackOwner.delete(id);
    this.sessions.delete(s.channelId);
    this.emit('callEnded', { channelId: s.channelId });
  }

  private rest<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T> {
    return this.opts.client.request<T>(method, path, query);
  }
}

const enc = encodeURIComponent;
const isStatus = (err: unknown, status: number) => err instanceof AriError && err.status === status;
