// Every word the call button and the visitor's softphone show, in one module so a site owner can
// translate them (copy this file, change the right-hand sides, rebuild). Functions take the
// variable parts so word order stays the translator's choice.

export const strings = {
  defaultLabel: 'Call me',
  checking: 'Checking whether a call is possible…',
  available: (name: string) => `${name} is available.`,
  offline: (name: string) => `${name} can't be reached right now.`,
  dnd: (name: string) => `${name} is not taking calls right now.`,
  statusUnknown: "Can't check whether a call is possible right now.",
  leaveMessage: 'Leave a message',
  messageTitle: 'Leave a message or ask for a callback',
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
  ringing: (name: string) => `Ringing ${name}…`,
  inCall: (name: string) => `In call with ${name}`,
  reconnecting: 'Connection lost, trying to reconnect…',
  ended: 'Call ended.',
  callAgain: 'Call again',
  callLabel: (label: string) => label,

  // Controls
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

  // Why a call ended, in plain words
  reasons: {
    micDenied:
      'Microphone access is blocked. Allow the microphone for this site (the icon in the address bar), then press Call again.',
    micMissing: 'No microphone was found. Plug one in or choose another device, then press Call again.',
    micBusy: 'Your microphone is in use by another application. Close it, then press Call again.',
    hungUpByYou: 'You hung up.',
    hungUpByOther: (name: string) => `${name} hung up.`,
    declined: (name: string) => `${name} declined the call.`,
    busy: (name: string) => `${name} is busy on another call.`,
    noAnswer: (name: string) => `${name} didn't answer.`,
    unavailable: (name: string) => `${name} can't take calls right now.`,
    oneCall: 'You already have a call in progress.',
    linesBusy: (seconds?: number) =>
      seconds ? `All lines are busy. Please try again in ${wait(seconds)}.` : 'All lines are busy. Please try again in a few minutes.',
    rateLimited: (seconds?: number) =>
      seconds ? `Too many call attempts. Please try again in ${wait(seconds)}.` : 'Too many call attempts. Please try again later.',
    networkLost: 'The connection was lost. Check your network and call again.',
    sessionCap: 'The call reached its time limit.',
    serviceDown: 'The call service is unavailable right now. Please try again later.',
    refused: 'The call was not allowed.',
    media: "The call couldn't set up audio.",
    failed: "The call couldn't be completed.",
  },
};

function wait(seconds: number): string {
  return seconds < 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

export type Strings = typeof strings;
