// The in-call controls' words in German, typed against the English ones
// (web/shared/call-control-strings.ts): a label added there and missing here fails `tsc`.
import type { ControlLabels } from './call-control-strings.ts';

export const controlStrings: ControlLabels = {
  mute: 'Stummschalten',
  unmute: 'Stummschaltung aufheben',
  hangUp: 'Auflegen',
  keypad: 'Tastenfeld',
  keypadTitle: 'Tastenfeld: Töne senden',
  digit: (d: string) => `${d} senden`,
  sentDigits: 'Gesendet:',
  timer: 'Gesprächsdauer',
  output: 'Lautsprecher',
  input: 'Mikrofon',
  defaultDevice: 'Standard',
};
