// The voice recorder's words (web/button/voice-recorder.ts). Apart from web/button/strings.ts
// because they travel in the recorder's own chunk: a page whose visitor never sees the recorder
// loads none of them, and the loader stays the size it was. A translation is a file typed
// against this one (VoiceStrings, e.g. voice-strings.de.ts), fetched by the recorder for a
// widget in that language (web/shared/lang.ts).

export const voiceStrings = {
  or: 'Or leave a voice message instead of typing:',
  record: 'Record a voice message',
  limit: (seconds: number) => `Up to ${length(seconds)}. Your browser will ask for the microphone when you press Record.`,
  askingMic: 'Asking for your microphone… Please allow access when your browser asks.',
  recording: 'Recording…',
  left: (seconds: number) => `${clock(seconds)} left`,
  stop: 'Stop',
  recorded: (seconds: number) => `Your voice message (${clock(seconds)}). Listen to it, then press Send.`,
  again: 'Record again',
  discard: 'Delete recording',
  micDenied: 'Microphone access is blocked. Allow the microphone for this site (the icon in the address bar), or type your message instead.',
  micMissing: 'No microphone was found. Type your message instead.',
  failed: "The recording didn't work. Type your message instead.",
};

export type VoiceStrings = typeof voiceStrings;

/** 75 → "1:15" */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function length(seconds: number): string {
  return seconds < 120 ? `${seconds} seconds` : `${Math.round(seconds / 60)} minutes`;
}
