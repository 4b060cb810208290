// Include mode's renderer, pure: what goes into homeline/*.conf given the owner's files. (The real
// Asterisk loading the result is test/asterisk/include-mode.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, SECRETS } from './helpers.ts';
import { parseConfSet } from '../../server/asterisk/checks.ts';
import { generate } from '../../server/asterisk/generate.ts';
import { renderIncludes, splitSections, withIncludeLine } from '../../server/asterisk/include-mode.ts';

function render(owner: Record<string, string>) {
  const f = fixture({ owner: { phones: ['6001'] } }, { phones: [{ extension: '6001', name: 'Kitchen' }] });
  const { plan, files } = generate(f.expected.config, SECRETS, f.expected.site);
  return renderIncludes(files, plan, parseConfSet(owner));
}

test('a section keeps the comment lines just above its header', () => {
  const chunks = splitSections('; head\n\n; about a\n[a]\nx=1\n\n[b](!)\ny=2\n');
  assert.deepEqual(chunks.map((c) => [c.name, c.lead, c.header]), [['', [], ''], ['a', ['; about a'], '[a]'], ['b', [], '[b](!)']]);
  assert.deepEqual(chunks[0].body, ['; head', '']);
});

test('settings sections the owner has are appended to with (+); ones they lack are written whole', () => {
  const r = render({ 'http.conf': '[general]\nenabled=no\nbindport=8088\n', 'modules.conf': '[modules]\nautoload=yes\n', 'voicemail.conf': '[general]\nformat=gsm\n[default]\n6001 => 1234,Kitchen\n' });
  assert.match(r.files['homeline/http.conf'], /^\[general\]\(\+\)$/m);
  assert.match(r.files['homeline/modules.conf'], /^\[modules\]\(\+\)$/m);
  assert.doesNotMatch(r.files['homeline/modules.conf'], /autoload/, 'autoload=no would unload the owner\'s modules');
  assert.doesNotMatch(r.files['homeline/voicemail.conf'], /^\[general\]/m, 'the owner\'s voicemail settings stay theirs');
  assert.match(r.files['homeline/voicemail.conf'], /^\[default\]\(\+\)\n6000 => \d{8},/m);
  assert.match(r.files['homeline/rtp.conf'], /^\[general\]$/m, 'no rtp.conf of the owner: a plain section');
  assert.equal(r.files['rtp.conf'], `${r.files['rtp.conf'].split('\n#include')[0]}\n#include homeline/rtp.conf\n`, 'and a top-level rtp.conf that only includes it');
  assert.equal(r.files['http.conf'], undefined, 'the owner\'s http.conf is never written');
  assert.ok(r.overrides.includes('http.conf [general] enabled no → yes'), r.overrides.join('\n'));
  assert.deepEqual(r.clashes, []);
});

test('the owner\'s world is left out: phones, trunk template, [internal], directives; [from-owner-web] dials the phones by name', () => {
  const r = render({ 'pjsip.conf': '[transport-udp]\ntype=transport\nprotocol=udp\nbind=127.0.0.1:5060\n', 'extensions.conf': '[general]\nstatic=yes\n[internal]\nexten => 1,1,Answer()\n' });
  const pjsip = r.files['homeline/pjsip.conf'];
  for (const gone of ['[6001]', '[phone-tpl]', '[trunk-tpl]']) assert.ok(!pjsip.includes(gone), gone);
  assert.doesNotMatch(pjsip, /^#/m, 'no #include of the phone secrets or trunks: those files are the full mode\'s');
  for (const kept of ['[transport-ws]', '[visitor](webrtc-tpl)', '[visitor-identify]', '[6000](webrtc-tpl)', '[owner-identify]', '[global]\ntype=global']) assert.ok(pjsip.includes(kept), kept);
  const ext = r.files['homeline/extensions.conf'];
  for (const gone of ['[general]', '[internal]', '[from-phones]', '[phones-outbound]', '[from-trunk]', 'include =>']) assert.ok(!ext.includes(gone), gone);
  assert.match(ext, /\[from-owner-web\]\nexten => 6001,1,Dial\(PJSIP\/6001,30\)/);
  assert.deepEqual(r.clashes, [], 'the owner\'s [internal] and [general] do not clash: homeline writes neither');
});

test('clashes name the owner\'s file and line and the fix', () => {
  const r = render({ 'pjsip.conf': '[x]\ntype=aor\n\n[visitor]\ntype=endpoint\n', 'extensions.conf': '[ivr-ring]\nexten => 1,1,Answer()\n' });
  assert.deepEqual(r.clashes.map((c) => [c.file, c.section, c.where]), [['pjsip.conf', 'visitor', 'pjsip.conf:4'], ['extensions.conf', 'ivr-ring', 'extensions.conf:1']]);
});

test('the include line is added once, after everything the owner wrote', () => {
  const once = withIncludeLine('[a]\nx=1', '#include homeline/pjsip.conf')!;
  assert.match(once, /^\[a\]\nx=1\n\n; homeline[^\n]*\n#include homeline\/pjsip\.conf\n$/);
  assert.equal(withIncludeLine(once, '#include homeline/pjsip.conf'), undefined);
  assert.equal(withIncludeLine('#include "homeline/pjsip.conf"\n', '#include homeline/pjsip.conf'), undefined, 'a quoted one counts');
});
