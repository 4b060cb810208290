// In-call controls shared by the visitor's softphone and the owner's console: timer, mute,
// keypad (DTMF), hang up, speaker and microphone choice where the browser allows it.
import { h, formatDuration } from '../shared/dom.ts';
import type { ControlLabels } from '../shared/call-control-strings.ts';
import { canChooseOutput, chooseInput, chooseOutput, listDevices } from './media.ts';


export interface ControlActions {
  setMuted(muted: boolean): void;
  sendDigit(d: string): void;
  hangUp(): void;
  peer(): RTCPeerConnection | undefined;
  /** Current microphone stream; replaced when the user picks another input. */
  mic: MediaStream;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function callControls(labels: ControlLabels, audio: HTMLAudioElement, act: ControlActions) {
  const timer = h('span', { className: 'timer', attrs: { role: 'timer', 'aria-label': labels.timer } }, '00:00');
  const mute = h('button', { type: 'button', textContent: labels.mute, attrs: { 'aria-pressed': 'false' } });
  const hang = h('button', { type: 'button', className: 'danger', textContent: labels.hangUp });
  const keypadBtn = h('button', { type: 'button', textContent: labels.keypad, attrs: { 'aria-expanded': 'false' } });
  const sent = h('output', { attrs: { 'aria-live': 'polite' } });
  const keys = h('div', { className: 'keys', hidden: true, attrs: { role: 'group', 'aria-label': labels.keypadTitle } },
    ...DIGITS.map((d) => {
      const b = h('button', { type: 'button', textContent: d, attrs: { 'aria-label': labels.digit(d), 'data-digit': d } });
      b.onclick = () => { act.sendDigit(d); sent.textContent = `${labels.sentDigits} ${(sent.textContent?.replace(labels.sentDigits, '').trim() ?? '') + d}`; };
      return b;
    }));
  const devices = h('div', { className: 'row devices' });

  let muted = false;
  mute.onclick = () => {
    muted = !muted;
    act.setMuted(muted);
    mute.textContent = muted ? labels.unmute : labels.mute;
    mute.setAttribute('aria-pressed', String(muted));
  };
  hang.onclick = () => act.hangUp();
  keypadBtn.onclick = () => {
    keys.hidden = !keys.hidden;
    keypadBtn.setAttribute('aria-expanded', String(!keys.hidden));
    if (!keys.hidden) keys.querySelector('button')?.focus();
  };
  // Typing digits on a keyboard works too while the controls have focus.
  const el = h('div', { className: 'controls' },
    h('div', { className: 'row' }, timer, mute, keypadBtn, hang), keys, sent, devices);
  el.addEventListener('keydown', (e) => {
    if (DIGITS.includes(e.key) && !(e.target instanceof HTMLSelectElement)) { e.preventDefault(); keys.querySelector<HTMLButtonElement>(`[data-digit="${CSS.escape(e.key)}"]`)?.click(); }
  });

  let started = 0;
  let tick: ReturnType<typeof setInterval> | undefined;

  async function deviceChoice() {
    const picker = async (kind: 'audioinput' | 'audiooutput', label: string, apply: (id: string) => Promise<unknown>) => {
      const list = await listDevices(kind);
      if (list.length < 2) return;
      const sel = h('select', {}, h('option', { value: '', textContent: labels.defaultDevice }),
        ...list.map((d, i) => h('option', { value: d.deviceId, textContent: d.label || `${label} ${i + 1}` })));
      sel.onchange = () => { if (sel.value) void apply(sel.value).catch(() => {}); };
      devices.append(h('label', {}, label, sel));
    };
    if (canChooseOutput(audio)) await picker('audiooutput', labels.output, (id) => chooseOutput(audio, id) ?? Promise.resolve());
    await picker('audioinput', labels.input, async (id) => {
      const pc = act.peer();
      if (pc) act.mic = await chooseInput(pc, id, act.mic);
    });
  }

  return {
    el,
    start() {
      started = Date.now();
      tick = setInterval(() => { timer.textContent = formatDuration(Date.now() - started); }, 1000);
      void deviceChoice();
      mute.focus();
    },
    stop() { clearInterval(tick); },
    get elapsedMs() { return started ? Date.now() - started : 0; },
  };
}
