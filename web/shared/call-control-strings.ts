// The words of the in-call controls (web/softphone/call-controls.ts): the same for the visitor's
// call button and the owner's console, so one module to translate for both. The softphone chunk
// and the console import it; the button's loader does not (it would make a chunk shared with the
// console and cost the loader a second request), its own words are in web/button/strings.ts.
export interface ControlLabels {
  mute: string;
  unmute: string;
  hangUp: string;
  keypad: string;
  keypadTitle: string;
  digit: (d: string) => string;
  sentDigits: string;
  timer: string;
  output: string;
  input: string;
  defaultDevice: string;
}

export const controlStrings: ControlLabels = {
  mute: 'Mute',
  unmute: 'Unmute',
  hangUp: 'Hang up',
  keypad: 'Keypad',
  keypadTitle: 'Keypad: send tones',
  digit: (d: string) => `Send ${d}`,
  sentDigits: 'Sent:',
  timer: 'Call time',
  output: 'Speaker',
  input: 'Microphone',
  defaultDevice: 'Default',
};
