// Include mode on the real Asterisk: an owner's existing configuration (two phones, a trunk to a
// provider, a DID context, autoload=yes, their own [global]), then `npm run asterisk:config --
// --include --add-includes` as the owner runs it. Asterisk boots on the result; homeline's
// endpoints and dialplan are loaded beside the owner's; a visitor through the edge rings the
// owner's phone (a SIPp UAS) and never the provider (another SIPp UAS); the owner's own phone
// still dials out through their own context. And a name clash is refused before writing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort } from '../helpers/udp-port.ts';
import { runAsterisk, type RunningAsterisk } from './support/run-asterisk.ts';
import { startProvider, phoneDials, loggedMessages, type SippProvider } from './support/sipp.ts';
import { visitorInvite, hangUp } from './support/visitor-invite.ts';
import { startEdge, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { freePort } from '../e2e/support/edge.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const OUTSIDE = '01632960123';

/** The owner's Asterisk as they wrote it by hand, before homeline. */
function ownerConfig(ports: { trunk: number; provider: number; deskPhone: number }): Record<string, string> {
  return {
    'pjsip.conf': `; The owner's own PBX.
[global]
type=global
user_agent=home-pbx
endpoint_identifier_order=username,ip

[transport-udp]
type=transport
protocol=udp
bind=127.0.0.1:${ports.trunk}

[phone](!)
type=endpoint
transport=transport-udp
context=phones
disallow=all
allow=alaw,ulaw
media_encryption=sdes
direct_media=no

[6001](phone)
auth=6001-auth
aors=6001
[6001-auth]
type=auth
auth_type=userpass
username=6001
password=kitchen-phone-passw0rd
[6001]
type=aor
max_contacts=1

; The desk phone at a fixed address: no registration needed.
[6002](phone)
auth=6002-auth
aors=6002
[6002-auth]
type=auth
auth_type=userpass
username=6002
password=office-phone-passw0rd
[6002]
type=aor
contact=sip:6002@127.0.0.1:${ports.deskPhone}

[provider]
type=endpoint
transport=transport-udp
context=from-provider
identify_by=ip
disallow=all
allow=alaw,ulaw
aors=provider
[provider]
type=aor
contact=sip:127.0.0.1:${ports.provider}
[provider-identify]
type=identify
endpoint=provider
match=127.0.0.1/32
`,
    'extensions.conf': `[general]
static=yes
writeprotect=yes

[globals]
TRUNK=provider

[phones]
exten => _6XXX,1,Dial(PJSIP/\${EXTEN},20)
exten => _0X.,1,Dial(PJSIP/\${EXTEN}@\${TRUNK},60)
 same => n,Hangup()

; The home's DIDs ring both phones.
[from-provider]
exten => _X.,1,Dial(PJSIP/6001&PJSIP/6002,30)
 same => n,Hangup()
`,
    'http.conf': '[general]\nenabled=no\nbindaddr=127.0.0.1\n',
    'modules.conf': '[modules]\nautoload=yes\nnoload => chan_sip.so\nnoload => chan_iax2.so\n',
    'logger.conf': '[logfiles]\nmessages.log => notice,warning,error,verbose\n',
  };
}

let root: string;
let etc: string;
let owner: Record<string, string>;
let asterisk: RunningAsterisk | undefined;
let edge: TestEdge | undefined;
let provider: SippProvider | undefined;
let deskPhone: SippProvider | undefined;
let cli: ReturnType<typeof spawnSync>;
let trunkPort: number;
let env: NodeJS.ProcessEnv;

const generator = (args: string[]) =>
  spawnSync(join(repo, 'node_modules/.bin/tsx'), ['server/cli/asterisk-config.ts', ...args], { cwd: repo, env, encoding: 'utf8' });

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'hl-include-'));
  etc = join(root, 'etc');
  const dataDir = join(root, 'data');
  mkdirSync(etc);
  mkdirSync(dataDir);
  const httpPort = await freePort();
  const ports = { trunk: await freeUdpPort(), provider: await freeUdpPort(), deskPhone: await freeUdpPort() };
  trunkPort = ports.trunk;
  owner = ownerConfig(ports);
  for (const [f, text] of Object.entries(owner)) writeFileSync(join(etc, f), text);
  writeFileSync(join(dataDir, 'asterisk.json'), JSON.stringify({ phones: [{ extension: '6001', name: 'Kitchen' }, { extension: '6002', name: 'Office' }] }));
  writeFileSync(join(root, 'homeline.config.json'), JSON.stringify({ owner: { phones: ['6002'] } }));
  env = {
    ...process.env, HOMELINE_DATA_DIR: dataDir, HOMELINE_CONFIG: join(root, 'homeline.config.json'),
    HOMELINE_ASTERISK_WS_URL: `ws://127.0.0.1:${httpPort}/ws`, HOMELINE_ARI_URL: `http://127.0.0.1:${httpPort}/ari`,
  };
  cli = generator(['--include', '--add-includes', '--out', etc]);
  assert.equal(cli.status, 0, `${cli.stdout}\n${cli.stderr}`);
  provider = await startProvider(mkdirP(join(root, 'provider')), ports.provider);
  deskPhone = await startProvider(mkdirP(join(root, 'desk-phone')), ports.deskPhone);
  asterisk = await runAsterisk(join(root, 'asterisk'), etc);
  edge = await startEdge({ dataDir, owner: { phones: ['6002'] }, upstream: { asteriskWsUrl: env.HOMELINE_ASTERISK_WS_URL }, ari: { url: env.HOMELINE_ARI_URL } });
});

function mkdirP(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

after(async () => {
  await edge?.close().catch(() => {});
  await asterisk?.stop();
  await provider?.stop();
  await deskPhone?.stop();
  if (!process.env.HOMELINE_TEST_KEEP) rmSync(root, { recursive: true, force: true });
});

test('--include --add-includes: homeline writes only its own files, appends one line to each of the owner\'s, keeps a backup', () => {
  assert.deepEqual(readdirSync(join(etc, 'homeline')).sort(), ['ari.conf', 'extensions.conf', 'http.conf', 'modules.conf', 'pjsip.conf', 'rtp.conf', 'voicemail.conf']);
  for (const f of ['pjsip.conf', 'extensions.conf', 'http.conf', 'modules.conf']) {
    const now = readFileSync(join(etc, f), 'utf8');
    assert.ok(now.startsWith(owner[f]), `${f}: the owner's text is untouched, homeline only appends`);
    assert.match(now.slice(owner[f].length), new RegExp(`^\\n; homeline[^\\n]*\\n#include homeline/${f.replace('.', '\\.')}\\n$`));
    assert.equal(readdirSync(etc).filter((n) => n.startsWith(`${f}.homeline-backup-`)).length, 1, `${f} backed up once`);
  }
  assert.equal(readFileSync(join(etc, 'logger.conf'), 'utf8'), owner['logger.conf'], 'a file homeline has no part in is left alone');
  assert.match(String(cli.stdout), /changes your setting: http\.conf \[general\] enabled no → yes/);
  assert.match(String(cli.stdout), /endpoint_identifier_order username,ip → header,username,ip/);
  // A second run is idempotent: no second include line, no second backup.
  const again = generator(['--include', '--add-includes', '--out', etc]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(readFileSync(join(etc, 'pjsip.conf'), 'utf8').split('#include homeline/pjsip.conf').length, 2);
  assert.equal(readdirSync(etc).filter((n) => n.startsWith('pjsip.conf.homeline-backup-')).length, 1);
});

test('the real Asterisk loads homeline\'s endpoints and dialplan beside the owner\'s, with the settings homeline needs', () => {
  const endpoints = asterisk!.cli('pjsip show endpoints');
  for (const name of ['visitor', '6000', '6001', '6002', 'provider']) assert.match(endpoints, new RegExp(`Endpoint:\\s+${name}\\b`), `endpoint ${name}`);
  for (const ctx of ['from-web', 'operator-menu', 'ivr-exits', 'ivr-ring', 'ring-owner', 'leave-word', 'phones', 'from-provider']) {
    assert.match(asterisk!.cli(`dialplan show ${ctx}`), new RegExp(`\\[ Context '${ctx}'`), `context ${ctx}`);
  }
  // The owner's contexts are theirs, unchanged: [from-provider] still rings both phones and nothing of homeline's is in it.
  assert.match(asterisk!.cli('dialplan show from-provider'), /Dial\(PJSIP\/6001&PJSIP\/6002,30\)/);
  assert.doesNotMatch(asterisk!.cli('dialplan show phones'), /Include/);
  assert.match(asterisk!.cli('pjsip show settings'), /endpoint_identifier_order\s*:\s*header,username,ip/);
  assert.match(asterisk!.cli('http show status'), new RegExp(`Server Enabled and Bound to 127\\.0\\.0\\.1:${new URL(env.HOMELINE_ASTERISK_WS_URL!).port}`));
  assert.match(asterisk!.cli('module show like chan_sip'), /0 modules loaded/);
  assert.match(asterisk!.cli('module show like res_ari_channels'), /1 modules loaded/);
  // The owner's autoload=yes still holds: a module neither file names is loaded.
  assert.match(asterisk!.cli('module show like app_echo'), /1 modules loaded/);
});

test('a visitor through the edge rings the owner\'s phone and never the provider; the owner\'s phone still dials out', async () => {
  const ua = await connectedVisitor(edge!);
  try {
    for (const uri of ['sip:owner@home.arpa', `sip:${OUTSIDE}@home.arpa`, 'sip:provider@home.arpa', 'sip:6001@home.arpa', 'tel:+441632960123']) {
      const { dialog } = await visitorInvite(ua, uri);
      if (dialog) await hangUp(ua, dialog);
    }
  } finally {
    await ua.close();
  }
  const rung = loggedMessages(deskPhone!.log).filter((m) => m.startsWith('INVITE '));
  assert.equal(rung.length, 1, 'the owner\'s desk phone rang once, for the visitor\'s call to the owner');
  assert.match(rung[0], /From: "Website visitor" <sip:visitor@/);
  assert.deepEqual(provider!.invites(), [], 'no visitor INVITE reached the provider');

  // Positive control: the owner's phone, in the owner's [phones] context, reaches the provider.
  const password = /\[6001-auth\][^[]*?password=(\S+)/.exec(owner['pjsip.conf'])![1];
  const call = await phoneDials(mkdirP(join(root, 'phone')), { asterisk: `127.0.0.1:${trunkPort}`, user: '6001', password, number: OUTSIDE, localPort: await freeUdpPort() });
  assert.equal(call.status, 486, 'the provider\'s busy comes back to the phone');
  assert.deepEqual(provider!.invites().map((u) => u.includes(OUTSIDE)), [true]);
});

test('a name homeline needs already in the owner\'s configuration is refused before anything is written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-include-clash-'));
  try {
    writeFileSync(join(dir, 'pjsip.conf'), `${owner['pjsip.conf']}\n[6000](phone)\nauth=6001-auth\n\n[transport-ws]\ntype=transport\nprotocol=ws\nbind=0.0.0.0\n`);
    writeFileSync(join(dir, 'extensions.conf'), `${owner['extensions.conf']}\n[from-web]\nexten => _X.,1,Dial(PJSIP/\${EXTEN}@provider)\n`);
    const r = generator(['--include', '--out', dir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /HL_ASTERISK_SECTION_CLASH/);
    assert.match(r.stderr, /\[6000\] in pjsip\.conf:\d+: set owner\.extension/);
    assert.match(r.stderr, /\[transport-ws\] in pjsip\.conf:\d+/);
    assert.match(r.stderr, /\[from-web\] in extensions\.conf:\d+: rename your context/);
    assert.deepEqual(readdirSync(dir).sort(), ['extensions.conf', 'pjsip.conf'], 'nothing written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
