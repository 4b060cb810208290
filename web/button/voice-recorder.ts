// A short voice message recorded in the visitor's browser, offered by the message form when the
// owner can't be reached. Its own chunk: the form imports it only then, the loader never.
//
//   idle ──Record──▶ asking (microphone permission, asked only now) ──▶ recording (countdown)
//     ▲                  │ denied / no microphone: idle, and why                 │ Stop, or the cap
//     └──── Delete ──── recorded (listen back; Record again ─▶ asking) ◀──────────┘
//
// The form's Send uploads the recording (Opus in WebM or Ogg, whichever the browser records) to
// the edge, who in headers; the edge checks size, type and the container's first bytes again.
import { h } from '../shared/dom.ts';
import type { EdgeFailure } from './edge.ts';
import { voiceStrings, type VoiceStrings } from './voice-strings.ts';
import { elementLang, type Lang } from '../shared/lang.ts';

// Other languages' words, a chunk each (English is built in). A language added to
// web/shared/lang.ts without one here fails tsc.
const catalogues: Record<Exclude<Lang, 'en'>, () => Promise<{ voiceStrings: VoiceStrings }>> = {
  de: () => import('./voice-strings.de.ts'),
};

/** What the edge accepts (server/messages/voice-audio.ts), in the order we prefer them. */
const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus'];
/** Plenty for speech; the edge's size cap allows three times this. */
const BITS_PER_SECOND = 32_000;

const CSS = `.voice{display:flex;flex-direction:column;gap:.4em;border-top:1px solid var(--bd);padding-top:.6em}
.voice p{margin:0}.voice audio{width:100%}
.voice .count{font-variant-numeric:tabular-nums;font-weight:600}
.voice .rec::before{content:"";display:inline-block;width:.7em;height:.7em;border-radius:50%;background:var(--d);margin-right:.4em;vertical-align:-.05em}
.voice .hint{font-size:.88em;opacity:.85}`;

export type VoiceState = 'idle' | 'asking' | 'recording' | 'recorded';

export interface VoiceRecorderOptions {
  /** Where the recorder shows itself (in the form); its language is the widget's there. */
  slot: HTMLElement;
  maxSeconds: number;
  /** The widget's status line (errors are said there). */
  say(text: string): void;
  /** A recording now exists (true) or no longer does: the form makes its text optional. */
  changed(recorded: boolean): void;
}

export interface VoiceRecorder {
  recorded(): boolean;
  /** Uploads the recording; rejects with an EdgeFailure like the form's own sending. */
  send(edge: string, who: { name: string; number: string; message: string }): Promise<void>;
  /** Releases the microphone and the recording (the form is closing). */
  dispose(): void;
}

/** Shows the recorder in `o.slot`; null (and nothing shown) when this browser cannot record Opus in a container the edge takes. */
export async function voiceRecorder(o: VoiceRecorderOptions): Promise<VoiceRecorder | null> {
  const type = typeof MediaRecorder === 'undefined' ? undefined : TYPES.find((t) => MediaRecorder.isTypeSupported(t));
  if (!type || !navigator.mediaDevices?.getUserMedia) return null;
  const lang = elementLang(o.slot);
  const S = lang === 'en' ? voiceStrings : await catalogues[lang]().then((c) => c.voiceStrings, () => voiceStrings);
  const record = h('button', { type: 'button', className: 'rec', textContent: S.record });
  const stop = h('button', { type: 'button', textContent: S.stop });
  const again = h('button', { type: 'button', textContent: S.again });
  const discard = h('button', { type: 'button', textContent: S.discard });
  const count = h('span', { className: 'count', attrs: { role: 'timer' } });
  const player = h('audio', { controls: true, preload: 'metadata' });
  const said = h('p', {});
  const el = h('div', { className: 'voice' }, h('style', { textContent: CSS }), said);

  let stream: MediaStream | undefined;
  let recorder: MediaRecorder | undefined;
  let blob: Blob | undefined;
  let seconds = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let cap: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const show = (state: VoiceState, ...kids: (Node | string)[]) => {
    el.dataset.state = state;
    el.replaceChildren(el.firstChild!, ...kids);
  };
  const idle = () => {
    show('idle', h('p', {}, S.or), h('div', { className: 'row' }, record), h('p', { className: 'hint' }, S.limit(o.maxSeconds)));
  };
  const release = () => {
    clearInterval(ticker);
    clearTimeout(cap);
    stream?.getTracks().forEach((t) => t.stop());
    stream = undefined;
  };
  const forget = () => {
    if (player.src) URL.revokeObjectURL(player.src);
    player.removeAttribute('src');
    blob = undefined;
    o.changed(false);
  };

  const start = async () => {
    forget();
    show('asking', h('p', {}, S.askingMic));
    try {
      // Asked here, inside the visitor's press of Record, never before.
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      if (disposed) return release();
    } catch (e) {
      const name = (e as DOMException).name;
      idle();
      o.say(name === 'NotAllowedError' || name === 'SecurityError' ? S.micDenied : name === 'NotFoundError' ? S.micMissing : S.failed);
      return;
    }
    const chunks: Blob[] = [];
    const rec = new MediaRecorder(stream, { mimeType: type, audioBitsPerSecond: BITS_PER_SECOND });
    recorder = rec;
    rec.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
    rec.onstop = () => {
      release();
      if (recorder !== rec) return; // disposed meanwhile
      blob = new Blob(chunks, { type: rec.mimeType || type });
      player.src = URL.createObjectURL(blob);
      show('recorded', h('p', {}, S.recorded(seconds)), player, h('div', { className: 'row' }, again, discard));
      o.changed(true);
      again.focus();
    };
    rec.onerror = () => { release(); recorder = undefined; idle(); o.say(S.failed); };
    const began = performance.now();
    seconds = 0;
    const tick = () => {
      seconds = Math.min(o.maxSeconds, (performance.now() - began) / 1000);
      count.textContent = S.left(o.maxSeconds - seconds);
    };
    tick();
    rec.start(1000);
    ticker = setInterval(tick, 250);
    // The hard cap: the recorder stops itself, whatever the visitor does.
    cap = setTimeout(() => { tick(); seconds = o.maxSeconds; if (rec.state === 'recording') rec.stop(); }, o.maxSeconds * 1000);
    show('recording', h('p', { className: 'rec' }, S.recording, ' ', count), h('div', { className: 'row' }, stop));
    stop.focus();
  };

  record.onclick = again.onclick = () => void start();
  stop.onclick = () => { if (recorder?.state === 'recording') recorder.stop(); };
  discard.onclick = () => { forget(); idle(); record.focus(); };
  idle();
  o.slot.replaceChildren(el);
  o.slot.hidden = false;

  return {
    recorded: () => blob !== undefined,
    async send(edge, who) {
      const headers: Record<string, string> = {
        'content-type': blob!.type,
        'x-homeline-name': encodeURIComponent(who.name),
        'x-homeline-seconds': seconds.toFixed(1),
      };
      if (who.number) headers['x-homeline-number'] = encodeURIComponent(who.number);
      if (who.message) headers['x-homeline-text'] = encodeURIComponent(who.message);
      let res: Response;
      try {
        res = await fetch(new URL('api/voice-message', edge), { method: 'POST', headers, body: blob });
      } catch (e) {
        throw { status: 0, code: 'HL_NETWORK', message: String(e) } satisfies EdgeFailure;
      }
      if (res.ok) return;
      const json = await res.json().catch(() => ({}));
      throw { status: res.status, code: json.code ?? `HL_HTTP_${res.status}`, message: json.message ?? res.statusText, retryAfterSeconds: json.retryAfterSeconds } satisfies EdgeFailure;
    },
    dispose() {
      disposed = true;
      recorder = undefined;
      release();
      forget();
    },
  };
}
