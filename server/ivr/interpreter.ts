// The IVR interpreter: one caller's walk through a menu tree. Pure: events in, commands out,
// no I/O and no timers (the ARI adapter owns those and reports back with the ids it was given).
//
//            start
//              │
//              ▼          digit = option ──► action (goto → enter node; say → prompt, re-enter)
//   ┌──► [menu: prompts → listen] ── `*` back / `#` repeat
//   │          │  bad digit / timeout ──► invalid prompt, re-prompt; too many ──► fallback
//   │          ├─► [collect: N digits, `#` restart] ── match+allowed ──► [ringing]
//   │          ├─► [callback entry: digits then `#`] ──► saveCallback, thanks, hang up
//   │          ├─► [recording] ── recordResult ──► thanks, hang up
//   │          └─► [ringing] ── answered ──► ended (caller is with a person)
//   │                          no answer/busy/failed ──► noAnswer fallback
//   │              (owner unavailable, do-not-disturb: no ringing, straight to the noAnswer fallback)
//   └────────────── goto / say / `*` / `#` ◄──────────────────────┘
//
// Prompts queue up; a digit while a prompt plays in a listening mode stops it (barge-in).
// Every `play` has a playId and every `collect` a timerId so late PlaybackFinished and timer
// events from the adapter are recognised and ignored.
import { actionKind, type Action, type Fallback, type Menu, type MenuNode, type Prompt } from './menu-schema.ts';
import { matchesExt, parseExtPattern } from './ext-pattern.ts';

export type RingOutcome = 'answered' | 'noAnswer' | 'busy' | 'failed';

export type IvrEvent =
  | { type: 'start'; caller?: string }
  | { type: 'digit'; digit: string }
  | { type: 'promptFinished'; playId: number }
  | { type: 'timeout'; timerId: number }
  | { type: 'ringResult'; outcome: RingOutcome }
  | { type: 'recordResult'; ok: boolean }
  | { type: 'hangup' };

export type IvrMode = 'menu' | 'collect' | 'callback' | 'ringing' | 'recording' | 'finishing' | 'ended';

export type IvrCommand =
  | { type: 'play'; playId: number; prompt: Prompt }
  | { type: 'stopPlay'; playId: number }
  | { type: 'collect'; timerId: number; timeoutMs: number }
  | { type: 'stopCollect' }
  | { type: 'ring'; extensions: string[]; number?: string; timeoutSeconds: number }
  | { type: 'record'; kind: 'name' | 'message'; maxSeconds: number }
  | { type: 'saveCallback'; number: string; source: 'caller' | 'entered' }
  | { type: 'hangup' }
  | { type: 'nodeChanged'; node: string; mode: IvrMode; entered?: string };

export interface InterpreterOptions {
  menu: Menu;
  /** Extensions a collected number may ring; undefined = anything the pattern matches (owner trees). */
  allowedExtensions?: readonly string[];
  /** Expansion of `ring.group: owner`. */
  ownerGroup: readonly string[];
  /**
   * Whether the owner takes calls now: the same switch the direct route asks before it answers
   * HL_OWNER_DND (issue 10 (6)). Asked at each ring step of home extensions; false takes the
   * step's "owner unavailable" branch, its noAnswer fallback (leave word), without ringing.
   * Absent: always available (owner trees, tests).
   */
  ownerAvailable?: () => boolean;
}

type Then =
  | { kind: 'listen' }
  | { kind: 'enter'; node: string; push: boolean; repeat: boolean }
  | { kind: 'ring'; extensions: string[]; number?: string; timeoutSeconds: number; noAnswer?: Fallback }
  | { kind: 'record'; kind2: 'name' | 'message'; maxSeconds: number; thanks?: Prompt }
  | { kind: 'hangup' };

/** Words the interpreter says when the menu leaves them out (pre-rendered like menu prompts). */
export const BUILTIN_PROMPTS = {
  noAnswer: 'Sorry, nobody answered. Goodbye.',
  notRecorded: 'Sorry, nothing was recorded. Goodbye.',
  thanks: 'Thank you. Goodbye.',
  enterNumber: 'Enter the number, then press hash.',
} as const;

const DEFAULT_NO_ANSWER: Fallback = { hangup: { prompt: BUILTIN_PROMPTS.noAnswer } };
const GOODBYE: Fallback = { hangup: {} };

export class MenuWalk {
  mode: IvrMode = 'menu';
  node: string;
  private stack: string[] = [];
  private failures = 0;
  private timeouts = 0;
  private buffer = '';
  private queue: Prompt[] = [];
  private playing: number | null = null;
  private then: Then = { kind: 'listen' };
  private timerId: number | null = null;
  private seq = 0;
  private caller = '';
  private started = false;
  private action: Action | null = null;
  private noAnswer: Fallback | undefined;
  private thanks: Prompt | undefined;
  private out: IvrCommand[] = [];

  constructor(private readonly opts: InterpreterOptions) {
    this.node = opts.menu.start;
  }

  handle(ev: IvrEvent): IvrCommand[] {
    this.out = [];
    if (this.mode === 'ended' && ev.type !== 'start') return [];
    switch (ev.type) {
      case 'start':
        if (this.started) break;
        this.started = true;
        this.caller = ev.caller ?? '';
        this.enter(this.opts.menu.start, false, false);
        break;
      case 'promptFinished':
        if (ev.playId !== this.playing) break;
        this.playing = null;
        this.drain();
        break;
      case 'timeout':
        if (ev.timerId !== this.timerId) break;
        this.timerId = null;
        this.onTimeout();
        break;
      case 'digit':
        this.onDigit(ev.digit);
        break;
      case 'ringResult':
        if (this.mode !== 'ringing') break;
        if (ev.outcome === 'answered') this.end();
        else this.doAction(this.noAnswer ?? this.opts.menu.defaults.noAnswer ?? DEFAULT_NO_ANSWER);
        break;
      case 'recordResult':
        if (this.mode !== 'recording') break;
        this.finish(this.thanks ?? (ev.ok ? undefined : BUILTIN_PROMPTS.notRecorded));
        break;
      case 'hangup':
        this.mode = 'ended';
        this.timerId = null;
        break;
    }
    return this.out;
  }

  private get current(): MenuNode {
    return this.opts.menu.nodes[this.node]!;
  }

  private setting<K extends 'timeoutSeconds' | 'interDigitSeconds' | 'maxFailures' | 'maxTimeouts'>(k: K): number {
    return this.current[k] ?? this.opts.menu.defaults[k];
  }

  // ── prompt queue ────────────────────────────────────────────────────────────
  private say(prompts: (Prompt | undefined)[], then: Then): void {
    this.stopListening();
    this.queue.push(...(prompts.filter(Boolean) as Prompt[]));
    this.then = then;
    if (this.playing === null) this.drain();
  }

  private drain(): void {
    const next = this.queue.shift();
    if (next !== undefined) {
      this.playing = ++this.seq;
      this.out.push({ type: 'play', playId: this.playing, prompt: next });
      return;
    }
    const then = this.then;
    this.then = { kind: 'listen' };
    switch (then.kind) {
      case 'listen':
        return this.listen();
      case 'enter':
        return this.enter(then.node, then.push, then.repeat);
      case 'ring':
        this.mode = 'ringing';
        this.noAnswer = then.noAnswer;
        this.changed();
        this.out.push({ type: 'ring', extensions: then.extensions, timeoutSeconds: then.timeoutSeconds, ...(then.number ? { number: then.number } : {}) });
        return;
      case 'record':
        this.mode = 'recording';
        this.thanks = then.thanks;
        this.changed();
        this.out.push({ type: 'record', kind: then.kind2, maxSeconds: then.maxSeconds });
        return;
      case 'hangup':
        this.out.push({ type: 'hangup' });
        return this.end();
    }
  }

  private bargeIn(): void {
    if (this.playing !== null) this.out.push({ type: 'stopPlay', playId: this.playing });
    this.playing = null;
    this.queue = [];
  }

  private listen(): void {
    const seconds = this.buffer ? this.setting('interDigitSeconds') : this.listenSeconds();
    this.timerId = ++this.seq;
    this.out.push({ type: 'collect', timerId: this.timerId, timeoutMs: Math.round(seconds * 1000) });
  }

  private listenSeconds(): number {
    if (this.mode === 'collect' && this.action?.collect) return this.action.collect.firstDigitSeconds ?? this.setting('timeoutSeconds');
    return this.setting('timeoutSeconds');
  }

  private stopListening(): void {
    if (this.timerId !== null) this.out.push({ type: 'stopCollect' });
    this.timerId = null;
  }

  // ── nodes ───────────────────────────────────────────────────────────────────
  private enter(node: string, push: boolean, repeat: boolean): void {
    if (push && node !== this.node) {
      // Walking into a node already on the path truncates it, so `*` never loops.
      const i = this.stack.indexOf(node);
      if (i >= 0) this.stack.length = i;
      else this.stack.push(this.node);
    }
    if (node !== this.node || !repeat) {
      this.failures = 0;
      this.timeouts = 0;
    }
    this.node = node;
    this.mode = 'menu';
    this.buffer = '';
    this.action = null;
    this.changed();
    const n = this.current;
    this.say([repeat ? (n.shortPrompt ?? n.prompt) : n.prompt], { kind: 'listen' });
  }

  private changed(): void {
    this.out.push({ type: 'nodeChanged', node: this.node, mode: this.mode, ...(this.buffer ? { entered: this.buffer } : {}) });
  }

  private end(): void {
    this.mode = 'ended';
    this.timerId = null;
    this.changed();
  }

  private finish(prompt: Prompt | undefined): void {
    this.mode = 'finishing';
    this.changed();
    this.say([prompt], { kind: 'hangup' });
  }

  // ── input ───────────────────────────────────────────────────────────────────
  private onDigit(d: string): void {
    if (!/^[0-9*#]$/.test(d)) return;
    if (this.mode === 'menu') return this.menuDigit(d);
    if (this.mode === 'collect') return this.collectDigit(d);
    if (this.mode === 'callback') return this.callbackDigit(d);
    // ringing, recording, finishing: digits belong to Asterisk (e.g. # ends a recording)
  }

  private menuDigit(d: string): void {
    this.bargeIn();
    const n = this.current;
    if (d === '*') {
      const target = n.back ?? this.stack.pop() ?? this.opts.menu.start;
      if (n.back) this.stack.length = Math.max(0, this.stack.lastIndexOf(target));
      return this.say([], { kind: 'enter', node: target, push: false, repeat: target === this.node });
    }
    if (d === '#') return this.say([], { kind: 'enter', node: this.node, push: false, repeat: true });
    const opt = n.options[d];
    if (!opt) return this.fail(false);
    this.doAction(opt);
  }

  private collectDigit(d: string): void {
    const c = this.action!.collect!;
    this.bargeIn();
    if (d === c.restartKey) {
      this.buffer = '';
      this.changed();
      return this.say([], { kind: 'listen' });
    }
    if (d === '*' || d === '#') return this.say([], { kind: 'enter', node: this.node, push: false, repeat: true });
    this.buffer += d;
    this.changed();
    if (this.buffer.length < c.digits) return this.say([], { kind: 'listen' });
    const ext = this.buffer;
    const sets = parseExtPattern(c.pattern);
    const allowed = this.opts.allowedExtensions;
    if (sets && matchesExt(sets, ext) && (!allowed || allowed.includes(ext))) {
      return this.ring([], { kind: 'ring', extensions: [ext], timeoutSeconds: c.timeoutSeconds, noAnswer: c.noAnswer });
    }
    this.buffer = '';
    this.fail(false, c.invalid);
  }

  private callbackDigit(d: string): void {
    const cb = this.action!.callback!;
    this.bargeIn();
    if (d === '*') return this.say([], { kind: 'enter', node: this.node, push: false, repeat: true });
    if (d === '#') return this.buffer.length >= cb.minDigits ? this.saveEntered() : ((this.buffer = ''), this.fail(false));
    this.buffer += d;
    this.changed();
    if (this.buffer.length >= cb.maxDigits) return this.saveEntered();
    this.say([], { kind: 'listen' });
  }

  private saveEntered(): void {
    const cb = this.action!.callback!;
    this.out.push({ type: 'saveCallback', number: this.buffer, source: 'entered' });
    this.buffer = '';
    this.finish(cb.thanks ?? BUILTIN_PROMPTS.thanks);
  }

  private onTimeout(): void {
    if (this.mode === 'callback' && this.action?.callback && this.buffer.length >= this.action.callback.minDigits) return this.saveEntered();
    // A half-typed number that stalls is a wrong entry, not silence.
    if (this.buffer) {
      this.buffer = '';
      return this.fail(false, this.action?.collect?.invalid);
    }
    this.fail(true);
  }

  /** One more invalid entry or timeout; re-prompt, or give up after the node's limit. */
  private fail(timeout: boolean, invalid?: Prompt): void {
    const over = timeout ? ++this.timeouts >= this.setting('maxTimeouts') : ++this.failures >= this.setting('maxFailures');
    if (over) {
      const n = this.current;
      const fallback = n.onTooManyFailures ?? this.opts.menu.defaults.onTooManyFailures ?? GOODBYE;
      // The apology plays first; the fallback's own prompts queue behind it and set what follows.
      this.say([n.tooManyFailures ?? this.opts.menu.defaults.tooManyFailures], { kind: 'listen' });
      return this.doAction(fallback);
    }
    const reprompt = this.reprompt();
    this.say(timeout ? [reprompt] : [invalid ?? this.current.invalid ?? this.opts.menu.defaults.invalid, reprompt], { kind: 'listen' });
  }

  private reprompt(): Prompt {
    if (this.mode === 'collect') return this.action!.collect!.prompt;
    if (this.mode === 'callback') return this.action!.callback!.prompt ?? BUILTIN_PROMPTS.enterNumber;
    return this.current.shortPrompt ?? this.current.prompt;
  }

  /** A ring of home extensions, unless the owner is not taking calls: then the leave-word branch. */
  private ring(prompts: (Prompt | undefined)[], then: Extract<Then, { kind: 'ring' }>): void {
    // Nobody to ring (DND, or no phone of the owner's rings at this hour): straight to leave-word.
    if ((this.opts.ownerAvailable && !this.opts.ownerAvailable()) || (then.extensions.length === 0 && !then.number)) {
      this.buffer = '';
      return this.doAction(then.noAnswer ?? this.opts.menu.defaults.noAnswer ?? DEFAULT_NO_ANSWER);
    }
    this.say(prompts, then);
  }

  // ── actions ─────────────────────────────────────────────────────────────────
  private doAction(a: Action | Fallback): void {
    const act = a as Action;
    switch (actionKind(act)) {
      case 'goto':
        return this.say([], { kind: 'enter', node: act.goto!, push: true, repeat: false });
      case 'say':
        return this.say([act.say!.prompt], { kind: 'enter', node: act.say!.next ?? this.node, push: act.say!.next !== undefined, repeat: true });
      case 'hangup':
        return this.finish(act.hangup!.prompt);
      case 'record': {
        const r = act.record!;
        return this.say([r.prompt], { kind: 'record', kind2: r.kind, maxSeconds: r.maxSeconds, thanks: r.thanks });
      }
      case 'callback': {
        const cb = act.callback!;
        this.action = act;
        if (cb.number === 'caller') {
          this.out.push({ type: 'saveCallback', number: this.caller || 'unknown', source: 'caller' });
          return this.finish(cb.thanks ?? BUILTIN_PROMPTS.thanks);
        }
        this.mode = 'callback';
        this.buffer = '';
        this.failures = 0;
        this.timeouts = 0;
        this.changed();
        return this.say([cb.prompt ?? BUILTIN_PROMPTS.enterNumber], { kind: 'listen' });
      }
      case 'collect':
        this.action = act;
        this.mode = 'collect';
        this.buffer = '';
        this.failures = 0;
        this.timeouts = 0;
        this.changed();
        return this.say([act.collect!.prompt], { kind: 'listen' });
      case 'ring': {
        const r = act.ring!;
        const extensions = r.group === 'owner' ? [...this.opts.ownerGroup] : [...(r.extensions ?? [])];
        return this.ring([r.prompt], { kind: 'ring', extensions, timeoutSeconds: r.timeoutSeconds, noAnswer: r.noAnswer });
      }
      case 'dialOut': {
        const d = act.dialOut!;
        return this.say([d.prompt], { kind: 'ring', extensions: [], number: d.number, timeoutSeconds: d.timeoutSeconds, noAnswer: d.noAnswer });
      }
    }
  }
}
