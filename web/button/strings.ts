// Every word the call button and the visitor's softphone show, in one module so a site owner can
// translate them (copy this file, change the right-hand sides, rebuild). Functions take the
// variable parts so word order stays the translator's choice. The in-call controls' words (mute,
// keypad, hang up…) are shared with the owner console: web/shared/call-control-strings.ts.
// `name` is the owner's configured name (owner.name), used as is; undefined when none is set:
// then each catalogue says the sentence its own way (English with "the owner", German without a
// name), so no language borrows another's words. A sentence that starts with a configured name
// starts with a capital ("ada" configured: "Ada is available.").

/** The sentence's first letter in capitals. */
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** Who the owner is in a sentence: the configured name, else "the owner". */
const who = (name?: string) => name ?? 'the owner';

export const strings = {
  defaultLabel: 'Call me',
  checking: 'Checking whether a call is possible…',
  available: (name?: string) => cap(`${who(name)} is available.`),
  offline: (name?: string) => cap(`${who(name)} can't be reached right now.`),
  dnd: (name?: string) => cap(`${who(name)} is not taking calls right now.`),
  /**
   * Outside the owner's opening hours: when they open again, in the visitor's own time zone
   * (`time` is already formatted for the visitor's locale, e.g. "9:00" or "9:00 AM"). Hours that
   * never open say `dnd`.
   */
  backAt: {
    today: (time: string) => `Back at ${time}.`,
    tomorrow: (time: string) => `Back tomorrow at ${time}.`,
    weekday: (day: string, time: string) => `Back ${day} at ${time}.`,
  },
  statusUnknown: "Can't check whether a call is possible right now.",
  /** The edge refused this page's origin (HL_ORIGIN_FORBIDDEN): the site is not on its allowedOrigins. */
  originForbidden: 'This site is not allowed to place calls. (Site owner: see the browser console.)',
  leaveMessage: 'Leave a message',
  messageTitle: 'Leave a message or ask for a callback',
  callbackNumberLabel: 'Phone number to call you back on',
  nameLabel: 'Your name',
  numberLabel: 'Phone number for a callback (optional)',
  messageLabel: 'Message',
  send: 'Send',
  cancel: 'Cancel',
  sending: 'Sending…',
  messageSent: 'Thank you, your message was sent.',
  messageFailed: "Sorry, the message couldn't be sent. Please try again later.",
  optionalName: 'Your name (optional, shown to the person you call)',
  loading: 'Loading…',
  loadFailed: "The phone couldn't be loaded. Check your connection and try again.",
  close: 'Close',

  // Softphone states
  askingMic: 'Asking for your microphone… Please allow access when your browser asks.',
  connecting: 'Connecting…',
  ringing: (name?: string) => `Ringing ${who(name)}…`,
  inCall: (name?: string) => `In call with ${who(name)}`,
  reconnecting: 'Connection lost, trying to reconnect…',
  ended: 'Call ended.',
  callAgain: 'Call again',
  callLabel: (label: string) => label,

  // The operator menu (target kind `ivr`): walked on screen, or followed during the call
  ivr: {
    menuLabel: 'Operator menu',
    loading: 'Loading the menu…',
    loadFailed: "The menu couldn't be loaded. Please try again later.",
    choices: 'Choices',
    option: (key: string, label: string) => `${key}: ${label}`,
    back: 'Back',
    repeat: 'Repeat',
    close: 'Close the menu',
    keysHint: 'Press a number key to choose, * to go back, # to repeat.',
    /** At the menu's first node, where there is nothing to go back to. */
    keysHintTop: 'Press a number key to choose, # to repeat.',
    formFor: {
      message: 'Leave your name and a short message, so the owner knows you called.',
      callback: 'Leave your name and the number to call you back on.',
      extension: 'Direct extensions can only be dialled through the home phone system. Leave a message instead, and it will be passed on.',
    },
    noText: 'There is nothing more to show for this choice.',
    ownerOffline: (name?: string) => cap(`${who(name)} can't be reached right now. Leave a message instead.`),
    ownerDnd: (name?: string) => cap(`${who(name)} is not taking calls right now. Leave a message instead.`),
    // In the call: what the voice menu is doing (the edge's interpreter modes)
    mode: {
      collect: 'Enter the extension on the keypad, then #.',
      callback: 'Enter your number on the keypad, then #.',
      ringing: 'Ringing, please hold…',
      recording: 'Recording: speak after the tone, then press #.',
      finishing: '',
      ended: '',
    } as Record<string, string>,
  },

  // Why a call ended, in plain words
  reasons: {
    micDenied:
      'Microphone access is blocked. Allow the microphone for this site (the icon in the address bar), then press Call again.',
    micMissing: 'No microphone was found. Plug one in or choose another device, then press Call again.',
    micBusy: 'Your microphone is in use by another application. Close it, then press Call again.',
    hungUpByYou: 'You hung up.',
    hungUpByOther: (name?: string) => cap(`${who(name)} hung up.`),
    declined: (name?: string) => cap(`${who(name)} declined the call.`),
    busy: (name?: string) => cap(`${who(name)} is busy on another call.`),
    noAnswer: (name?: string) => cap(`${who(name)} didn't answer.`),
    unavailable: (name?: string) => cap(`${who(name)} can't take calls right now.`),
    closed: (name?: string) => cap(`${who(name)} takes calls only during opening hours.`),
    blocked: 'Calls from your network are not accepted.',
    oneCall: 'You already have a call in progress.',
    linesBusy: (seconds?: number) =>
      seconds ? `All lines are busy. Please try again in ${wait(seconds)}.` : 'All lines are busy. Please try again in a few minutes.',
    rateLimited: (seconds?: number) =>
      seconds ? `Too many call attempts. Please try again in ${wait(seconds)}.` : 'Too many call attempts. Please try again later.',
    tooManyAttempts: (seconds?: number) =>
      seconds ? `You have tried to call several times in a row. Please wait ${wait(seconds)}, or leave a message.` : 'You have tried to call several times in a row. Please wait a little, or leave a message.',
    networkLost: 'The connection was lost. Check your network and call again.',
    iceFailed:
      "The call couldn't connect through your network. Try another network (e.g. mobile data) or try again later.",
    sessionCap: 'The call reached its time limit.',
    serviceDown: 'The call service is unavailable right now. Please try again later.',
    homeLost: 'The call ended: the connection to the home phone system was lost. Please try again in a minute.',
    refused: 'The call was not allowed.',
    media: "The call couldn't set up audio.",
    failed: "The call couldn't be completed.",
  },
};

function wait(seconds: number): string {
  return seconds < 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

export type Strings = typeof strings;
