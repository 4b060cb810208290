// A voice message end to end on the real edge: the owner sets do-not-disturb, a visitor's
// Chromium (fake microphone playing 620 Hz) records one in the widget, listens, records again,
// and sends it; the owner's console lists it, plays it, and the test hears the visitor's tone in
// what the console plays. Then mark done, undo, and delete (file and all).
import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchParty, type Party } from './support/party.ts';
import { artifact, ownerSignIn } from './support/flows.ts';
import { startEdge, type RunningEdge } from './support/edge.ts';
import { writeToneWav } from './support/tone.ts';
import { IvrStore } from '../../server/ivr/store.ts';

const VISITOR_HZ = 620;
/** A short cap, so the test also sees the recorder stop itself at the cap. */
const MAX_SECONDS = 4;

let edge: RunningEdge;
let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  edge = await startEdge({ HOMELINE__messages__voiceMaxSeconds: String(MAX_SECONDS) });
  [owner, visitor] = await Promise.all([launchParty({ toneHz: 1000 }), launchParty({ toneHz: VISITOR_HZ })]);
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
  await edge?.stop();
});

/** The phone menu's recordings are 8 kHz mono WAV (Asterisk's `wav` format); this one holds 820 Hz (the owner's own fake microphone plays 1000 Hz). */
const VOICEMAIL_HZ = 820;

const voiceDir = () => join(edge.dataDir, 'voice');
const entry = (o: Page) => o.locator('#messages li.entry[data-kind=voice]');

/** Peak frequency of what an <audio> element plays, read through an AnalyserNode on it. */
function playedPeakHz(page: Page, selector: string) {
  return page.evaluate(async (selector) => {
    const el = document.querySelector<HTMLAudioElement>(selector)!;
    const ctx = new AudioContext();
    await ctx.resume();
    const an = ctx.createAnalyser();
    an.fftSize = 16384;
    ctx.createMediaElementSource(el).connect(an);
    an.connect(ctx.destination);
    el.currentTime = 0;
    await el.play();
    // Skip the first half second (the encoder's start), then add up ~1.5 s of spectra.
    await new Promise((r) => setTimeout(r, 500));
    const sums = new Float32Array(an.frequencyBinCount);
    const bins = new Float32Array(an.frequencyBinCount);
    for (let i = 0; i < 15; i++) {
      await new Promise((r) => setTimeout(r, 100));
      an.getFloatFrequencyData(bins);
      for (let b = 0; b < bins.length; b++) sums[b] += Math.pow(10, bins[b] / 20);
    }
    el.pause();
    let best = 1, second = 0;
    for (let b = 2; b < sums.length; b++) if (sums[b] > sums[best]) best = b;
    const binHz = ctx.sampleRate / an.fftSize;
    for (let b = 2; b < sums.length; b++) if (Math.abs(b - best) * binHz > 60 && sums[b] > second) second = sums[b];
    await ctx.close();
    return { hz: best * binHz, binHz, level: sums[best], second };
  }, selector);
}

test('the owner is on do-not-disturb: the visitor records a voice message, listens, records again, sends it', async () => {
  const o = owner.page, v = visitor.page;
  await ownerSignIn(o, edge.url, edge.password);
  await o.locator('#available').uncheck();
  await expect(o.locator('#available')).not.toBeChecked();

  // Count microphone requests: none may happen before the visitor presses Record.
  await v.addInitScript(() => {
    const md = navigator.mediaDevices;
    const gum = md.getUserMedia.bind(md);
    (window as unknown as { micAsked: number }).micAsked = 0;
    md.getUserMedia = (c) => { (window as unknown as { micAsked: number }).micAsked++; return gum(c); };
  });
  await v.goto(`${edge.url}/demo/`);
  const button = v.locator('homeline-call');
  await expect(button).toHaveAttribute('data-state', 'unreachable');
  await button.getByRole('button', { name: 'Leave a message' }).click();
  const voice = button.locator('.voice');
  await expect(voice).toHaveAttribute('data-state', 'idle');
  await expect(voice).toContainText(`Up to ${MAX_SECONDS} seconds`);
  await button.getByLabel('Your name', { exact: true }).fill('Grace Hopper');
  await button.getByLabel('Phone number for a callback (optional)').fill('+1 (555) 0100');
  await v.screenshot({ path: artifact('voice-form') });
  expect(await v.evaluate(() => (window as unknown as { micAsked: number }).micAsked)).toBe(0);

  // First take: stopped by hand.
  await button.getByRole('button', { name: 'Record a voice message' }).click();
  await expect(voice).toHaveAttribute('data-state', 'recording');
  await expect(voice.getByRole('timer')).toContainText('left');
  expect(await v.evaluate(() => (window as unknown as { micAsked: number }).micAsked)).toBe(1);
  await v.screenshot({ path: artifact('voice-recording') });
  await button.getByRole('button', { name: 'Stop' }).click();
  await expect(voice).toHaveAttribute('data-state', 'recorded');
  await expect(voice.locator('audio')).toHaveAttribute('src', /^blob:/);
  await v.screenshot({ path: artifact('voice-recorded') });

  // Second take: left running, the cap stops it.
  await button.getByRole('button', { name: 'Record again' }).click();
  await expect(voice).toHaveAttribute('data-state', 'recording');
  await expect(voice).toHaveAttribute('data-state', 'recorded', { timeout: (MAX_SECONDS + 5) * 1000 });
  await expect(voice).toContainText(`(0:0${MAX_SECONDS})`);
  // The typed message is optional once there is a recording.
  await button.getByRole('button', { name: 'Send' }).click();
  await expect(button).toHaveAttribute('data-state', 'message-sent');
  await expect(button.locator('.status')).toContainText('Thank you');
  // One microphone request per take, each made by pressing a button.
  expect(await v.evaluate(() => (window as unknown as { micAsked: number }).micAsked)).toBe(2);
  expect(readdirSync(voiceDir())).toHaveLength(1);
});

test('the console lists it with who, when and a tel: link, and plays the visitor\'s tone', async () => {
  const o = owner.page;
  await o.reload();
  await expect(o.locator('#reg-status')).toHaveAttribute('data-state', /registered|offline/);
  const e = entry(o);
  await expect(e).toHaveCount(1);
  await expect(e.locator('.who')).toHaveText('Grace Hopper');
  await expect(e.locator('.kind')).toHaveText('Voice message');
  await expect(e.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);
  await expect(e.getByRole('link', { name: 'Call +1 (555) 0100' })).toHaveAttribute('href', 'tel:+15550100');
  await expect(e.locator('.secs')).toHaveText(`${MAX_SECONDS} s`);

  await o.setViewportSize({ width: 1280, height: 800 });
  await o.locator('#messages').scrollIntoViewIfNeeded();
  await o.screenshot({ path: artifact('console-voice-desktop'), fullPage: true });
  await o.setViewportSize({ width: 375, height: 812 });
  await o.screenshot({ path: artifact('console-voice-375'), fullPage: true });
  await o.setViewportSize({ width: 1280, height: 800 });

  const peak = await playedPeakHz(o, '#messages li.entry[data-kind=voice] audio');
  console.log(`console plays the voice message: peak ${peak.hz.toFixed(1)} Hz (tone ${VISITOR_HZ} Hz, bin ${peak.binHz.toFixed(2)} Hz), next tone ${(peak.second / peak.level).toFixed(3)} of the peak`);
  expect(Math.abs(peak.hz - VISITOR_HZ), `the console plays ${peak.hz} Hz`).toBeLessThan(2 * peak.binHz + 1);
  expect(peak.second, 'one tone, not a mix').toBeLessThan(peak.level / 4);
});

test('mark done, undo, done again (kept after a reload), then delete after confirming: row and file gone', async () => {
  const o = owner.page;
  const e = entry(o);
  await e.getByRole('button', { name: 'Mark done' }).click();
  await expect(e).toHaveAttribute('data-done', 'true');
  await e.getByRole('button', { name: 'Undo' }).click();
  await expect(e).toHaveAttribute('data-done', 'false');
  await e.getByRole('button', { name: 'Mark done' }).click();
  await expect(e).toHaveAttribute('data-done', 'true');
  await o.reload();
  await expect(entry(o)).toHaveAttribute('data-done', 'true');
  await o.screenshot({ path: artifact('console-voice-done') });

  await entry(o).getByRole('button', { name: 'Delete' }).click();
  await expect(entry(o).getByRole('group')).toContainText("Delete this for good?");
  await o.screenshot({ path: artifact('console-voice-confirm-delete') });
  // "Keep" takes it back.
  await entry(o).getByRole('button', { name: 'Keep' }).click();
  await expect(entry(o).getByRole('group')).toBeHidden();
  await entry(o).getByRole('button', { name: 'Delete' }).click();
  await entry(o).getByRole('group').getByRole('button', { name: 'Delete' }).click();
  await expect(entry(o)).toHaveCount(0);
  expect(existsSync(voiceDir()) && readdirSync(voiceDir()).length).toBe(0);
  await o.reload();
  await expect(o.locator('#messages')).toContainText('None yet.');
});

test('a voicemail from the phone menu (8 kHz WAV, as the IVR copies it from Asterisk) is in the same list and plays', async () => {
  const o = owner.page;
  // What the ARI application does after a record step (server/ivr/ari/app.ts): a row, then the
  // copy beside the database. Written into the running edge's database file.
  const dir = join(edge.dataDir, 'recordings');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const wav = writeToneWav(join(dir, 'hl-msg-e2e.wav'), VOICEMAIL_HZ, 3, 8000);
  const store = new IvrStore(join(edge.dataDir, 'homeline.db'));
  store.addMessage({ source: 'ivr', kind: 'message', channel: 'e2e', caller: '6002', recording: 'hl-msg-e2e', audioPath: wav, durationSeconds: 3 });
  store.close();
  await o.reload();
  const e = o.locator('#messages li.entry[data-kind=voicemail]');
  await expect(e.locator('.kind')).toHaveText('Voicemail (phone menu)');
  await expect(e.locator('.who')).toHaveText('6002');
  await expect(e.getByRole('link', { name: 'Call 6002' })).toHaveAttribute('href', 'tel:6002');
  const peak = await playedPeakHz(o, '#messages li.entry[data-kind=voicemail] audio');
  console.log(`console plays the phone menu's voicemail: peak ${peak.hz.toFixed(1)} Hz (tone ${VOICEMAIL_HZ} Hz)`);
  expect(Math.abs(peak.hz - VOICEMAIL_HZ), `the console plays ${peak.hz} Hz`).toBeLessThan(2 * peak.binHz + 1);
});
