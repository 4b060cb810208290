// The owner console's words in English, in one place like the button's (web/button/strings.ts).
// Other languages beside it (strings.de.ts), typed against this one; web/owner/language.ts picks
// one before the console renders. Keys the static page uses are named in index.html (data-s).
import { controlStrings } from '../shared/call-control-strings.ts';

const en = {
  /** BCP 47 tag for Intl (dates, times) and the page's lang. */
  locale: 'en',
  title: 'homeline — owner console',
  statusHeading: 'Status',
  callHeading: 'Call',
  noCall: 'No call.',
  password: 'Owner password',
  login: 'Sign in',
  logout: 'Sign out',
  badPassword: 'Wrong password.',
  tooManyLogins: (s?: number) => `Too many attempts. Try again in ${s ?? 60} seconds.`,
  loginFailed: "Couldn't reach the edge. Try again.",
  status: {
    connecting: 'Connecting…',
    registered: 'Registered: visitors can call you in this tab.',
    reconnecting: (s: number) => `Connection lost, reconnecting in ${s} s…`,
    // What the tab is waiting for, when it knows (web/owner/registration.ts LostWhy)
    waiting: {
      'phone-system': (s: number) => `The home phone system is not reachable; trying again in ${s} s…`,
      edge: (s: number) => `The call service (edge) is not reachable; trying again in ${s} s…`,
      network: (s: number) => `Connection lost, reconnecting in ${s} s…`,
    },
    offline: 'Offline: visitors cannot reach you.',
    'logged-out': 'Signed out.',
  },
  /**
   * The one status line once the tab is registered, by the reason the edge gives why visitors
   * cannot call (GET /api/owner/availability `reason`; null: they can). `until`: when it ends.
   */
  ready: 'Ready: visitors can call you in this tab.',
  /** When the owner's hours open again, in the status line ("…until 9:00 AM", "…until tomorrow at 9:00 AM"). */
  until: {
    today: (time: string) => time,
    tomorrow: (time: string) => `tomorrow at ${time}`,
    weekday: (day: string, time: string) => `${day} at ${time}`,
  },
  unavailable: {
    dnd: () => 'Do not disturb: visitors are told you are not taking calls and may leave a message.',
    hours: (until?: string) => `Outside your hours${until ? ` until ${until}` : ''}: visitors are told you are not taking calls and may leave a message.`,
    other: () => 'Not taking calls: visitors are told you are unavailable and may leave a message.',
  } as Record<string, (until?: string) => string>,
  /** Added to a connection problem when visitors could not call anyway. */
  alsoUnavailable: {
    dnd: 'Do not disturb is on.',
    hours: 'You are outside your hours.',
    other: 'You are not taking calls.',
  } as Record<string, string>,
  loginHint: 'The password was printed once, in the terminal where the edge first started.',
  loginReset: "Lost it? On the edge's machine, run npm run owner:password to set a new one (signing in again everywhere).",
  /** The live channel (web/owner/live.ts) is down and being reopened. */
  liveLost: 'Live updates interrupted; reconnecting…',
  /** The page title with a count of missed calls and new messages. */
  titleWithCount: (n: number) => (n > 0 ? `(${n}) ${en.title}` : en.title),
  notifyDenied: "Notifications are blocked for this site; allow them in the browser's site settings to hear about calls in the background.",
  notificationTitle: 'Incoming call',
  messageNotificationTitle: 'New message',
  /** A caller who typed no name. */
  visitor: 'Website visitor',
  /** "from /pricing": the page a visitor called from. */
  fromPage: (path: string) => `from ${path}`,
  available: 'Available for calls',
  dndHint: 'When off, visitors are told you are not taking calls and may leave a message.',
  notify: 'Enable desktop notifications',
  enableSound: 'Click anywhere to enable the ringtone.',
  incoming: (who: string) => `Incoming call from ${who}`,
  anonymous: 'a visitor',
  theirMessage: 'Their message:',
  answer: 'Answer',
  decline: 'Decline',
  inCall: (who: string) => `In call with ${who}`,
  ended: 'Call ended.',
  endedBecause: {
    'phone-system': 'Call ended: the connection to the home phone system was lost.',
    edge: 'Call ended: the call service (edge) restarted or went away.',
    network: 'Call ended: the connection was lost.',
  },
  received: 'Keys pressed by the caller:',
  micProblem: 'Your microphone is not available; allow it for this page and try again.',
  recentCalls: 'Recent calls',
  messages: 'Messages and callback requests',
  none: 'None yet.',
  outcome: (o: string | null | undefined, answered: boolean, ended: boolean) =>
    (!ended ? (answered ? 'in call' : 'ringing') : answered ? 'answered' : outcomeWord(en.outcomes, o) ?? 'missed'),
  /** How an unanswered call ended, by the edge's outcome code (server/relay/calls.ts CallOutcome). */
  outcomes: {
    answered: 'answered', declined: 'declined', busy: 'busy', 'no-answer': 'not answered',
    cancelled: 'caller hung up', failed: 'failed', dropped: 'connection lost', capped: 'time limit reached',
  } as Record<string, string>,
  /** A call the edge turned away before it rang, by its reason (GET /api/owner/calls `reason`). */
  refused: {
    dnd: 'refused: do not disturb',
    hours: 'refused: outside your hours',
    busy: 'refused: all lines busy',
    offline: 'refused: you were offline',
    other: 'refused',
  } as Record<string, string>,
  /** A row standing for several unanswered attempts from one caller. */
  attempts: (outcome: string, n: number) => `${outcome} (${n} attempts)`,
  // The messages list (web/owner/messages-list.ts): messages and callback requests together
  inbox: {
    kind: {
      voice: 'Voice message',
      form: 'Message',
      voicemail: 'Voicemail (phone menu)',
      name: 'Name left (phone menu)',
      callback: 'Callback request',
    },
    unknown: 'Unknown caller',
    /** A form message that came with a callback request. */
    wantsCallback: 'wants a call back',
    call: (number: string) => `Call ${number}`,
    done: 'Done',
    markDone: 'Mark done',
    undo: 'Undo',
    delete: 'Delete',
    confirmDelete: "Delete this for good? This can't be undone.",
    keep: 'Keep',
    audioMissing: 'The recording is missing from the data folder (deleted or never copied).',
    seconds: (s: number) => `${Math.round(s)} s`,
    failed: "That didn't work; reload the page and try again.",
  },
  col: { time: 'Time', who: 'Who', duration: 'Duration', outcome: 'Outcome', number: 'Number', message: 'Message' },
  // Which phones ring, and when (web/owner/phones-panel.ts)
  phones: {
    heading: 'Which phones ring',
    intro: 'Choose which of your phones (and this browser tab) ring for a visitor, and when. New messages are also texted to the phones that ring at that moment.',
    tab: 'This browser tab',
    phone: (name: string, ext: string) => `${name} (${ext})`,
    extension: (ext: string) => `Extension ${ext}`,
    mode: { always: 'Always rings', never: 'Never rings', hours: 'Rings within hours' },
    timeZone: 'Time zone',
    ringsNow: 'rings now',
    silentNow: 'not now',
    save: 'Save',
    saved: 'Saved.',
    nextChange: (when: string) => `Next change: ${when}.`,
    embeddedOnly: 'Without Asterisk only this tab can ring; the phones apply once Asterisk is connected.',
    refused: (why: string) => `Not saved: ${why}`,
    failed: "Couldn't reach the edge; nothing was changed.",
  },
  // Call control labels: the same as the call button's (web/shared/call-control-strings.ts)
  controls: controlStrings,
  // A schedule's windows, in the opening hours and each phone's rule (web/owner/weekly-editor.ts)
  weekly: {
    dayShort: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' },
    dayNames: { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' },
    from: 'From',
    to: 'to',
    add: 'Add hours',
    remove: 'Remove',
    /** A field's accessible name when a schedule has several windows: "Monday (hours 2 of 3)". */
    inWindow: (what: string, n: number, of: number) => `${what} (hours ${n} of ${of})`,
  },
  // Opening hours (web/owner/hours-panel.ts)
  hours: {
    title: 'Opening hours',
    hint: 'Outside these hours visitors see when you are back and may leave a message.',
    alwaysOpen: 'Always open (no hours)',
    timeZone: 'Time zone',
    overnight: 'A "to" at or before "from" ends the next day; 24:00 is midnight.',
    save: 'Save hours',
    saved: 'Saved.',
    failed: (why: string) => `Not saved: ${why}`,
    fromConfig: 'These are the hours from the configuration file.',
    openNow: 'Open now.',
    /** Closed now, open again at a time in the owner's zone and locale (web/shared/back-at.ts picks the phrase). */
    closedUntil: {
      today: (time: string) => `Closed now; visitors can call again today at ${time}.`,
      tomorrow: (time: string) => `Closed now; visitors can call again tomorrow at ${time}.`,
      weekday: (day: string, time: string) => `Closed now; visitors can call again ${day} at ${time}.`,
    },
    closedForGood: 'Closed: no opening hours are set, so visitors cannot call.',
    dnd: 'Do-not-disturb is on: visitors cannot call whatever the hours.',
  },
  // Blocked callers (web/owner/blocks-panel.ts; the Block button on call rows)
  blocks: {
    title: 'Blocked callers',
    block: 'Block',
    blockTitle: (who: string) => `Block ${who}`,
    scopeAddress: 'This caller’s address only',
    scopeNetwork: 'Their whole network (the /24 or /64 around the address)',
    days: 'For how many days',
    confirm: 'Block',
    cancel: 'Cancel',
    unblock: 'Unblock',
    tooOld: 'This call is too old to block its caller.',
    failed: "Couldn't change the block. Try again.",
    col: { since: 'Blocked', what: 'What', call: 'From the call', until: 'Until', action: '' },
    what: (scope: string): string => (scope === 'network' ? 'network' : 'address'),
    call: (name: string | null, at: string) => (name ? `${name}, called ${at}` : `called ${at}`),
  },
};

export type OwnerStrings = typeof en;

/** An outcome code in words; a code this catalogue does not know yet is shown as it is. */
export function outcomeWord(words: Record<string, string>, code: string | null | undefined): string | undefined {
  return code ? (Object.hasOwn(words, code) ? words[code] : code) : undefined;
}

/** The English catalogue, whatever the console speaks: the reference the others are typed against. */
export const englishOwnerStrings: OwnerStrings = en;

/**
 * The console's words in its language. A live binding: modules that import it read the chosen
 * catalogue once web/owner/language.ts has set it, before anything is rendered.
 */
export let ownerStrings: OwnerStrings = en;

export function useOwnerStrings(s: OwnerStrings): void {
  ownerStrings = s;
}
