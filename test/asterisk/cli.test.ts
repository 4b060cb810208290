// The real command, run as the owner would: writes the files, keeps the owner's phone secrets
// on the second run, and refuses (exit 1, codes printed) when a hand edit breaks an invariant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, statSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../server/cli/asterisk-config.ts', import.meta.url).pathname;
// The command runs in a scratch directory, so tsx is named by its resolved location.
const TSX = import.meta.resolve('tsx');

function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, HOMELINE_DATA_DIR: join(cwd, 'data'), HOMELINE_CONFIG: '', ...env },
  });
}

test('asterisk:config writes the files, keeps phone secrets, and re-checks the owner\'s include files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-astcli-'));
  try {
    const first = run(dir, ['--out', 'out']);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /invariants hold/);
    const secretsFile = join(dir, 'out', 'pjsip_phone_secrets.conf');
    assert.equal(statSync(secretsFile).mode & 0o777, 0o600);
    const edgeSecret = JSON.parse(readFileSync(join(dir, 'data', 'secrets.json'), 'utf8')).edgeSecret;
    assert.ok(readFileSync(join(dir, 'out', 'pjsip.conf'), 'utf8').includes(`visitor-${edgeSecret}`));
    const phones = readFileSync(secretsFile, 'utf8');
    const second = run(dir, ['--out', 'out']);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(readFileSync(secretsFile, 'utf8'), phones, 'the owner\'s phone passwords survive regeneration');
    // An owner's trunk file that lets anyone in is caught on the next run.
    writeFileSync(join(dir, 'out', 'pjsip_trunks.conf'), '[provider](trunk-tpl)\n');
    const third = run(dir, ['--out', 'out']);
    assert.equal(third.status, 1);
    assert.match(third.stderr, /HL_UNAUTHENTICATED pjsip_trunks\.conf:1/);
    assert.ok(!existsSync(join(dir, 'out', 'sip.conf')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('asterisk:config for an Asterisk on a private link says where its listeners are: the VPN address it bound, not "loopback"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-astcli-'));
  try {
    const res = run(dir, ['--out', 'out'], { HOMELINE_ASTERISK_WS_URL: 'ws://10.8.0.2:8088/ws' });
    assert.equal(res.status, 0, res.stderr);
    assert.match(readFileSync(join(dir, 'out', 'http.conf'), 'utf8'), /^bindaddr=10\.8\.0\.2$/m);
    assert.match(res.stdout, /invariants hold: .*listeners on 10\.8\.0\.2 only\./);
    assert.doesNotMatch(res.stdout, /loopback/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('asterisk:config without --out explains itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-astcli-'));
  try {
    const r = run(dir, []);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: npm run asterisk:config -- --out DIR/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('asterisk:config refuses an Asterisk whose astcachedir has a dot, before writing anything', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-astcli-'));
  try {
    const out = join(dir, 'out');
    mkdirSync(out);
    // Asterisk's sample style: the section is written as a template and read all the same.
    writeFileSync(join(out, 'asterisk.conf'), '[directories](!)\nastetcdir => /etc/asterisk\nastcachedir => /tmp/tmp.AbC123/cache\n');
    const refused = run(dir, ['--out', 'out']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^HL_ASTERISK_CACHEDIR: astcachedir \/tmp\/tmp\.AbC123\/cache \(\[directories\] of .*asterisk\.conf\) contains a dot: .*silence/m);
    assert.ok(!existsSync(join(out, 'pjsip.conf')), 'nothing written for an Asterisk that would play silence');

    writeFileSync(join(out, 'asterisk.conf'), '[directories]\nastcachedir => /var/cache/asterisk-homeline\n');
    const accepted = run(dir, ['--out', 'out']);
    assert.equal(accepted.status, 0, accepted.stderr);
    assert.ok(existsSync(join(out, 'pjsip.conf')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('asterisk:config never overwrites a file it did not write; --force replaces it and keeps a backup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-astcli-'));
  try {
    mkdirSync(join(dir, 'etc'));
    const owners = '; my own dialplan\n[default]\nexten => 100,1,Answer()\n';
    writeFileSync(join(dir, 'etc', 'extensions.conf'), owners);
    const refused = run(dir, ['--out', 'etc']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /HL_ASTERISK_FOREIGN_FILES: .*extensions\.conf, not written by homeline; nothing was written/);
    assert.match(refused.stderr, /--force/);
    assert.equal(readFileSync(join(dir, 'etc', 'extensions.conf'), 'utf8'), owners);
    assert.ok(!existsSync(join(dir, 'etc', 'pjsip.conf')), 'nothing written beside it');

    const forced = run(dir, ['--out', 'etc', '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    const backups = readdirSync(join(dir, 'etc')).filter((f) => /^extensions\.conf\.homeline-backup-\d{8}T\d{6}Z$/.test(f));
    assert.equal(backups.length, 1);
    assert.equal(readFileSync(join(dir, 'etc', backups[0]), 'utf8'), owners);
    // Every file homeline wrote carries the marker, so the next run replaces them without --force.
    for (const f of readdirSync(join(dir, 'etc')).filter((f) => f.endsWith('.conf') && f !== 'pjsip_phone_secrets.conf')) {
      assert.match(readFileSync(join(dir, 'etc', f), 'utf8'), /^; Generated by homeline \(npm run asterisk:config\)\./, f);
    }
    const again = run(dir, ['--out', 'etc']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readdirSync(join(dir, 'etc')).filter((f) => f.includes('homeline-backup')).length, 1, 'no new backup of its own files');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('asterisk:config --include checks the owner\'s whole configuration, their own #include globs followed, and writes nothing on a violation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-astcli-'));
  try {
    const etc = join(dir, 'etc');
    mkdirSync(join(etc, 'phones'), { recursive: true });
    writeFileSync(join(etc, 'pjsip.conf'), '[transport-lan]\ntype=transport\nprotocol=udp\nbind=127.0.0.1:5070\n#include phones/*.conf\n');
    writeFileSync(join(etc, 'phones', 'kitchen.conf'), '[kitchen]\ntype=endpoint\ncontext=phones\nauth=kitchen-auth\n[kitchen-auth]\ntype=auth\nusername=kitchen\npassword=a-long-kitchen-password\n');
    // The door phone the owner forgot to give a password: anyone naming it would get in.
    writeFileSync(join(etc, 'phones', 'door.conf'), '[door]\ntype=endpoint\ncontext=phones\n');
    writeFileSync(join(etc, 'modules.conf'), '[modules]\nautoload=yes\nload => res_pjsip_endpoint_identifier_anonymous.so\n');
    const refused = run(dir, ['--include', '--out', 'etc']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /HL_UNAUTHENTICATED phones\/door\.conf:1: endpoint door has no auth/);
    assert.match(refused.stderr, /HL_ANONYMOUS modules\.conf:1: res_pjsip_endpoint_identifier_anonymous is loaded/);
    assert.doesNotMatch(refused.stderr, /kitchen/, 'the owner\'s phone with a password passes');
    assert.ok(!existsSync(join(etc, 'homeline')), 'nothing written');

    rmSync(join(etc, 'phones', 'door.conf'));
    writeFileSync(join(etc, 'modules.conf'), '[modules]\nautoload=yes\n');
    const ok = run(dir, ['--include', '--out', 'etc']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Add these lines at the END of your files[^]*pjsip\.conf: {2}#include homeline\/pjsip\.conf/);
    assert.equal(readFileSync(join(etc, 'pjsip.conf'), 'utf8').includes('homeline'), false, 'without --add-includes the owner\'s files are not touched');
    // http.conf did not exist: homeline's own, which is only the include.
    assert.match(readFileSync(join(etc, 'http.conf'), 'utf8'), /^; Generated by homeline[^]*\n#include homeline\/http\.conf\n$/);

    // An include cycle in the owner's files is named, not followed forever.
    writeFileSync(join(etc, 'phones', 'loop.conf'), '#include pjsip.conf\n');
    const cycle = run(dir, ['--include', '--out', 'etc']);
    assert.equal(cycle.status, 1);
    assert.match(cycle.stderr, /HL_ASTERISK_CONF_SYNTAX: phones\/loop\.conf:1: #include cycle: pjsip\.conf → phones\/loop\.conf → pjsip\.conf/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('asterisk:config --include: the owner\'s public TLS listener for their phones is refused until they name it in openTransports; plain UDP beyond loopback never passes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-astcli-'));
  try {
    const etc = join(dir, 'etc');
    mkdirSync(etc);
    mkdirSync(join(dir, 'data'));
    const tls = '[tls-phones]\ntype=transport\nprotocol=tls\nbind=0.0.0.0:5061\ncert_file=/etc/asterisk/keys/pbx.crt\npriv_key_file=/etc/asterisk/keys/pbx.key\n';
    writeFileSync(join(etc, 'pjsip.conf'), tls);
    const refused = run(dir, ['--include', '--out', 'etc']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /HL_LISTENER_PUBLIC pjsip\.conf:1: transport tls-phones binds 0\.0\.0\.0:5061, beyond loopback, .*list it in "openTransports"/);
    writeFileSync(join(dir, 'data', 'asterisk.json'), JSON.stringify({ openTransports: ['tls-phones', 'udp-lan'] }));
    const opened = run(dir, ['--include', '--out', 'etc']);
    assert.equal(opened.status, 0, opened.stderr);
    // Naming a plain UDP listener does not make it acceptable.
    writeFileSync(join(etc, 'pjsip.conf'), `${tls}\n[udp-lan]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n`);
    const plain = run(dir, ['--include', '--out', 'etc']);
    assert.equal(plain.status, 1);
    assert.match(plain.stderr, /HL_LISTENER_PLAIN pjsip\.conf:\d+: transport udp-lan is plain udp beyond loopback/);
    assert.doesNotMatch(plain.stderr, /tls-phones/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
