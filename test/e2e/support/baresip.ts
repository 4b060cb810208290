// Debian's baresip (1.0.0) as the owner's SIP phone: a config directory written at run time,
// `baresip -f DIR`, and its ctrl_tcp module (netstring JSON) for commands (accept, hangup) and
// events (REGISTER_OK, CALL_INCOMING, CALL_CLOSED…). Its microphone is a WAV file (aufile) and
// the sndfile filter dumps what it hears to `dump-*-dec.wav`, so a test can check the audio.
// This build has no file player (aufile is a source only here): the player is ALSA's `null`.
// The stdio UI prints an incoming SIP MESSAGE as `<from>: "<body>"` (menu's handler writes to the
// UIs, and ctrl_tcp has no event for it); without a terminal it says so once and still prints.
// It also does not verify the server's TLS certificate (sip_cafile is loaded, any chain passes).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { writeToneWav } from './tone.ts';

export interface BaresipEvent {
  type: string;
  class?: string;
  accountaor?: string;
  param?: string;
  peeruri?: string;
  [k: string]: unknown;
}

export interface PhoneOptions {
  dir: string;
  /** The account line's SIP URI, e.g. `sip:6001@10.0.0.1:5061;transport=tls`. */
  aor: string;
  password: string;
  /** The CA the phone trusts for the server's TLS certificate. */
  caFile: string;
  /** baresip's name of the media encryption (`srtp-mand`: SDES-SRTP, nothing else accepted). */
  mediaenc: string;
  /** Tone the phone sends as its microphone. */
  toneHz: number;
  ctrlPort: number;
  /** Address baresip's own SIP stack binds to. */
  listen: string;
}

export interface Phone {
  events: BaresipEvent[];
  /** Resolves with the first event of `type` from index `from` of `events` on (also one that already arrived). */
  event(type: string, from?: number, timeoutMs?: number): Promise<BaresipEvent>;
  command(command: string, params?: string): Promise<{ ok: boolean; data: string }>;
  /** Waits for a line of baresip's output matching `re` (the registration happens before ctrl_tcp is connected). */
  line(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Samples (16-bit mono) and rate of the latest recording of what the phone heard. */
  heard(): { samples: Int16Array; rate: number };
  output(): string;
  stop(): Promise<void>;
}

function netstring(s: string): string {
  return `${Buffer.byteLength(s)}:${s},`;
}

export async function startPhone(o: PhoneOptions): Promise<Phone> {
  mkdirSync(o.dir, { recursive: true });
  const rec = join(o.dir, 'heard');
  mkdirSync(rec, { recursive: true });
  // G.722 runs at 16 kHz; aufile insists the file matches ausrc_srate.
  const tone = writeToneWav(join(o.dir, 'tone.wav'), o.toneHz, 120, 16000);
  writeFileSync(join(o.dir, 'config'), `poll_method epoll
sip_listen ${o.listen}
sip_cafile ${o.caFile}
audio_source aufile,${tone}
audio_player alsa,null
audio_alert alsa,null
ausrc_srate 16000
auplay_srate 16000
ausrc_channels 1
auplay_channels 1
module_path /usr/lib/baresip/modules
module g711.so
module g722.so
module aufile.so
module alsa.so
module sndfile.so
module srtp.so
module stdio.so
module_app account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:${o.ctrlPort}
snd_path ${rec}
`);
  writeFileSync(join(o.dir, 'accounts'), `<${o.aor}>;auth_pass=${o.password};mediaenc=${o.mediaenc};regint=300;answermode=manual\n`);
  const child: ChildProcess = spawn('baresip', ['-f', o.dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise((r) => child.once('exit', r));

  const events: BaresipEvent[] = [];
  const waiters: { type: string; resolve: (e: BaresipEvent) => void }[] = [];
  const replies = new Map<string, (r: { ok: boolean; data: string }) => void>();
  let sock: Socket | undefined;
  for (let i = 0; i < 50 && !sock; i++) {
    sock = await new Promise<Socket | undefined>((resolve) => {
      const s = connect(o.ctrlPort, '127.0.0.1', () => resolve(s));
      s.once('error', () => resolve(undefined));
    });
    if (!sock) {
      if (child.exitCode !== null) throw new Error(`baresip exited ${child.exitCode}:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!sock) { child.kill(); throw new Error(`baresip's ctrl_tcp never listened:\n${out}`); }
  let buf = Buffer.alloc(0);
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const colon = buf.indexOf(':');
      if (colon < 0) break;
      const len = Number(buf.subarray(0, colon).toString());
      if (buf.length < colon + 1 + len + 1) break;
      const msg = JSON.parse(buf.subarray(colon + 1, colon + 1 + len).toString());
      buf = buf.subarray(colon + len + 2);
      if (msg.event) {
        events.push(msg);
        for (const w of waiters.filter((x) => x.type === msg.type)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(msg); }
      } else if (msg.response) {
        replies.get(msg.token)?.({ ok: msg.ok, data: msg.data ?? '' });
        replies.delete(msg.token);
      }
    }
  });
  let token = 0;
  return {
    events,
    output: () => out,
    event(type, from = 0, timeoutMs = 20_000) {
      const seen = events.slice(from).find((e) => e.type === type);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`baresip: no ${type} in ${timeoutMs} ms; events ${events.map((e) => e.type).join(', ')}\n${out}`)), timeoutMs);
        waiters.push({ type, resolve: (e) => { clearTimeout(timer); resolve(e); } });
      });
    },
    async line(re, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = out.match(re);
        if (m) return m;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`baresip: no line matching ${re}:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    command(command, params = '') {
      const t = String(++token);
      return new Promise((resolve) => {
        replies.set(t, resolve);
        sock!.write(netstring(JSON.stringify({ command, params, token: t })));
      });
    },
    heard() {
      const files = readdirSync(rec).filter((f) => f.endsWith('-dec.wav')).sort();
      if (!files.length) throw new Error(`baresip recorded nothing yet in ${rec}`);
      return readWav(readFileSync(join(rec, files[files.length - 1])));
    },
    async stop() {
      sock!.destroy();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** 16-bit PCM WAV, read to the end of the file: the dump's sizes are only written when it closes. */
function readWav(b: Buffer): { samples: Int16Array; rate: number } {
  let rate = 0, channels = 1, at = 12;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4), size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') { channels = b.readUInt16LE(at + 10); rate = b.readUInt32LE(at + 12); }
    if (id === 'data') {
      const data = b.subarray(at + 8, b.length - ((b.length - at - 8) % (2 * channels)));
      const all = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
      const samples = channels === 1 ? all : all.filter((_, i) => i % channels === 0);
      return { samples, rate };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk in the recording');
}

/** The strongest frequency (1 Hz steps, 100–3800 Hz) of the last `seconds` of `samples`, and the strongest one >60 Hz from it. */
export function peakHz(samples: Int16Array, rate: number, seconds = 1): { hz: number; level: number; second: number } {
  const n = Math.min(samples.length, Math.round(rate * seconds));
  const x = samples.subarray(samples.length - n);
  const power: number[] = [];
  for (let f = 100; f <= 3800; f++) {
    // Goertzel: one frequency's DFT magnitude in O(n).
    const c = 2 * Math.cos((2 * Math.PI * f) / rate);
    let s1 = 0, s2 = 0;
    for (let i = 0; i < n; i++) { const s = x[i] + c * s1 - s2; s2 = s1; s1 = s; }
    power[f] = Math.sqrt(s1 * s1 + s2 * s2 - c * s1 * s2) / n;
  }
  let hz = 100;
  for (let f = 100; f <= 3800; f++) if (power[f] > power[hz]) hz = f;
  let second = 0;
  for (let f = 100; f <= 3800; f++) if (Math.abs(f - hz) > 60) second = Math.max(second, power[f]);
  return { hz, level: power[hz], second };
}
