// The generated configuration keeps every invariant, in the default set-up and in the owner's
// usual variations, and carries the edge's values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfSet, CHECKS } from '../../server/asterisk/checks.ts';
import { buildPlan } from '../../server/asterisk/plan.ts';
import { get, objects, section } from '../../server/asterisk/conf-parser.ts';
import { generate } from '../../server/asterisk/generate.ts';
import { validateConfig } from '../../server/config/load.ts';
import { validateSite } from '../../server/asterisk/site.ts';
import { fixture, violations, SECRETS } from './helpers.ts';

test('default generation passes every check, each one separately', () => {
  const f = fixture();
  const set = parseConfSet(f.texts);
  const plan = buildPlan(f.expected.config, SECRETS, f.expected.site);
  for (const [name, check] of Object.entries(CHECKS)) assert.deepEqual(check(set, plan), [], `check ${name}`);
});

test('the owner\'s usual variations still pass: TLS for phones, NAT, STUN/TURN, a trunk, extension targets, prefix', () => {
  const f = fixture(
    {
      upstream: { asteriskWsUrl: 'ws://10.8.0.2:8089/pbx/ws' },
      ari: { url: 'http://10.8.0.2:8089/pbx/ari', app: 'hl-ivr' },
      ice: { servers: [{ urls: 'stun:stun.example.org:3478' }, { urls: ['turn:turn.example.org:3478?transport=udp'], username: 'u', credential: 'c' }] },
      rtp: { portStart: 20000, portEnd: 20999 },
      visitor: { targets: [{ user: 'owner', label: 'Me', kind: 'owner' }, { user: 'desk', label: 'Desk', kind: 'extension', extensions: ['6003', '6004'] }, { user: '100', label: 'Menu', kind: 'ivr' }] },
    },
    {
      tls: { bind: '0.0.0.0:5061', certFile: '/etc/asterisk/keys/pbx.crt', privKeyFile: '/etc/asterisk/keys/pbx.key' },
      nat: { externalAddress: '203.0.113.7', localNets: ['192.168.1.0/24'], lanAddress: '192.168.1.10' },
      trunk: 'provider',
      did: 'ivr',
      asteriskUsesTurn: true,
    },
  );
  f.texts['pjsip_trunks.conf'] = '[provider](trunk-tpl)\noutbound_auth=provider-auth\naors=provider\n[provider-auth]\ntype=auth\nauth_type=digest\nusername=me\npassword=long-provider-password\n[provider]\ntype=aor\ncontact=sip:sip.provider.example\n[provider-identify]\ntype=identify\nendpoint=provider\nmatch=198.51.100.10\n';
  assert.deepEqual(violations(f), []);
  const set = parseConfSet(f.texts);
  const http = section(set.get('http.conf')!, 'general')!;
  assert.equal(get(http, 'bindaddr'), '10.8.0.2');
  assert.equal(get(http, 'bindport'), '8089');
  assert.equal(get(http, 'prefix'), 'pbx');
  const rtp = section(set.get('rtp.conf')!, 'general')!;
  assert.deepEqual([get(rtp, 'rtpstart'), get(rtp, 'rtpend'), get(rtp, 'stunaddr'), get(rtp, 'turnaddr')], ['20000', '20999', 'stun.example.org:3478', 'turn.example.org:3478']);
  assert.match(f.texts['extensions.conf'], /exten => desk,1,NoOp[^\n]*\n same => n,Dial\(PJSIP\/6003&PJSIP\/6004,30,i\)/);
  assert.match(f.texts['extensions.conf'], /Stasis\(hl-ivr,visitor,\$\{PJSIP_HEADER\(read,X-Homeline-Visitor\)\}\)/);
  // Outside numbers go to the trunk only when they are digits (a leading + allowed), never separators or * #.
  assert.match(f.texts['extensions.conf'], /_0X\.,1,GotoIf\(\$\[\$\{REGEX\("\^\[\+\]\?\[0-9\]\+\$" \$\{EXTEN\}\)\}\]\?out\)\n same => n,Goto\(refused,s,1\)\n same => n\(out\),Dial\(PJSIP\/\$\{EXTEN\}@provider,120\)/);
  const tls = objects(set.get('pjsip.conf')!, 'transport').find((t) => t.name === 'transport-tls')!;
  assert.equal(get(tls, 'bind'), '0.0.0.0:5061');
});

test('the generated files carry the edge secret, ARI password and owner extension from config and secrets', () => {
  const f = fixture({ owner: { extension: '7000', phones: ['6001'] }, ari: { user: 'edge', password: 'explicit-ari-password' } });
  assert.deepEqual(violations(f), []);
  assert.match(f.texts['pjsip.conf'], new RegExp(`match_header=X-Homeline-Edge: visitor-${SECRETS.edgeSecret}\n`));
  assert.match(f.texts['pjsip.conf'], new RegExp(`match_header=X-Homeline-Edge: owner-${SECRETS.edgeSecret}\n`));
  assert.match(f.texts['pjsip.conf'], /^\[7000\]\(webrtc-tpl\)$/m);
  assert.match(f.texts['ari.conf'], /^\[edge\]\ntype=user[\s\S]*password=explicit-ari-password$/m);
  assert.match(f.texts['extensions.conf'], /Dial\(PJSIP\/6001&PJSIP\/7000,45,i\)/);
});

test('barred prefixes are refused for the phones before the trunk patterns', () => {
  const f = fixture({}, { barred: ['0900', '+4490'], trunk: 'provider' });
  assert.match(f.texts['extensions.conf'], /exten => _0900\.,1,Goto\(refused,s,1\)/);
  assert.match(f.texts['extensions.conf'], /exten => _\+4490\.,1,Goto\(refused,s,1\)/);
  // The same number dialled with the international 00 prefix (a real trunk connected it).
  assert.match(f.texts['extensions.conf'], /exten => _004490\.,1,Goto\(refused,s,1\)/);
});

test('the generator refuses values that would make Asterisk and the edge disagree or break a .conf line', () => {
  const cfg = (c: Record<string, unknown>) => validateConfig(c);
  const site = validateSite({});
  assert.throws(() => generate(cfg({ upstream: { asteriskWsUrl: 'ws://127.0.0.1:8088/sip' } }), SECRETS, site), { code: 'HL_ASTERISK_MISMATCH' });
  assert.throws(() => generate(cfg({ upstream: { asteriskWsUrl: 'ws://127.0.0.1:8088/ws' }, ari: { url: 'http://127.0.0.1:9999/ari' } }), SECRETS, site), { code: 'HL_ASTERISK_MISMATCH' });
  assert.throws(() => generate(cfg({ upstream: { asteriskWsUrl: 'ws://0.0.0.0:8088/ws' } }), SECRETS, site), { code: 'HL_ASTERISK_MISMATCH' });
  assert.throws(() => generate(cfg({ upstream: { asteriskWsUrl: 'wss://pbx.example:8089/ws' } }), SECRETS, site), { code: 'HL_ASTERISK_UNSUPPORTED' });
  assert.throws(() => generate(cfg({ ari: { password: 'semi;colon-password' } }), SECRETS, site), { code: 'HL_ASTERISK_UNSAFE_VALUE' });
  assert.throws(() => generate(cfg({}), { ...SECRETS, edgeSecret: 'short' }, site), { code: 'HL_ASTERISK_UNSAFE_VALUE' });
  assert.throws(() => generate(cfg({ owner: { phones: ['6099'] } }), SECRETS, site), { code: 'HL_ASTERISK_MISMATCH' });
  assert.throws(() => generate(cfg({ ice: { servers: [{ urls: 'stun:s.example' }] } }), SECRETS, validateSite({ asteriskUsesTurn: true })), { code: 'HL_ASTERISK_MISMATCH' });
  assert.throws(() => validateSite({ barred: ['09x'] }), { code: 'HL_ASTERISK_SITE' });
});
