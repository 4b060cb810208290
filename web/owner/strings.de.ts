// The owner console's words in German (formal "Sie", gender-neutral), typed against the English
// catalogue (web/owner/strings.ts): a key added there and missing here fails `tsc`.
// Fetched as a chunk of its own by web/owner/language.ts when the browser prefers German.
import { outcomeWord, type OwnerStrings } from './strings.ts';
import { controlStrings } from '../shared/call-control-strings.de.ts';

const outcomes: Record<string, string> = {
  answered: 'angenommen', declined: 'abgelehnt', busy: 'besetzt', 'no-answer': 'nicht angenommen',
  cancelled: 'vorher aufgelegt', failed: 'fehlgeschlagen', dropped: 'Verbindung verloren', capped: 'Zeitlimit erreicht',
};

export const ownerStrings: OwnerStrings = {
  locale: 'de',
  title: 'homeline — Anrufkonsole',
  statusHeading: 'Status',
  callHeading: 'Anruf',
  noCall: 'Kein Anruf.',
  password: 'Passwort',
  login: 'Anmelden',
  logout: 'Abmelden',
  badPassword: 'Falsches Passwort.',
  tooManyLogins: (s?: number) => `Zu viele Versuche. Bitte versuchen Sie es in ${s ?? 60} Sekunden erneut.`,
  loginFailed: 'Der Anrufdienst (Edge) ist nicht erreichbar. Bitte versuchen Sie es erneut.',
  status: {
    connecting: 'Verbindung wird aufgebaut…',
    registered: 'Angemeldet: Besuchende können Sie in diesem Tab anrufen.',
    reconnecting: (s: number) => `Verbindung unterbrochen, neuer Versuch in ${s} s…`,
    waiting: {
      'phone-system': (s: number) => `Die Telefonanlage ist nicht erreichbar; neuer Versuch in ${s} s…`,
      edge: (s: number) => `Der Anrufdienst (Edge) ist nicht erreichbar; neuer Versuch in ${s} s…`,
      network: (s: number) => `Verbindung unterbrochen, neuer Versuch in ${s} s…`,
    },
    offline: 'Offline: Besuchende können Sie nicht erreichen.',
    'logged-out': 'Abgemeldet.',
  },
  available: 'Für Anrufe erreichbar',
  dndHint: 'Wenn ausgeschaltet, erfahren Besuchende, dass Sie gerade keine Anrufe annehmen, und können eine Nachricht hinterlassen.',
  notify: 'Desktop-Benachrichtigungen einschalten',
  enableSound: 'Klicken Sie irgendwo, um den Klingelton einzuschalten.',
  incoming: (who: string) => `Eingehender Anruf: ${who}`,
  anonymous: 'unbekannte Person',
  theirMessage: 'Nachricht:',
  answer: 'Annehmen',
  decline: 'Ablehnen',
  inCall: (who: string) => `Im Gespräch: ${who}`,
  ended: 'Anruf beendet.',
  endedBecause: {
    'phone-system': 'Anruf beendet: Die Verbindung zur Telefonanlage ist abgebrochen.',
    edge: 'Anruf beendet: Der Anrufdienst (Edge) wurde neu gestartet oder ist nicht mehr erreichbar.',
    network: 'Anruf beendet: Die Verbindung ist abgebrochen.',
  },
  received: 'Gedrückte Tasten der anrufenden Person:',
  micProblem: 'Ihr Mikrofon ist nicht verfügbar. Erlauben Sie es für diese Seite und versuchen Sie es erneut.',
  recentCalls: 'Letzte Anrufe',
  messages: 'Nachrichten und Rückrufbitten',
  none: 'Noch keine.',
  outcome: (o: string | null | undefined, answered: boolean, ended: boolean) =>
    (!ended ? (answered ? 'im Gespräch' : 'klingelt') : answered ? 'angenommen' : outcomeWord(outcomes, o) ?? 'verpasst'),
  outcomes,
  attempts: (outcome: string, n: number) => `${outcome} (${n} Versuche)`,
  col: { time: 'Zeit', who: 'Wer', duration: 'Dauer', outcome: 'Ergebnis', number: 'Nummer', message: 'Nachricht' },
  phones: {
    heading: 'Welche Telefone klingeln',
    intro: 'Legen Sie fest, welche Ihrer Telefone (und dieser Browser-Tab) bei einem Anruf klingeln, und wann. Neue Nachrichten gehen außerdem als Textnachricht an die Telefone, die gerade klingeln würden.',
    tab: 'Dieser Browser-Tab',
    phone: (name: string, ext: string) => `${name} (${ext})`,
    extension: (ext: string) => `Durchwahl ${ext}`,
    mode: { always: 'Klingelt immer', never: 'Klingelt nie', hours: 'Klingelt zu bestimmten Zeiten' },
    from: 'Von',
    to: 'bis',
    timeZone: 'Zeitzone',
    dayShort: { mon: 'Mo', tue: 'Di', wed: 'Mi', thu: 'Do', fri: 'Fr', sat: 'Sa', sun: 'So' },
    dayNames: { mon: 'Montag', tue: 'Dienstag', wed: 'Mittwoch', thu: 'Donnerstag', fri: 'Freitag', sat: 'Samstag', sun: 'Sonntag' },
    ringsNow: 'klingelt jetzt',
    silentNow: 'jetzt nicht',
    save: 'Speichern',
    saved: 'Gespeichert.',
    nextChange: (when: string) => `Nächste Änderung: ${when}.`,
    embeddedOnly: 'Ohne Asterisk kann nur dieser Tab klingeln; die Telefone gelten, sobald Asterisk verbunden ist.',
    refused: (why: string) => `Nicht gespeichert: ${why}`,
    failed: 'Der Anrufdienst (Edge) ist nicht erreichbar; nichts wurde geändert.',
  },
  controls: controlStrings,
};
