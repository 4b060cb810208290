// What the loader hands the lazily loaded softphone. The softphone never imports the loader (a
// second copy of the loader would run if the page loaded it under another URL), it is given
// everything: words, where the edge is, the audio element primed by the user's click.
import type { Strings } from '../button/strings.ts';
import type { ControlLabels } from '../shared/call-control-strings.ts';
import type { EndReason } from './end-reason.ts';

export interface SoftphoneHost {
  /** Where the call UI renders (inside the button's shadow root). */
  panel: HTMLElement;
  /** The aria-live region that speaks state changes. */
  status: HTMLElement;
  strings: Strings;
  /** The in-call controls' words in the page's language; absent: English. */
  controls?: ControlLabels;
  /** Who is being called, in words ("Ada"); absent for an owner with no name set (the strings word it). */
  calleeName?: string;
  target: string;
  /** INFO reaches another browser (embedded upstream); RFC 2833 is what Asterisk's IVR reads. */
  dtmfTransport: 'INFO' | 'RFC2833';
  /** Created and play()ed inside the click handler, so autoplay rules let remote audio through. */
  audio: HTMLAudioElement;
  ctx: AudioContext;
  /** The edge's base URL: the softphone asks it for a connect token (POST api/visitor/token). */
  edge: string;
  /** What the visitor typed as their name, shown to the person called. */
  visitorName?: string;
  onEnded(reason: EndReason): void;
  /** Mirrored onto the element as data-state, for styling and tests. */
  onState(state: CallState): void;
}

export type CallState = 'mic' | 'connecting' | 'ringing' | 'in-call' | 'ended';

export interface CallHandle {
  hangUp(): void;
}
