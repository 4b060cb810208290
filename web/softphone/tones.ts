// Call-progress tones made with WebAudio, so no audio files ship in the bundle.
// Ringback: 440 + 480 Hz, 2 s on / 4 s off (North American cadence, understood everywhere).
// Ringtone (owner side): a two-tone chirp, 1 s on / 2 s off.

export interface Tone { stop(): void }

function cadence(ctx: AudioContext, freqs: number[], onS: number, offS: number, gainValue: number): Tone {
  const gain = ctx.createGain();
  gain.gain.value = 0;
  gain.connect(ctx.destination);
  const oscs = freqs.map((f) => {
    const o = ctx.createOscillator();
    o.frequency.value = f;
    o.connect(gain);
    o.start();
    return o;
  });
  const period = onS + offS;
  const start = ctx.currentTime + 0.05;
  // Schedule a few minutes of cadence up front; the call will have been answered or given up.
  for (let t = 0; t < 300; t += period) {
    gain.gain.setValueAtTime(gainValue, start + t);
    gain.gain.setValueAtTime(0, start + t + onS);
  }
  return {
    stop() {
      gain.gain.cancelScheduledValues(0);
      gain.gain.value = 0;
      for (const o of oscs) { try { o.stop(); } catch { /* already stopped */ } }
      gain.disconnect();
    },
  };
}

export const ringback = (ctx: AudioContext): Tone => cadence(ctx, [440, 480], 2, 4, 0.08);
export const ringtone = (ctx: AudioContext): Tone => cadence(ctx, [880, 1320], 1, 2, 0.1);
