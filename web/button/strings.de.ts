// The call button's words in German (formal "Sie", gender-neutral). Typed against the English
// catalogue (web/button/strings.ts): a key added there and missing here fails `tsc`.
// The loader fetches this module as a chunk of its own, only for a page (or element) with lang="de…".
import type { Strings } from './strings.ts';

// Without a configured name (owner.name unset: `name` undefined) each sentence is worded without
// one: no stand-in noun ("der Inhaber") that would need a gender.

/** A sentence's first letter in capitals (as strings.ts; kept here so this chunk imports no code from the loader). */
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const offline = (name?: string) => (name ? cap(`${name} ist gerade nicht erreichbar.`) : 'Gerade ist niemand erreichbar.');
const dnd = (name?: string) => (name ? cap(`${name} nimmt gerade keine Anrufe entgegen.`) : 'Gerade werden keine Anrufe entgegengenommen.');

export const strings: Strings = {
  defaultLabel: 'Anrufen',
  checking: 'Es wird geprüft, ob ein Anruf möglich ist…',
  available: (name?: string) => (name ? cap(`${name} ist erreichbar.`) : 'Ein Anruf ist jetzt möglich.'),
  offline,
  dnd,
  backAt: {
    today: (time: string) => `Wieder erreichbar um ${time} Uhr.`,
    tomorrow: (time: string) => `Wieder erreichbar morgen um ${time} Uhr.`,
    weekday: (day: string, time: string) => `Wieder erreichbar am ${day} um ${time} Uhr.`,
  },
  statusUnknown: 'Es lässt sich gerade nicht prüfen, ob ein Anruf möglich ist.',
  originForbidden: 'Diese Website darf keine Anrufe aufbauen. (Hinweis für die Verwaltung der Website: siehe Browser-Konsole.)',
  leaveMessage: 'Nachricht hinterlassen',
  messageTitle: 'Nachricht hinterlassen oder um Rückruf bitten',
  callbackNumberLabel: 'Telefonnummer für den Rückruf',
  nameLabel: 'Ihr Name',
  numberLabel: 'Telefonnummer für einen Rückruf (optional)',
  messageLabel: 'Nachricht',
  send: 'Senden',
  cancel: 'Abbrechen',
  sending: 'Wird gesendet…',
  messageSent: 'Vielen Dank, Ihre Nachricht wurde gesendet.',
  messageFailed: 'Die Nachricht konnte leider nicht gesendet werden. Bitte versuchen Sie es später noch einmal.',
  optionalName: 'Ihr Name (optional, wird der angerufenen Person angezeigt)',
  loading: 'Wird geladen…',
  loadFailed: 'Das Telefon konnte nicht geladen werden. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  close: 'Schließen',

  askingMic: 'Zugriff auf Ihr Mikrofon wird angefragt… Bitte erlauben Sie ihn, wenn Ihr Browser danach fragt.',
  connecting: 'Verbindung wird aufgebaut…',
  ringing: (name?: string) => (name ? `Es klingelt bei ${name}…` : 'Es klingelt…'),
  inCall: (name?: string) => (name ? `Im Gespräch mit ${name}` : 'Im Gespräch'),
  reconnecting: 'Verbindung unterbrochen, neuer Versuch…',
  ended: 'Anruf beendet.',
  callAgain: 'Erneut anrufen',
  callLabel: (label: string) => label,

  ivr: {
    menuLabel: 'Sprachmenü',
    loading: 'Das Menü wird geladen…',
    loadFailed: 'Das Menü konnte nicht geladen werden. Bitte versuchen Sie es später noch einmal.',
    choices: 'Auswahl',
    option: (key: string, label: string) => `${key}: ${label}`,
    back: 'Zurück',
    repeat: 'Wiederholen',
    close: 'Menü schließen',
    keysHint: 'Wählen Sie mit einer Zifferntaste, * geht zurück, # wiederholt.',
    keysHintTop: 'Wählen Sie mit einer Zifferntaste, # wiederholt.',
    formFor: {
      message: 'Hinterlassen Sie Ihren Namen und eine kurze Nachricht, damit Ihr Anruf nicht verloren geht.',
      callback: 'Hinterlassen Sie Ihren Namen und die Nummer, unter der Sie zurückgerufen werden möchten.',
      extension: 'Durchwahlen sind nur über die Telefonanlage erreichbar. Hinterlassen Sie stattdessen eine Nachricht; sie wird weitergegeben.',
    },
    noText: 'Zu dieser Auswahl gibt es nichts weiter anzuzeigen.',
    ownerOffline: (name?: string) => `${offline(name)} Hinterlassen Sie stattdessen eine Nachricht.`,
    ownerDnd: (name?: string) => `${dnd(name)} Hinterlassen Sie stattdessen eine Nachricht.`,
    mode: {
      collect: 'Geben Sie die Durchwahl über das Tastenfeld ein, dann #.',
      callback: 'Geben Sie Ihre Nummer über das Tastenfeld ein, dann #.',
      ringing: 'Es klingelt, bitte bleiben Sie dran…',
      recording: 'Aufnahme: Sprechen Sie nach dem Ton, dann drücken Sie #.',
      finishing: '',
      ended: '',
    },
  },

  reasons: {
    micDenied:
      'Der Mikrofonzugriff ist blockiert. Erlauben Sie das Mikrofon für diese Website (Symbol in der Adressleiste) und klicken Sie dann auf „Erneut anrufen“.',
    micMissing: 'Es wurde kein Mikrofon gefunden. Schließen Sie eines an oder wählen Sie ein anderes Gerät und klicken Sie dann auf „Erneut anrufen“.',
    micBusy: 'Ihr Mikrofon wird von einer anderen Anwendung verwendet. Schließen Sie diese und klicken Sie dann auf „Erneut anrufen“.',
    hungUpByYou: 'Sie haben aufgelegt.',
    hungUpByOther: (name?: string) => (name ? cap(`${name} hat aufgelegt.`) : 'Am anderen Ende wurde aufgelegt.'),
    declined: (name?: string) => (name ? cap(`${name} hat den Anruf abgelehnt.`) : 'Der Anruf wurde abgelehnt.'),
    busy: (name?: string) => (name ? cap(`${name} führt gerade ein anderes Gespräch.`) : 'Gerade wird ein anderes Gespräch geführt.'),
    noAnswer: (name?: string) => (name ? cap(`${name} hat nicht abgenommen.`) : 'Der Anruf wurde nicht angenommen.'),
    unavailable: (name?: string) => (name ? cap(`${name} kann gerade keine Anrufe annehmen.`) : 'Anrufe sind gerade nicht möglich.'),
    closed: (name?: string) => (name ? cap(`${name} nimmt Anrufe nur zu den Sprechzeiten entgegen.`) : 'Anrufe werden nur zu den Sprechzeiten entgegengenommen.'),
    blocked: 'Anrufe aus Ihrem Netz werden nicht angenommen.',
    oneCall: 'Sie telefonieren bereits.',
    linesBusy: (seconds?: number) =>
      seconds ? `Alle Leitungen sind belegt. Bitte versuchen Sie es in ${wait(seconds)} erneut.` : 'Alle Leitungen sind belegt. Bitte versuchen Sie es in ein paar Minuten erneut.',
    rateLimited: (seconds?: number) =>
      seconds ? `Zu viele Anrufversuche. Bitte versuchen Sie es in ${wait(seconds)} erneut.` : 'Zu viele Anrufversuche. Bitte versuchen Sie es später erneut.',
    tooManyAttempts: (seconds?: number) =>
      seconds ? `Sie haben mehrmals hintereinander angerufen. Bitte warten Sie ${wait(seconds)} oder hinterlassen Sie eine Nachricht.` : 'Sie haben mehrmals hintereinander angerufen. Bitte warten Sie etwas oder hinterlassen Sie eine Nachricht.',
    networkLost: 'Die Verbindung wurde unterbrochen. Bitte prüfen Sie Ihr Netzwerk und rufen Sie erneut an.',
    iceFailed:
      'Der Anruf konnte über Ihr Netzwerk nicht verbunden werden. Versuchen Sie es über ein anderes Netz (z. B. mobile Daten) oder später noch einmal.',
    sessionCap: 'Der Anruf hat seine maximale Dauer erreicht.',
    serviceDown: 'Der Anrufdienst ist gerade nicht verfügbar. Bitte versuchen Sie es später noch einmal.',
    homeLost: 'Der Anruf wurde beendet: Die Verbindung zur Telefonanlage ist abgebrochen. Bitte versuchen Sie es in einer Minute erneut.',
    refused: 'Der Anruf wurde nicht zugelassen.',
    media: 'Für den Anruf konnte keine Audioverbindung hergestellt werden.',
    failed: 'Der Anruf konnte nicht zustande kommen.',
  },
};

function wait(seconds: number): string {
  if (seconds < 90) {
    const s = Math.ceil(seconds);
    return s === 1 ? '1 Sekunde' : `${s} Sekunden`;
  }
  return `${Math.ceil(seconds / 60)} Minuten`;
}

// The in-call controls' words travel with the widget's, so a German page fetches one chunk.
export { controlStrings } from '../shared/call-control-strings.de.ts';
