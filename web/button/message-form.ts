// The call button's "leave a message or ask for a callback" form: offered when the owner cannot
// be reached, after a missed call, or by the menu. The loader fetches this module on demand, as it
// does the softphone and the menu, so the form and the shared h() cost the loader nothing.
//
//   editing ──submit──▶ sending ──201──▶ sent (the loader removes the form and thanks)
//      ▲                   │
//      └───── failed ◀─────┘ (429: "try again in…"; anything else: "couldn't be sent")
//   editing ──cancel──▶ closed (back to the menu, or to the button)
import { h } from '../shared/dom.ts';
import { usePanelStyles } from './panel-styles.ts';
import { postJson, type EdgeError, type EdgeStatus } from '../shared/api.ts';
import type { Strings } from './strings.ts';
import type { VoiceRecorder } from './voice-recorder.ts';

export interface MessageFormOptions {
  strings: Strings;
  /** Why the form is offered (from the menu), shown above the fields. */
  intro?: string;
  /** A callback request: the number is required. */
  needNumber: boolean;
  /** The name the visitor already typed next to the button, if any. */
  name: string;
  /** The edge's base URL: the form posts to its api/ivr/message (and a voice message beside it). */
  edge: string;
  /** What the edge last said: an unreachable owner gets a voice message offered (voice-recorder.ts). */
  status?: EdgeStatus;
  say(text: string): void;
  sent(): void;
  cancel(): void;
}

export function messageForm(o: MessageFormOptions): { el: HTMLFormElement; focus(): void } {
  const S = o.strings;
  const name = h('input', { type: 'text', required: true, autocomplete: 'name', maxLength: 80, value: o.name });
  const number = h('input', { type: 'tel', autocomplete: 'tel', maxLength: 32, required: o.needNumber });
  const message = h('textarea', { rows: 3, maxLength: 1000, required: true });
  const send = h('button', { type: 'submit', className: 'primary', textContent: S.send });
  const cancel = h('button', { type: 'button', textContent: S.cancel });
  const voiceSlot = h('div', { hidden: true });
  let voice: VoiceRecorder | null = null;
  if (o.edge && o.status?.voice && !o.status.owner.reachable) {
    const maxSeconds = o.status.voice.maxSeconds;
    import('./voice-recorder.ts').then(async (m) => {
      voice = await m.voiceRecorder({ slot: voiceSlot, maxSeconds, say: o.say, changed: (has) => { message.required = !has; } });
    }, () => {});
  }
  const form = h('form', { className: 'panel', attrs: { 'aria-label': S.messageTitle } },
    h('strong', {}, S.messageTitle),
    o.intro ? h('p', {}, o.intro) : '',
    h('label', {}, S.nameLabel, name),
    h('label', {}, o.needNumber ? S.callbackNumberLabel : S.numberLabel, number),
    h('label', {}, S.messageLabel, message),
    voiceSlot,
    h('div', { className: 'row' }, send, cancel));
  cancel.onclick = () => (voice?.dispose(), o.cancel());
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    send.disabled = true;
    o.say(S.sending);
    try {
      const m = { name: name.value.trim(), number: number.value.trim(), message: message.value.trim() };
      await (voice?.recorded() ? voice.send(o.edge, m) : postJson(o.edge, 'api/ivr/message', m));
      voice?.dispose();
      o.sent();
    } catch (e) {
      const f = e as EdgeError;
      o.say(f.status === 429 ? S.reasons.rateLimited(f.retryAfterSeconds) : f.code === 'HL_BLOCKED' ? S.reasons.blocked : S.messageFailed);
      send.disabled = false;
    }
  };
  return { el: form, focus: () => { usePanelStyles(form); name.focus(); } };
}
