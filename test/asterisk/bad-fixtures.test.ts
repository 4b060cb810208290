// Every check must be able to fail: each case breaks one thing in an otherwise good generated
// configuration (or swaps in a hand-written bad file from fixtures/bad) and names the code that
// must appear. A check that never fires here is a check that protects nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture, violations, mutate, codes, SECRETS, type Fixture } from './helpers.ts';

const TRUNKS = '[provider](trunk-tpl)\noutbound_auth=provider-auth\naors=provider\n[provider-auth]\ntype=auth\nauth_type=digest\nusername=me\npassword=long-provider-password\n[provider]\ntype=aor\ncontact=sip:sip.provider.example\n[provider-identify]\ntype=identify\nendpoint=provider\nmatch=198.51.100.10\n';

function withTrunk(): Fixture {
  const f = fixture({}, { trunk: 'provider' });
  f.texts['pjsip_trunks.conf'] = TRUNKS;
  return f;
}

const addTo = (context: string, lines: string) => (t: string) => t.replace(`[${context}]\n`, `[${context}]\n${lines}\n`);
const replace = (from: string | RegExp, to: string) => (t: string) => t.replace(from, to);

interface Case { name: string; file: string; edit: (t: string) => string; code: string; base?: () => Fixture }

const CASES: Case[] = [
  // visitor reach: toll fraud
  { name: 'outside pattern _X. in the web context', file: 'extensions.conf', edit: addTo('from-web', 'exten => _X.,1,Dial(PJSIP/6001,30,i)'), code: 'HL_VISITOR_PATTERN' },
  { name: '_0. pattern', file: 'extensions.conf', edit: addTo('from-web', 'exten => _0.,1,Dial(PJSIP/6001,30,i)'), code: 'HL_VISITOR_PATTERN' },
  { name: '_+. pattern', file: 'extensions.conf', edit: addTo('ivr-exits', 'exten => _+.,1,Dial(PJSIP/6001,30,i)'), code: 'HL_VISITOR_PATTERN' },
  { name: 'the web context includes the phones\' outbound context', file: 'extensions.conf', edit: addTo('from-web', 'include => phones-outbound'), code: 'HL_VISITOR_DYNAMIC_DIAL', base: withTrunk },
  { name: 'ring group leg through a trunk', file: 'extensions.conf', edit: replace('&PJSIP/6000,45,i)', '&PJSIP/6000&PJSIP/441234567@provider,45,i)'), code: 'HL_VISITOR_TRUNK', base: withTrunk },
  { name: 'ring group leg is the trunk endpoint itself', file: 'extensions.conf', edit: replace('&PJSIP/6000,45,i)', '&PJSIP/provider,45,i)'), code: 'HL_VISITOR_TRUNK', base: withTrunk },
  { name: 'a barred number as a Dial target', file: 'extensions.conf', edit: replace('&PJSIP/6000,45,i)', '&PJSIP/0900123456@provider,45,i)'), code: 'HL_VISITOR_BARRED', base: withTrunk },
  { name: 'a barred-prefix extension that dials', file: 'extensions.conf', edit: addTo('from-web', 'exten => 0900111,1,Dial(PJSIP/6001,30,i)'), code: 'HL_VISITOR_BARRED' },
  { name: 'Dial through Local into the outbound context', file: 'extensions.conf', edit: addTo('ivr-exits', 'exten => 7,1,Dial(Local/0123@phones-outbound,30,i)'), code: 'HL_VISITOR_DYNAMIC_DIAL', base: withTrunk },
  { name: 'Dial without i (a 302 could forward outside)', file: 'extensions.conf', edit: replace('Dial(PJSIP/6001,30,i)', 'Dial(PJSIP/6001,30)'), code: 'HL_VISITOR_DIAL_FORWARDS' },
  { name: 'Dial with transfer options', file: 'extensions.conf', edit: replace('Dial(PJSIP/6001,30,i)', 'Dial(PJSIP/6001,30,iT)'), code: 'HL_VISITOR_DIAL_OPTIONS' },
  { name: 'Dial to an arbitrary SIP URI', file: 'extensions.conf', edit: replace('Dial(PJSIP/6001,30,i)', 'Dial(PJSIP/6001/sip:0900@evil.example,30,i)'), code: 'HL_VISITOR_DIAL_TARGET' },
  { name: 'Dial to a non-home endpoint', file: 'extensions.conf', edit: replace('Dial(PJSIP/6001,30,i)', 'Dial(PJSIP/6999,30,i)'), code: 'HL_VISITOR_DIAL_TARGET' },
  { name: 'Dial to another technology', file: 'extensions.conf', edit: replace('Dial(PJSIP/6001,30,i)', 'Dial(IAX2/provider/0044123,30,i)'), code: 'HL_VISITOR_DIAL_TARGET' },
  { name: 'the IVR\'s ring Dial without its home-endpoint fence', file: 'extensions.conf', edit: replace(/exten => ring,1,GotoIf\(.*\?dial\)/, 'exten => ring,1,GotoIf($[1]?dial)'), code: 'HL_VISITOR_DYNAMIC_DIAL' },
  // the owner's ring rules (HL_RING_OWNER, set by the edge over ARI)
  { name: '[ring-owner] dials the edge\'s variable without its fence', file: 'extensions.conf', edit: replace(/GotoIf\(\$\[\$\{REGEX\("\^PJSIP\/\(6001[^\n]*\?chosen\)/, 'GotoIf($[1]?chosen)'), code: 'HL_VISITOR_DYNAMIC_DIAL' },
  { name: '[ring-owner]\'s fence widened to every home extension', file: 'extensions.conf', edit: replace(/\^PJSIP\/\(6001[^)]*\)\(&PJSIP\/\(6001[^)]*\)\)/, '^PJSIP/6[0-9]{3}(&PJSIP/6[0-9]{3})'), code: 'HL_VISITOR_DYNAMIC_DIAL' },
  { name: 'a visitor\'s SIP MESSAGE runs in the phones\' context', file: 'pjsip.conf', edit: replace('context=from-web\n', 'context=from-web\nmessage_context=from-phones\n'), code: 'HL_VISITOR_DYNAMIC_DIAL', base: withTrunk },
  { name: 'the IVR\'s dialout reaches the trunk', file: 'extensions.conf', edit: replace('exten => dialout,1,Hangup()', 'exten => dialout,1,Dial(PJSIP/${HL_DIALOUT_NUMBER}@provider,60,i)'), code: 'HL_VISITOR_DYNAMIC_DIAL', base: withTrunk },
  { name: 'DISA (dial tone) reachable', file: 'extensions.conf', edit: addTo('ivr-exits', 'exten => 9,1,DISA(no-password,phones-outbound)'), code: 'HL_VISITOR_APP' },
  { name: 'VoiceMailMain (the owner\'s messages) reachable', file: 'extensions.conf', edit: addTo('from-web', 'exten => 97,1,VoiceMailMain(6000@default,s)'), code: 'HL_VISITOR_APP' },
  { name: 'Goto into a computed context', file: 'extensions.conf', edit: addTo('from-web', 'exten => 8,1,Goto(${CTX},s,1)'), code: 'HL_VISITOR_DYNAMIC_JUMP' },
  { name: 'GotoIf into the phones\' context', file: 'extensions.conf', edit: addTo('from-web', 'exten => 8,1,GotoIf($[1]?from-phones,0123,1)'), code: 'HL_VISITOR_PATTERN' },
  { name: 'jump to an undefined context', file: 'extensions.conf', edit: addTo('from-web', 'exten => 8,1,Goto(nowhere,s,1)'), code: 'HL_VISITOR_UNKNOWN_CONTEXT' },
  { name: 'Stasis with an app the edge does not run', file: 'extensions.conf', edit: replace('Stasis(homeline,visitor,', 'Stasis(other,visitor,'), code: 'HL_EDGE_MISMATCH' },
  { name: 'visitor endpoint in the phones\' context', file: 'pjsip.conf', edit: replace('context=from-web', 'context=from-phones'), code: 'HL_VISITOR_DYNAMIC_DIAL' },
  // listeners
  { name: 'HTTP server on all addresses', file: 'http.conf', edit: replace('bindaddr=127.0.0.1', 'bindaddr=0.0.0.0'), code: 'HL_LISTENER_PUBLIC' },
  { name: 'HTTP server without bindaddr', file: 'http.conf', edit: replace('bindaddr=127.0.0.1\n', ''), code: 'HL_LISTENER_PUBLIC' },
  { name: 'HTTPS enabled on all addresses', file: 'http.conf', edit: replace('tlsenable=no', 'tlsenable=yes\ntlsbindaddr=0.0.0.0:8089'), code: 'HL_LISTENER_PUBLIC' },
  { name: 'a public UDP transport', file: 'pjsip.conf', edit: replace('[transport-ws]', '[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n\n[transport-ws]'), code: 'HL_LISTENER_PLAIN' },
  { name: 'a TLS transport the owner did not open', file: 'pjsip.conf', edit: replace('[transport-ws]', '[transport-tls]\ntype=transport\nprotocol=tls\nbind=0.0.0.0:5061\n\n[transport-ws]'), code: 'HL_LISTENER_PUBLIC' },
  { name: 'AMI on all addresses', file: 'manager.conf', edit: () => '[general]\nenabled=yes\nbindaddr=0.0.0.0\n', code: 'HL_LISTENER_PUBLIC' },
  // edge identity
  { name: 'visitor also identified by username', file: 'pjsip.conf', edit: replace('context=from-web\nidentify_by=header', 'context=from-web\nidentify_by=header,username'), code: 'HL_IDENTITY_METHOD' },
  { name: 'owner identified by username (From: 6000 would do)', file: 'pjsip.conf', edit: replace('context=from-owner-web\nidentify_by=header', 'context=from-owner-web\nidentify_by=username'), code: 'HL_IDENTITY_METHOD' },
  { name: 'stale visitor secret', file: 'pjsip.conf', edit: replace(`visitor-${SECRETS.edgeSecret}`, 'visitor-an-old-secret-0123456789'), code: 'HL_IDENTITY_SECRET' },
  { name: 'visitor matched by a regex', file: 'pjsip.conf', edit: replace(`visitor-${SECRETS.edgeSecret}`, '/visitor-.*/'), code: 'HL_IDENTITY_WEAK' },
  { name: 'owner also matched by address', file: 'pjsip.conf', edit: replace('[owner-identify]\ntype=identify\n', '[owner-identify]\ntype=identify\nmatch=127.0.0.1\n'), code: 'HL_IDENTITY_WEAK' },
  { name: 'the dialled owner endpoint identified by username (a From of 6000 would be the owner)', file: 'pjsip.conf', edit: replace('context=from-owner-web\nidentify_by=header\naors=6000', 'context=from-owner-web\nidentify_by=header,username\naors=6000'), code: 'HL_IDENTITY_METHOD' },
  { name: 'an identify section naming the dialled owner endpoint', file: 'pjsip.conf', edit: (t: string) => `${t}\n[sneaky]\ntype=identify\nendpoint=6000\nmatch_header=X-Other: x\n`, code: 'HL_IDENTITY_WEAK' },
  { name: 'visitor matched by another header', file: 'pjsip.conf', edit: replace('match_header=X-Homeline-Edge: visitor-', 'match_header=X-Homeline-Role: visitor-'), code: 'HL_IDENTITY_WEAK' },
  { name: 'the edge header identifies a phone', file: 'pjsip.conf', edit: replace('[owner-identify]', `[phone-identify]\ntype=identify\nendpoint=6001\nmatch_header=X-Homeline-Edge: visitor-${SECRETS.edgeSecret}\n\n[owner-identify]`), code: 'HL_IDENTITY_WEAK' },
  { name: 'visitor identify section missing', file: 'pjsip.conf', edit: replace(/\[visitor-identify\][^\[]*/, ''), code: 'HL_IDENTITY_MISSING' },
  { name: 'visitor can register', file: 'pjsip.conf', edit: replace('context=from-web\n', 'context=from-web\naors=visitor\n'), code: 'HL_IDENTITY_AOR' },
  { name: 'ip before header in the identifier order', file: 'pjsip.conf', edit: replace('endpoint_identifier_order=header,username,ip', 'endpoint_identifier_order=ip,username,header'), code: 'HL_IDENTIFY_ORDER' },
  { name: 'anonymous in the identifier order', file: 'pjsip.conf', edit: replace('endpoint_identifier_order=header,username,ip', 'endpoint_identifier_order=header,username,anonymous'), code: 'HL_ANONYMOUS' },
  // authentication
  { name: 'a phone without auth', file: 'pjsip.conf', edit: replace('auth=6002-auth\n', ''), code: 'HL_UNAUTHENTICATED' },
  { name: 'a phone naming an auth that does not exist', file: 'pjsip.conf', edit: replace('auth=6002-auth', 'auth=6002-typo'), code: 'HL_UNAUTHENTICATED' },
  { name: 'a weak phone password', file: 'pjsip_phone_secrets.conf', edit: replace('password=phone-password-0003', 'password=1234'), code: 'HL_WEAK_PASSWORD' },
  { name: 'an endpoint called anonymous', file: 'pjsip.conf', edit: (t) => `${t}\n[anonymous](phone-tpl)\n`, code: 'HL_ANONYMOUS' },
  { name: 'unauthenticated OPTIONS allowed', file: 'pjsip.conf', edit: replace('media_encryption=sdes', 'media_encryption=sdes\nallow_unauthenticated_options=yes'), code: 'HL_UNAUTHENTICATED' },
  { name: 'a trunk identified by "any address"', file: 'pjsip_trunks.conf', edit: replace('match=198.51.100.10', 'match=0.0.0.0/0'), code: 'HL_UNAUTHENTICATED', base: withTrunk },
  { name: 'a weak ARI password', file: 'ari.conf', edit: replace(`password=${SECRETS.ariPassword}`, 'password=ari'), code: 'HL_WEAK_PASSWORD' },
  // modules
  { name: 'chan_sip loaded', file: 'modules.conf', edit: replace('noload => chan_sip.so', 'load => chan_sip.so'), code: 'HL_CHAN_SIP' },
  { name: 'autoload without noload chan_sip', file: 'modules.conf', edit: (t) => t.replace('autoload=no', 'autoload=yes').replace('noload => chan_sip.so', ''), code: 'HL_CHAN_SIP' },
  { name: 'a sip.conf lying around', file: 'sip.conf', edit: () => '[general]\n', code: 'HL_CHAN_SIP' },
  { name: 'res_http_media_cache only loaded (a missing one would start silently)', file: 'modules.conf', edit: replace('require => res_http_media_cache.so', 'load => res_http_media_cache.so'), code: 'HL_MODULE_NOT_REQUIRED' },
  { name: 'res_curl not loaded at all', file: 'modules.conf', edit: replace('require => res_curl.so', 'noload => res_curl.so'), code: 'HL_MODULE_MISSING' },
  { name: 'format_wav dropped from the list', file: 'modules.conf', edit: replace('require => format_wav.so\n', ''), code: 'HL_MODULE_MISSING' },
  { name: 'the anonymous identifier loaded', file: 'modules.conf', edit: replace('noload => res_pjsip_endpoint_identifier_anonymous.so', 'load => res_pjsip_endpoint_identifier_anonymous.so'), code: 'HL_ANONYMOUS' },
  // agreement with the edge
  { name: 'RTP range drifted', file: 'rtp.conf', edit: replace('rtpstart=15000', 'rtpstart=10000'), code: 'HL_MEDIA_DRIFT' },
  { name: 'ICE off in rtp.conf', file: 'rtp.conf', edit: replace('icesupport=yes', 'icesupport=no'), code: 'HL_MEDIA_DRIFT' },
  { name: 'a STUN server the browsers do not get', file: 'rtp.conf', edit: replace('; no STUN server', 'stunaddr=stun.elsewhere.example:3478\n;'), code: 'HL_MEDIA_DRIFT' },
  { name: 'ICE off on the visitor endpoint', file: 'pjsip.conf', edit: replace('dtls_setup=passive\n', 'dtls_setup=passive\nice_support=no\n'), code: 'HL_MEDIA_DRIFT' },
  { name: 'the browsers\' WebSocket transport bound to loopback (Asterisk binds their RTP there)', file: 'pjsip.conf', edit: replace('protocol=ws\nbind=0.0.0.0', 'protocol=ws\nbind=127.0.0.1'), code: 'HL_MEDIA_DRIFT' },
  { name: 'SDES instead of DTLS for the owner tab', file: 'pjsip.conf', edit: replace('context=from-owner-web\n', 'context=from-owner-web\nmedia_encryption=sdes\n'), code: 'HL_MEDIA_DRIFT' },
  { name: 'HTTP port the edge does not use', file: 'http.conf', edit: replace('bindport=8088', 'bindport=8090'), code: 'HL_EDGE_MISMATCH' },
  { name: 'ARI password differs from the edge\'s', file: 'ari.conf', edit: replace(`password=${SECRETS.ariPassword}`, 'password=another-long-password'), code: 'HL_EDGE_MISMATCH' },
  // includes
  { name: '#exec in a config file', file: 'pjsip.conf', edit: (t) => `${t}\n#exec /bin/echo\n`, code: 'HL_EXEC_INCLUDE' },
  { name: 'phone secrets file missing', file: 'pjsip_phone_secrets.conf', edit: () => '\u0000', code: 'HL_MISSING_INCLUDE' },
];

test('the good configuration the cases start from has no violations', () => {
  assert.deepEqual(violations(fixture()), []);
  assert.deepEqual(violations(withTrunk()), []);
});

for (const c of CASES) {
  test(`caught: ${c.name} → ${c.code}`, () => {
    const base = (c.base ?? fixture)();
    const f = mutate(base, c.file, c.edit);
    if (f.texts[c.file] === '\u0000') delete f.texts[c.file];
    const found = codes(violations(f));
    assert.ok(found.includes(c.code), `expected ${c.code}, got ${found.join(', ') || 'nothing'}`);
  });
}

const bad = (name: string) => readFileSync(new URL(`./fixtures/bad/${name}`, import.meta.url), 'utf8');

test('fixture: a web context that includes the outbound context', () => {
  const f = withTrunk();
  f.texts['extensions.conf'] = bad('extensions.visitor-reaches-trunk.conf');
  const found = codes(violations(f));
  for (const code of ['HL_VISITOR_PATTERN', 'HL_VISITOR_DYNAMIC_DIAL']) assert.ok(found.includes(code), `${code} in ${found}`);
});

test('fixture: a pjsip.conf whose visitor needs no secret', () => {
  const f = fixture();
  f.texts['pjsip.conf'] = bad('pjsip.open-visitor.conf');
  const found = codes(violations(f));
  for (const code of ['HL_IDENTITY_METHOD', 'HL_IDENTITY_WEAK', 'HL_IDENTIFY_ORDER']) assert.ok(found.includes(code), `${code} in ${found}`);
});

test('fixture: a sample-style modules.conf that autoloads everything', () => {
  const f = fixture();
  f.texts['modules.conf'] = bad('modules.autoload-chan-sip.conf');
  assert.deepEqual(codes(violations(f)), ['HL_ANONYMOUS', 'HL_CHAN_SIP', 'HL_MODULE_NOT_REQUIRED']);
});

test('fixture: a modules.conf that loads the essential modules instead of requiring them', () => {
  const f = fixture();
  f.texts['modules.conf'] = bad('modules.load-not-require.conf');
  const vs = violations(f);
  assert.deepEqual(codes(vs), ['HL_MODULE_MISSING', 'HL_MODULE_NOT_REQUIRED']);
  const notRequired = vs.filter((v) => v.code === 'HL_MODULE_NOT_REQUIRED').map((v) => v.message.split(' ')[0]).sort();
  assert.deepEqual(notRequired, ['format_wav', 'pbx_config', 'res_curl', 'res_http_media_cache']);
  assert.ok(vs.some((v) => v.code === 'HL_MODULE_MISSING' && v.message.startsWith('res_pjsip ')), 'an essential module left out entirely');
});

test('fixture: an HTTP server open to the world', () => {
  const f = fixture();
  f.texts['http.conf'] = bad('http.public.conf');
  assert.ok(codes(violations(f)).includes('HL_LISTENER_PUBLIC'));
});
