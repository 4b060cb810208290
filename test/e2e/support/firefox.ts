// A visitor in Firefox: Debian's firefox-esr driven over WebDriver BiDi by puppeteer-core (Playwright's
// own Firefox is a patched build that cannot be installed here). The owner stays in Chromium, so a
// call crosses two WebRTC stacks. Prefs and traps from ../shared/WEBRTC-TESTING.md.
import { expect } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { giveNamespaceAnAddress } from './asterisk-home.ts';
import { instrument, peakInPage, rtpInPage, type RemotePeak } from './party.ts';
import { freePort } from './edge.ts';

export const FIREFOX = process.env.HOMELINE_FIREFOX ?? '/usr/bin/firefox-esr';

export interface FirefoxParty {
  browser: Browser;
  page: Page;
  /** e.g. "firefox/153.8.0" */
  version: string;
  close(): Promise<void>;
}

/** Fails (never skips) with how to get Firefox when it is missing. */
export function requireFirefox(): void {
  if (existsSync(FIREFOX)) return;
  throw new Error(`Firefox is not installed at ${FIREFOX}: as root, apt-get install -y firefox-esr ` +
    '(bash scripts/test.sh installs it when run as root), or point HOMELINE_FIREFOX at a Firefox binary');
}

/**
 * Firefox gathers no ICE candidate at all unless it can find a default route: nICEr learns its
 * "default address" by routing towards a public address, and with none it gives up on every
 * interface, loopback included (loopback and default_address_only prefs do not change that). So
 * the namespace gets its veth address (the one the Asterisk specs use) and a default route
 * through it. The veth's peer is in the same namespace: nothing can leave. Returns the undo, so
 * the other specs keep the namespace they expect.
 */
export function giveNamespaceADefaultRoute(): () => void {
  giveNamespaceAnAddress();
  const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });
  if (ip('route', 'show', 'default').stdout.trim()) return () => {};
  const r = ip('route', 'add', 'default', 'dev', 'hlv0');
  if (r.status !== 0) throw new Error(`ip route add default dev hlv0: ${r.stderr.trim()} (run the browser suite inside its namespace: npm run test:e2e)`);
  return () => { ip('route', 'del', 'default', 'dev', 'hlv0'); };
}

export interface FirefoxOptions {
  /** The fake microphone's tone: Firefox's own fake device is a sine at this frequency. */
  toneHz: number;
  /** More Firefox prefs, e.g. dom.securecontext.allowlist for a plain-http page on another host. */
  prefs?: Record<string, string | number | boolean>;
  /** Run Firefox inside this named network namespace (`ip netns exec`, as root); it needs a default route there. */
  netns?: string;
  /** Offer loopback ICE candidates (default true), as launchParty's option of the same name. */
  loopbackCandidates?: boolean;
}

/**
 * Firefox in a named namespace. Unlike Chromium's pipe, WebDriver BiDi is a WebSocket on the
 * namespace's own loopback, out of this process's reach; so the same port on ours is bridged to it
 * through a Unix socket (a file, seen from every namespace) and a small forwarder inside.
 */
async function bridgeIntoNamespace(ns: string, dir: string): Promise<{ port: number; executablePath: string; close(): void }> {
  const port = await freePort();
  const sock = join(dir, 'bidi.sock');
  const inside = `const net = require('node:net');
net.createServer((c) => { const f = net.connect(${port}, '127.0.0.1'); c.pipe(f).pipe(c); c.on('error', () => f.destroy()); f.on('error', () => c.destroy()); }).listen(${JSON.stringify(sock)});`;
  const forwarder = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', inside], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(sock)) { forwarder.kill(); throw new Error(`no forwarder into namespace ${ns}`); }
  const server: Server = createServer((c) => {
    const f = createConnection(sock);
    c.pipe(f).pipe(c);
    c.on('error', () => f.destroy());
    f.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const executablePath = join(dir, 'firefox-in-netns');
  writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${ns} ${FIREFOX} "$@"\n`, { mode: 0o755 });
  return { port, executablePath, close: () => { server.close(); forwarder.kill(); } };
}

export async function launchFirefoxParty(opts: FirefoxOptions): Promise<FirefoxParty> {
  requireFirefox();
  // Firefox wants a writable HOME besides its profile (puppeteer-core makes a temporary profile).
  const home = mkdtempSync(join(tmpdir(), 'hl-firefox-'));
  const bridge = opts.netns ? await bridgeIntoNamespace(opts.netns, home) : undefined;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: bridge?.executablePath ?? FIREFOX,
    ...(bridge ? { debuggingPort: bridge.port } : {}),
    headless: true,
    env: { ...process.env, HOME: home, MOZ_HEADLESS: '1' },
    extraPrefsFirefox: {
      // The fake microphone is Firefox's own: the product's getUserMedia runs unchanged.
      'media.navigator.streams.fake': true,
      'media.navigator.audio.fake_frequency': opts.toneHz,
      'media.navigator.permission.disabled': true,
      // Real addresses in the SDP (no mDNS `.local` names a SIP server cannot resolve).
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      'media.peerconnection.ice.loopback': opts.loopbackCandidates !== false,
      // With no sound server (none on a test machine) an AudioContext never leaves 'suspended',
      // so nothing could read the remote tone; cubeb's mock context is an audio output that
      // always works. Media elements and WebRTC are untouched by it.
      'media.cubeb.force_mock_context': true,
      // No media.autoplay.default here: the widget must get its remote audio playing under
      // Firefox's default policy (audible autoplay blocked without a user gesture).
      ...opts.prefs,
    },
  }).catch((err: Error) => {
    bridge?.close();
    rmSync(home, { recursive: true, force: true });
    throw new Error(`Firefox (${FIREFOX}) did not start over WebDriver BiDi: ${err.message}`);
  });
  const page = await browser.newPage();
  // The same instrumentation as the Chromium parties: peer connections remembered for getStats,
  // voice processing off so a steady tone survives, an analyser for the remote audio.
  await page.evaluateOnNewDocument('globalThis.__name = (f) => f;');
  await page.evaluateOnNewDocument(instrument);
  return {
    browser, page,
    version: await browser.version(),
    async close() {
      await browser.close().catch(() => {});
      bridge?.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

// The widget seen from puppeteer: its data-state/data-reason attributes (the element's public
// face for styling and tests) and the call button as flows.ts finds it.
const CALL_BUTTON = 'homeline-call >>> button.primary';

export const widgetState = (page: Page) => page.$eval('homeline-call', (el) => (el as HTMLElement).dataset.state ?? '');
export const widgetStatus = (page: Page) =>
  page.$eval('homeline-call', (el) => el.shadowRoot?.querySelector('.status')?.textContent ?? '');

export async function expectWidgetState(page: Page, state: RegExp | string, timeout = 15_000): Promise<void> {
  const re = typeof state === 'string' ? new RegExp(`^${state}$`) : state;
  await expect.poll(() => widgetState(page), { timeout, message: `the Firefox visitor's button reaches ${re}` }).toMatch(re);
}

/** Opens a page with the button and waits until it can call. */
export async function openButtonInFirefox(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expectWidgetState(page, 'ready');
}

/** Presses Call: a real pointer click through WebDriver BiDi, so the page gets a user activation. */
export async function pressCall(page: Page): Promise<void> {
  await page.locator(CALL_BUTTON).click();
}

/** Presses the widget's button named `name` (its text or aria-label, as a screen reader reads it). */
export async function pressButton(page: Page, name: string): Promise<void> {
  const button = await page.waitForFunction((name) => {
    const buttons = document.querySelector('homeline-call')?.shadowRoot?.querySelectorAll('button') ?? [];
    return [...buttons].find((b) => !b.hidden && (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name);
  }, { timeout: 10_000 }, name);
  await (button as ElementHandle<HTMLButtonElement>).click();
}

/**
 * The widget's own audio element, which plays the owner's voice: is it playing (not held back by
 * autoplay rules), and does it hold a live remote audio track?
 */
export function widgetAudio(page: Page): Promise<{ found: boolean; paused: boolean; liveTracks: number }> {
  return page.$eval('homeline-call', (el) => {
    const a = el.shadowRoot?.querySelector('audio');
    if (!a) return { found: false, paused: true, liveTracks: 0 };
    const s = a.srcObject as MediaStream | null;
    return { found: true, paused: a.paused, liveTracks: s?.getAudioTracks().filter((t) => t.readyState === 'live').length ?? 0 };
  });
}

export const firefoxPeakHz = (page: Page): Promise<RemotePeak> => page.evaluate(peakInPage);
export const firefoxRtpCounts = (page: Page) => page.evaluate(rtpInPage);
