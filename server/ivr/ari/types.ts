// The slice of ARI's data model (Asterisk REST Interface, ari/api-docs) the IVR reads.
export interface AriCallerId {
  name: string;
  number: string;
}

export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller: AriCallerId;
  connected: AriCallerId;
  accountcode: string;
  dialplan: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  creationtime: string;
  language: string;
}

export interface AriPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  language?: string;
  state: 'queued' | 'playing' | 'paused' | 'continuing' | 'done' | 'failed';
}

export interface AriLiveRecording {
  name: string;
  format: string;
  target_uri: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  duration?: number;
  talking_duration?: number;
  silence_duration?: number;
  cause?: string;
}

interface Base {
  application: string;
  timestamp: string;
  asterisk_id?: string;
}

export type AriEvent =
  | (Base & { type: 'StasisStart'; args: string[]; channel: AriChannel; replace_channel?: AriChannel })
  | (Base & { type: 'StasisEnd'; channel: AriChannel })
  | (Base & { type: 'ChannelDtmfReceived'; digit: string; duration_ms: number; channel: AriChannel })
  | (Base & { type: 'ChannelStateChange'; channel: AriChannel })
  | (Base & { type: 'ChannelDialplan'; dialplan_app: string; dialplan_app_data: string; channel: AriChannel })
  | (Base & { type: 'ChannelHangupRequest'; cause?: number; soft?: boolean; channel: AriChannel })
  | (Base & { type: 'ChannelDestroyed'; cause: number; cause_txt: string; channel: AriChannel })
  | (Base & { type: 'PlaybackStarted' | 'PlaybackFinished'; playback: AriPlayback })
  | (Base & { type: 'RecordingStarted' | 'RecordingFinished' | 'RecordingFailed'; recording: AriLiveRecording });

/**
 * Where the ARI client and app get their timers (reconnect backoff, menu timeouts, the park
 * timer): the system's by default, a hand-driven one in tests so delays are observed, not timed.
 */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
