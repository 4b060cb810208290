// Languages: which catalogue a page gets, and that the German ones say everything the English
// ones do, in German. tsc already fails on a missing key; these catch what types cannot: a key
// left in English, a server code or outcome with no words, a word hard-coded in the console page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { pickLang } from '../../web/shared/lang.ts';
import { consoleLang } from '../../web/owner/language.ts';
import { strings as en } from '../../web/button/strings.ts';
import { strings as de, controlStrings as deControls } from '../../web/button/strings.de.ts';
import { controlStrings as enControls } from '../../web/shared/call-control-strings.ts';
import { voiceStrings as enVoice } from '../../web/button/voice-strings.ts';
import { voiceStrings as deVoice } from '../../web/button/voice-strings.de.ts';
import { englishOwnerStrings as enOwner } from '../../web/owner/strings.ts';
import { ownerStrings as deOwner } from '../../web/owner/strings.de.ts';
import { reasonText } from '../../web/softphone/softphone.ts';
import type { SoftphoneHost } from '../../web/softphone/host.ts';
import { SIP_CODES, type CallerMeaning } from '../../contract/codes.ts';
import type { CallOutcome } from '../../server/relay/calls.ts';

const cases: [tags: (string | null | undefined)[], lang: string][] = [
  [['de'], 'de'],
  [['de-AT'], 'de'],
  [['de-CH', 'en'], 'de'],
  [['DE_de'], 'de'],
  [['en-GB', 'de'], 'en'],
  [['fr-FR', 'de-DE'], 'de'], // no French catalogue: the next preference that has one
  [['fr'], 'en'],
  [['it', 'es'], 'en'],
  [[''], 'en'], // lang="" is "unknown"
  [[null, undefined, 'de'], 'de'],
  [['deutsch'], 'en'], // not a language tag
  [['deu'], 'en'], // ISO 639-2 code: no catalogue under that name
  [[], 'en'],
];

test('the widget picks a catalogue by the primary subtag, in order of preference, else English', () => {
  for (const [tags, lang] of cases) assert.equal(pickLang(tags), lang, JSON.stringify(tags));
});

test('the console picks by the same rule (its own copy, kept off the loader)', () => {
  for (const [tags, lang] of cases) assert.equal(consoleLang(tags), lang, JSON.stringify(tags));
});

/** Sample arguments for the catalogues' functions: names, key digits, seconds, outcomes. */
const SAMPLES: unknown[][] = [['Ada', '5', true, true], [30], [600], [undefined, false, true], ['declined', false, true]];

/** Every leaf of the English catalogue with what German says for it (function leaves called with the samples). */
function pairs(a: unknown, b: unknown, path = ''): [path: string, en: string, de: string][] {
  if (typeof a === 'string') {
    assert.equal(typeof b, 'string', `${path} is a string in English`);
    return [[path, a, b as string]];
  }
  if (typeof a === 'function') {
    assert.equal(typeof b, 'function', `${path} is a function in English`);
    return SAMPLES.map((args, i) => [`${path}(#${i})`, String((a as (...x: unknown[]) => unknown)(...args)), String((b as (...x: unknown[]) => unknown)(...args))]);
  }
  assert.ok(a && typeof a === 'object' && b && typeof b === 'object', `${path} is an object in both`);
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort(), `${path}: the same keys in both`);
  return Object.keys(a).flatMap((k) => pairs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
}

/** Leaves that are rightly the same in both languages. */
const SAME = new Set([
  'callLabel(#0)', 'callLabel(#1)', 'callLabel(#2)', 'callLabel(#3)', 'callLabel(#4)', // the page's own label
  'ivr.option(#0)', 'ivr.option(#1)', 'ivr.option(#2)', 'ivr.option(#3)', 'ivr.option(#4)', // "5: <label from the menu file>"
  'ivr.mode.finishing', 'ivr.mode.ended', // nothing to say in either
  'statusHeading', // "Status" is German too
  'phones.phone(#0)', 'phones.phone(#1)', 'phones.phone(#2)', 'phones.phone(#3)', 'phones.phone(#4)', // "<name> (<extension>)"
]);

function assertGerman(enCat: unknown, deCat: unknown) {
  const same = pairs(enCat, deCat).filter(([path, e, d]) => e === d && e !== '' && !SAME.has(path.replace(/^controls\./, '')));
  assert.deepEqual(same.map(([p, e]) => `${p}: ${e}`), [], 'strings left in English in the German catalogue');
}

test('the German widget catalogue has every key of the English one, and says it in German', () => {
  assertGerman(en, de);
  assertGerman(enControls, deControls);
  // The voice recorder's words travel in its own chunk (web/button/voice-strings.ts).
  assertGerman(enVoice, deVoice);
});

test('the German console catalogue has every key of the English one, and says it in German', () => {
  assertGerman(enOwner, deOwner);
  assert.equal(deOwner.controls, deControls, 'the console and the widget share the German control words');
});

test('every refusal code the edge sends a caller reads as German words in the widget', () => {
  const meanings = new Set(Object.values(SIP_CODES).map((c) => (c as { caller?: CallerMeaning }).caller).filter((m) => m !== undefined));
  const host = (strings: typeof en) => ({ strings, calleeName: 'Ada' }) as SoftphoneHost;
  for (const kind of meanings) {
    const r = { kind, retryAfterSeconds: 120 } as Parameters<typeof reasonText>[1];
    const [e, d] = [reasonText(host(en), r), reasonText(host(de), r)];
    assert.ok(d && d !== e, `${kind}: "${d}"`);
  }
  assert.equal(reasonText(host(de), { kind: 'linesBusy', retryAfterSeconds: 30 }), 'Alle Leitungen sind belegt. Bitte versuchen Sie es in 30 Sekunden erneut.');
  assert.equal(reasonText(host(de), { kind: 'declined' }), 'Ada hat den Anruf abgelehnt.');
});

/** Every leaf of a catalogue that is a function, by its path. */
function functions(o: unknown, path = ''): [string, (...a: unknown[]) => string][] {
  if (typeof o === 'function') return [[path, o as (...a: unknown[]) => string]];
  if (!o || typeof o !== 'object') return [];
  return Object.entries(o).flatMap(([k, v]) => functions(v, path ? `${path}.${k}` : k));
}

test('no owner.name set: the German widget words every sentence about the owner without a name and without English; a configured name is used as is', () => {
  // The sentences that name the owner: those that say a name given to them (the page's own label,
  // a menu option's and the opening time are not about the owner).
  const de1 = new Map(functions(de));
  const aboutOwner = functions(en).filter(([path, f]) => !/^(callLabel|ivr\.option|backAt\..+)$/.test(path) && String(f('Zelda')).includes('Zelda'));
  assert.ok(aboutOwner.length >= 13, aboutOwner.map(([p]) => p).join(', '));
  for (const [path, f] of aboutOwner) {
    const d = de1.get(path)!;
    assert.doesNotMatch(d(undefined), /\b(the|owner|is|with|calls?|hung|up|right|now|undefined)\b/i, `${path}: "${d(undefined)}"`);
    assert.match(f(undefined), /\bthe owner\b/i, `${path} in English: "${f(undefined)}"`);
    assert.ok(d('Zelda').includes('Zelda') && f('Zelda').includes('Zelda'), `${path}: a configured name in both languages`);
  }
  assert.equal(de.available(undefined), 'Ein Anruf ist jetzt möglich.');
  assert.equal(de.offline(undefined), 'Gerade ist niemand erreichbar.');
  assert.equal(de.available('Ada'), 'Ada ist erreichbar.');
  assert.equal(en.available(undefined), 'The owner is available.');
  // What the softphone says at the end of a call, for a home with no name set.
  assert.equal(reasonText({ strings: de } as SoftphoneHost, { kind: 'declined' }), 'Der Anruf wurde abgelehnt.');
});

test('every call outcome the edge records has words in both console catalogues', () => {
  const outcomes: Record<CallOutcome, true> = { answered: true, declined: true, busy: true, 'no-answer': true, cancelled: true, failed: true, dropped: true, capped: true };
  for (const o of Object.keys(outcomes)) {
    const e = enOwner.outcome(o, false, true), d = deOwner.outcome(o, false, true);
    assert.ok(Object.hasOwn(enOwner.outcomes, o) && Object.hasOwn(deOwner.outcomes, o), `${o} listed in both`);
    assert.notEqual(d, e, `${o} in German`);
  }
  // A code added to the edge before the catalogues learn it still shows, as it is.
  assert.equal(deOwner.outcome('rerouted', false, true), 'rerouted');
  assert.equal(deOwner.outcome(null, false, true), 'verpasst');
});

test('the console page has no words outside data-s (every word comes from the catalogue)', () => {
  const html = readFileSync(new URL('../../web/owner/index.html', import.meta.url), 'utf8')
    .replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style|title)\b[\s\S]*?<\/\1>/g, '');
  // Text between a tag and the next one, with the tag it belongs to.
  const bare: string[] = [];
  for (const m of html.matchAll(/<([a-z0-9]+)\b([^>]*)>([^<]*[A-Za-zÀ-ž][^<]*)</g)) {
    const [, tag, attrs, text] = m;
    if (tag === 'h1' && text.trim() === 'homeline') continue; // the product's name
    if (!/\bdata-s="/.test(attrs)) bare.push(`<${tag}> ${text.trim()}`);
  }
  for (const m of html.matchAll(/\s(aria-label|placeholder|title)="([^"]*)"/g)) bare.push(`${m[1]}="${m[2]}"`);
  assert.deepEqual(bare, [], 'hard-coded words in web/owner/index.html: give them a data-s key');
  for (const m of html.matchAll(/data-s(?:-label)?="([^"]+)"/g)) {
    const v = m[1].split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], enOwner);
    assert.equal(typeof v, 'string', `data-s="${m[1]}" names a string`);
  }
});
