// One Chromium per party, each with its own fake-microphone tone (the file applies to the whole
// browser). Flags from ../shared/WEBRTC-TESTING.md.
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeToneWav } from './tone.ts';

export const CHROMIUM = process.env.HOMELINE_CHROMIUM ?? '/usr/bin/chromium';

export interface Party {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

type RemoteAnalyser = (fftSize: number) => Promise<{ an: AnalyserNode; sampleRate: number; close(): Promise<void> }>;

export interface PartyOptions {
  toneHz: number;
  /** false: no microphone permission and no auto-accept, to see the denied path. */
  microphone?: boolean;
  /** More Chromium switches, e.g. --ignore-certificate-errors for a test-made certificate. */
  args?: string[];
  /** Run the browser inside this named network namespace (`ip netns exec`, as root). */
  netns?: string;
  /** Plain-http origins other than loopback to treat as secure (getUserMedia needs it). */
  secureOrigins?: string[];
  /**
   * Offer loopback ICE candidates (default true: the loopback-only suite needs them). A party on a
   * real interface must not, or its first candidate, the only one the early send puts in the
   * SDP, is 127.0.0.1, which the other host cannot reach.
   */
  loopbackCandidates?: boolean;
  /** The browser's language (navigator.languages, Accept-Language), e.g. 'de-DE'; default Playwright's en-US. */
  locale?: string;
}

export async function launchParty(opts: PartyOptions): Promise<Party> {
  const wav = writeToneWav(join(mkdtempSync(join(tmpdir(), 'hl-tone-')), `tone-${opts.toneHz}.wav`), opts.toneHz);
  const mic = opts.microphone !== false;
  const browser = await chromium.launch({
    executablePath: opts.netns ? netnsLauncher(opts.netns) : CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...(mic ? ['--use-fake-ui-for-media-stream'] : []),
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      ...(opts.loopbackCandidates === false ? [] : ['--allow-loopback-in-peer-connection']),
      '--autoplay-policy=no-user-gesture-required',
      ...(opts.args ?? []),
      ...(opts.secureOrigins?.length ? [`--unsafely-treat-insecure-origin-as-secure=${opts.secureOrigins.join(',')}`] : []),
    ],
  });
  const context = await browser.newContext({ permissions: mic ? ['microphone'] : [], locale: opts.locale });
  // Functions sent to the page keep esbuild's `__name(...)` wrappers when run through tsx (the
  // bench); give the page that helper so the same functions work under both runners.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await context.addInitScript(instrument);
  const page = await context.newPage();
  return { browser, context, page, close: () => browser.close() };
}

/** A launcher script that starts Chromium in the namespace (Playwright's pipe survives the exec). */
function netnsLauncher(ns: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hl-netns-chromium-')), 'chromium');
  writeFileSync(path, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`, { mode: 0o755 });
  return path;
}

/**
 * Runs in every page before its scripts: remembers peer connections (for getStats) and turns off
 * the browser's voice processing, which would otherwise eat a steady test tone within seconds.
 * The microphone stays the real (fake-device) one; only the constraints change.
 */
export function instrument() {
  const w = window as unknown as { __hlPcs: RTCPeerConnection[]; __hlRemoteAnalyser: RemoteAnalyser };
  w.__hlPcs = [];
  // An analyser on the remote audio of the last peer connection, for the measuring helpers below.
  w.__hlRemoteAnalyser = async (fftSize) => {
    const pc = w.__hlPcs[w.__hlPcs.length - 1];
    const track = pc.getReceivers().find((r) => r.track.kind === 'audio')!.track;
    const stream = new MediaStream([track]);
    // An analyser on a remote stream reads silence unless an element also plays it.
    const el = new Audio();
    el.muted = true;
    el.srcObject = stream;
    await el.play().catch(() => {});
    const ctx = new AudioContext();
    await ctx.resume();
    const an = ctx.createAnalyser();
    an.fftSize = fftSize;
    ctx.createMediaStreamSource(stream).connect(an);
    return { an, sampleRate: ctx.sampleRate, close: async () => { el.srcObject = null; await ctx.close(); } };
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(cfg?: RTCConfiguration) { super(cfg); w.__hlPcs.push(this); }
  } as typeof RTCPeerConnection;
  const md = navigator.mediaDevices;
  if (md?.getUserMedia) {
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = (c?: MediaStreamConstraints) =>
      gum(c?.audio ? { ...c, audio: { ...(typeof c.audio === 'object' ? c.audio : {}), echoCancellation: false, noiseSuppression: false, autoGainControl: false } } : c);
  }
}

/** What the peak measurement reads: the strongest bin, its level, and the strongest bin > 60 Hz away. */
export interface RemotePeak { hz: number; level: number; second: number }

/** Peak FFT frequency of the remote audio of the page's last peer connection, over ~1 s. */
export const remotePeakHz = (page: Page): Promise<RemotePeak> => page.evaluate(peakInPage);

/**
 * The in-page half of remotePeakHz, for any driver's `evaluate` (Playwright here, puppeteer-core
 * for the Firefox visitor): needs `instrument` to have run in the page.
 */
export async function peakInPage(): Promise<RemotePeak> {
  const { an, sampleRate, close } = await (window as unknown as { __hlRemoteAnalyser: RemoteAnalyser }).__hlRemoteAnalyser(16384);
  const sums = new Float32Array(an.frequencyBinCount);
  const bins = new Float32Array(an.frequencyBinCount);
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 100));
    an.getFloatFrequencyData(bins);
    for (let b = 0; b < bins.length; b++) sums[b] += Math.pow(10, bins[b] / 20);
  }
  let best = 1, second = 0;
  for (let b = 2; b < sums.length; b++) if (sums[b] > sums[best]) best = b;
  const binHz = sampleRate / an.fftSize;
  // Strongest bin well away from the peak: a mix of tones shows up here.
  for (let b = 2; b < sums.length; b++) if (Math.abs(b - best) * binHz > 60 && sums[b] > second) second = sums[b];
  await close();
  return { hz: best * binHz, level: sums[best] / 10, second: second / 10 };
}

/** inbound/outbound RTP packet counts of the page's last peer connection. */
export const rtpCounts = (page: Page): Promise<{ received: number; sent: number }> => page.evaluate(rtpInPage);

/** The in-page half of rtpCounts (see peakInPage). */
export async function rtpInPage(): Promise<{ received: number; sent: number }> {
  const pcs = (window as unknown as { __hlPcs: RTCPeerConnection[] }).__hlPcs;
  const stats = await pcs[pcs.length - 1].getStats();
  let received = 0, sent = 0;
  stats.forEach((s: { type: string; kind?: string; packetsReceived?: number; packetsSent?: number }) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.packetsReceived ?? 0;
    if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.packetsSent ?? 0;
  });
  return { received, sent };
}

/**
 * How loud the remote audio of the page's last peer connection is, over `ms`: the RMS of each
 * ~43 ms frame (full scale 1.0), loudest and median. Silence that still arrives as RTP (an
 * Asterisk playing nothing sends packets all the same) reads ~0; speech reads well above 0.01.
 */
export function remoteLevel(page: Page, ms = 1500): Promise<{ maxRms: number; medianRms: number; frames: number }> {
  return page.evaluate(async (ms) => {
    const { an, sampleRate, close } = await (window as unknown as { __hlRemoteAnalyser: RemoteAnalyser }).__hlRemoteAnalyser(2048);
    const buf = new Float32Array(an.fftSize);
    const rms: number[] = [];
    const frameMs = (an.fftSize / sampleRate) * 1000;
    for (const end = performance.now() + ms; performance.now() < end;) {
      await new Promise((r) => setTimeout(r, frameMs));
      an.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const x of buf) sum += x * x;
      rms.push(Math.sqrt(sum / buf.length));
    }
    await close();
    const sorted = [...rms].sort((a, b) => a - b);
    return { maxRms: sorted[sorted.length - 1] ?? 0, medianRms: sorted[Math.floor(sorted.length / 2)] ?? 0, frames: rms.length };
  }, ms);
}
