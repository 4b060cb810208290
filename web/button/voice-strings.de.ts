// The voice recorder's words in German (formal "Sie"), typed against the English ones
// (web/button/voice-strings.ts): a key added there and missing here fails `tsc`. Fetched by the
// recorder only for a widget whose language is German.
import { clock, type VoiceStrings } from './voice-strings.ts';

export const voiceStrings: VoiceStrings = {
  or: 'Oder hinterlassen Sie eine Sprachnachricht, statt zu tippen:',
  record: 'Sprachnachricht aufnehmen',
  limit: (seconds: number) => `Bis zu ${seconds < 120 ? `${seconds} Sekunden` : `${Math.round(seconds / 60)} Minuten`}. Ihr Browser fragt nach dem Mikrofon, wenn Sie auf Aufnehmen drücken.`,
  askingMic: 'Zugriff auf Ihr Mikrofon wird angefragt… Bitte erlauben Sie ihn, wenn Ihr Browser danach fragt.',
  recording: 'Aufnahme läuft…',
  left: (seconds: number) => `noch ${clock(seconds)}`,
  stop: 'Stopp',
  recorded: (seconds: number) => `Ihre Sprachnachricht (${clock(seconds)}). Hören Sie sie an und drücken Sie dann Senden.`,
  again: 'Neu aufnehmen',
  discard: 'Aufnahme löschen',
  micDenied: 'Der Zugriff auf das Mikrofon ist gesperrt. Erlauben Sie das Mikrofon für diese Website (Symbol in der Adressleiste) oder tippen Sie Ihre Nachricht.',
  micMissing: 'Es wurde kein Mikrofon gefunden. Bitte tippen Sie Ihre Nachricht.',
  failed: 'Die Aufnahme hat nicht funktioniert. Bitte tippen Sie Ihre Nachricht.',
};

