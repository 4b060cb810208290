// The owner console's words, in one place like the button's (web/button/strings.ts).
import { controlStrings } from '../shared/call-control-strings.ts';

export const ownerStrings = {
  title: 'homeline — owner console',
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
  } as const,
  /**
   * The one status line once the tab is registered, by the reason the edge gives why visitors
   * cannot call (GET /api/owner/availability `reason`; null: they can). `until`: when it ends.
   */
  ready: 'Ready: visitors can call you in this tab.',
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
  loginReset: 'Lost it? On the edge\'s machine, run npm run owner:password to set a new one (signing in again everywhere).',
  live: {
    lost: 'Live updates interrupted; reconnecting…',
  },
  /** The document title with a count of missed calls and new messages. */
  titleWithCount: (n: number) => (n > 0 ? `(${n}) homeline — owner console` : 'homeline — owner console'),
  notifyDenied: 'Notifications are blocked for this site; allow them in the browser\'s site settings to hear about calls in the background.',
  notificationTitle: 'Incoming call',
  visitor: 'Website visitor',
  /** "from /pricing": the page a visitor called from. */
  fromPage: (path: string) => `from ${path}`,
  available: 'Available for calls',
  dndHint: 'When off, visitors are told you are not taking calls and may leave a message.',
  notify: 'Enable desktop notifications',
  enableSound: 'Click anywhere to enable the ringtone.',
  incoming: (who: string) => `Incoming call from ${who}`,
  anonymous: 'a website visitor',
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
  /** A call row's state in words (web/owner/calls-list.ts callState). */
  callState: {
    ringing: 'ringing',
    'in-call': 'in call',
    answered: 'answered',
    declined: 'declined',
    missed: 'missed',
    busy: 'busy',
    failed: 'failed',
    dropped: 'connection lost',
    capped: 'cut at the time limit',
  } as Record<string, string>,
  refused: {
    dnd: 'refused: do not disturb',
    hours: 'refused: outside your hours',
    busy: 'refused: all lines busy',
    offline: 'refused: you were offline',
    other: 'refused',
  } as Record<string, string>,
  /** A row standing for several unanswered attempts from one caller. */
  attempts: (outcome: string, n: number) => `${outcome} (${n} attempts)`,
  col: { time: 'Time', who: 'Who', duration: 'Duration', outcome: 'Outcome', number: 'Number', message: 'Message' },
  // Call control labels: the same as the call button's (web/shared/call-control-strings.ts)
  controls: controlStrings,
};
