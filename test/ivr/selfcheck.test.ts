// The self-check's verdicts (pure): which modules count as missing, and what /readyz and the log
// say for each way a prompt can fail. The ARI side runs against the real Asterisk in
// test/asterisk/selfcheck.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingModules, judgeSelfCheck } from '../../server/ivr/ari/selfcheck.ts';
import { PROMPT_MODULES } from '../../server/asterisk/required-modules.ts';

const URI = 'sound:http://127.0.0.1:8080/ivr/prompts/p-0123456789abcdef0123456789abcdef.wav';
const AT = new Date('2026-11-30T12:00:00Z');
const all = PROMPT_MODULES.map((m) => ({ name: `${m}.so`, status: 'Running' }));

test('missing modules: absent from the list, or listed but not running', () => {
  assert.deepEqual(missingModules(all), []);
  assert.deepEqual(missingModules(all.filter((m) => m.name !== 'res_curl.so')), ['res_curl']);
  assert.deepEqual(missingModules(all.map((m) => (m.name === 'res_http_media_cache.so' ? { ...m, status: 'Not Running' } : m))), ['res_http_media_cache']);
});

test('all loaded and the prompt played: ok', () => {
  assert.deepEqual(judgeSelfCheck([], { state: 'done' }, URI, AT), { status: 'ok', reason: `modules loaded; ${URI} played`, at: AT.toISOString() });
});

test('a missing module is named, with what to do', () => {
  const r = judgeSelfCheck(['res_http_media_cache'], { state: 'failed' }, URI, AT);
  assert.equal(r.status, 'failed');
  assert.equal(r.reason, `res_http_media_cache not loaded; prompt playback failed: ${URI} ended "failed"`);
  assert.match(r.hint!, /load res_http_media_cache .*libcurl/);
});

test('modules fine but the prompt did not play: points at the fetch and astcachedir', () => {
  const failed = judgeSelfCheck([], { state: 'failed' }, URI, AT);
  assert.equal(failed.reason, `prompt playback failed: ${URI} ended "failed"`);
  assert.match(failed.hint!, /curl it .*astcachedir/);
  const silent = judgeSelfCheck([], { error: 'no PlaybackFinished within 20 s' }, URI, AT);
  assert.equal(silent.status, 'failed');
  assert.equal(silent.reason, 'prompt playback failed: no PlaybackFinished within 20 s');
});

test('modules that cannot be listed say so', () => {
  const r = judgeSelfCheck({ error: 'ARI GET /asterisk/modules → 404' }, { state: 'done' }, URI, AT);
  assert.equal(r.status, 'failed');
  assert.match(r.reason, /^could not list Asterisk's modules: ARI GET/);
  assert.match(r.hint!, /res_ari_asterisk/);
});
