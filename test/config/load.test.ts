import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, validateConfig, upstreamKind, ConfigError, configWarnings } from '../../server/config/load.ts';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'hl-config-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: unknown): string {
  const path = join(dir, `c${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
/** Loads with only the given environment, never the developer's own homeline.config.json. */
const load = (content: unknown = {}, env: Record<string, string> = {}, overrides?: Record<string, unknown>) =>
  loadConfig({ file: file(content), env, overrides });

function refused(fn: () => unknown, ...expect: RegExp[]): string {
  let message = '';
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    assert.equal(err.code, 'HL_ERR_CONFIG');
    message = err.message;
    return true;
  });
  for (const re of expect) assert.match(message, re);
  return message;
}

describe('defaults', () => {
  test('an empty config is valid and complete', () => {
    const c = validateConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.sip.domain, 'home.arpa');
    assert.equal(c.sip.maxMessageBytes, 16384);
    assert.equal(c.owner.extension, '6000');
    assert.deepEqual(c.visitor.targets.map((t) => t.user), ['owner', '100']);
    assert.equal(c.visitor.sessionMinutes, 30);
    assert.equal(c.tokens.connectSeconds, 30);
    assert.ok(c.tokens.connectSeconds <= 60);
    assert.equal(c.limits.visitorCallsTotal, 2);
    assert.equal(c.upstream.kind, 'auto');
    assert.equal(upstreamKind(c), 'embedded');
  });
  test('validateConfig does not modify its input', () => {
    const raw = { limits: { wsPerIp: 3 } };
    validateConfig(raw);
    assert.deepEqual(raw, { limits: { wsPerIp: 3 } });
  });
  test('a file sets values, the rest keeps defaults', () => {
    const c = load({ port: 9000, limits: { wsPerIp: 8 } });
    assert.equal(c.port, 9000);
    assert.equal(c.limits.wsPerIp, 8);
    assert.equal(c.limits.messagesPerSecond, 20);
  });
  test('upstream: auto means Asterisk only when its URL is set', () => {
    assert.equal(upstreamKind(load({ upstream: { asteriskWsUrl: 'ws://127.0.0.1:8088/ws' } })), 'asterisk');
    assert.equal(upstreamKind(load({ upstream: { kind: 'embedded', asteriskWsUrl: 'ws://127.0.0.1:8088/ws' } })), 'embedded');
  });
});

describe('a bad value names the key', () => {
  test('in the file', () => {
    refused(() => load({ limits: { wsPerIp: 0 } }), /limits\.wsPerIp/, /got 0/);
    refused(() => load({ port: 70000 }), /^invalid configuration:\n {2}port: /);
    refused(() => load({ logLevel: 'loud' }), /logLevel/);
    refused(() => load({ sip: { domain: 'Home Arpa' } }), /sip\.domain/);
    refused(() => load({ owner: { extension: 6000 } }), /owner\.extension/);
    refused(() => load({ tokens: { connectSeconds: 600 } }), /tokens\.connectSeconds/);
    refused(() => load({ visitor: { targets: [{ user: 'owner', label: 'x', kind: 'trunk' }] } }), /visitor\.targets\.0\.kind/);
  });
  test('an unknown key', () => {
    refused(() => load({ limits: { wsPerIPP: 3 } }), /^invalid configuration:\n {2}limits\.wsPerIPP: Unexpected property \(got 3\)$/);
    refused(() => load({ prot: 80 }), /^invalid configuration:\n {2}prot: Unexpected property \(got 80\)$/);
  });
  test('from the environment', () => {
    refused(() => load({}, { PORT: 'eighty' }), /port/, /eighty/);
    refused(() => load({}, { HOMELINE__limits__wsPerIp: '-2' }), /limits\.wsPerIp/);
    refused(() => load({}, { HOMELINE_LOG_LEVEL: 'chatty' }), /logLevel/);
    refused(() => load({}, { HOMELINE__limits__nope: '1' }), /^invalid configuration:\n {2}limits\.nope: Unexpected property \(got "1"\)$/);
    refused(() => load({}, { HOMELINE__visitor__targets: '[{"user":"owner"' }), /visitor\.targets/);
  });
  test('cross-field checks', () => {
    refused(() => load({ rtp: { portStart: 20000, portEnd: 19999 } }), /rtp\.portStart/);
    refused(() => load({ visitor: { targets: [{ user: 'a', label: 'A', kind: 'ivr' }, { user: 'a', label: 'B', kind: 'owner' }] } }), /visitor\.targets: each user must be unique/);
    refused(() => load({ visitor: { targets: [{ user: '6000', label: 'A', kind: 'extension' }] } }), /owner browser extension/);
  });
  test('an unreadable file names the file', () => {
    refused(() => load('{ "port": 80, }'), /config file .*c\d+\.json/);
    refused(() => loadConfig({ file: join(dir, 'missing.json'), env: {} }), /missing\.json/);
  });
  test('HOMELINE_CONFIG names the file', () => {
    const c = loadConfig({ env: { HOMELINE_CONFIG: file({ port: 9100 }) } });
    assert.equal(c.port, 9100);
  });
  test('a secret-looking value is never echoed in the error', () => {
    const message = refused(() => load({ ari: { password: 987654321 } }), /ari\.password/);
    assert.doesNotMatch(message, /987654321/);
    const ice = refused(() => load({ ice: { servers: [{ urls: 'turn:x', credential: 12345678 }] } }), /ice\.servers\.0\.credential/);
    assert.doesNotMatch(ice, /12345678/);
  });
});

describe('environment overrides', () => {
  test('named variables', () => {
    const c = load({}, { PORT: '9090', HOST: '0.0.0.0', HOMELINE_PUBLIC_URL: 'https://call.example.org', HOMELINE_SIP_DOMAIN: 'example.home.arpa', HOMELINE_ASTERISK_WS_URL: 'ws://127.0.0.1:8088/ws' });
    assert.equal(c.port, 9090);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.sip.domain, 'example.home.arpa');
    assert.equal(upstreamKind(c), 'asterisk');
  });
  test('HOMELINE__a__b reaches any key, typed by the schema', () => {
    const c = load({}, { HOMELINE__limits__wsPerIp: '8', HOMELINE__visitor__callMinutes: '2.5', HOMELINE__tokens__issuer: 'edge-2' });
    assert.equal(c.limits.wsPerIp, 8);
    assert.equal(c.visitor.callMinutes, 2.5);
    assert.equal(c.tokens.issuer, 'edge-2');
  });
  test('digits for a string key stay a string (extension, password)', () => {
    const c = load({}, { HOMELINE__owner__extension: '6001', HOMELINE_ARI_PASSWORD: '123456', HOMELINE__sip__domain: '123' });
    assert.equal(c.owner.extension, '6001');
    assert.equal(c.ari.password, '123456');
    assert.equal(c.sip.domain, '123');
  });
  test('lists: comma-separated or JSON', () => {
    assert.deepEqual(load({}, { HOMELINE_ALLOWED_ORIGINS: 'https://a.example, https://b.example,' }).allowedOrigins, ['https://a.example', 'https://b.example']);
    assert.deepEqual(load({}, { HOMELINE__owner__phones: '6001,6002' }).owner.phones, ['6001', '6002']);
    const targets = load({}, { HOMELINE__visitor__targets: JSON.stringify([{ user: 'owner', label: 'Ring me', kind: 'owner' }]) }).visitor.targets;
    assert.deepEqual(targets, [{ user: 'owner', label: 'Ring me', kind: 'owner' }]);
  });
  test('precedence: defaults < file < environment < overrides', () => {
    const f = { port: 9000, limits: { wsPerIp: 5, messageBurst: 50 } };
    const c = load(f, { PORT: '9001', HOMELINE__limits__wsPerIp: '6' }, { port: 9002 });
    assert.equal(c.port, 9002);
    assert.equal(c.limits.wsPerIp, 6);
    assert.equal(c.limits.messageBurst, 50);
    assert.equal(c.limits.messagesPerSecond, 20);
  });
  test('empty and unrelated variables are ignored', () => {
    const c = load({ port: 9000 }, { PORT: '', HOMELINE_NOPE: 'x', HOMELINEX__port: '1', PATH: '/usr/bin' });
    assert.equal(c.port, 9000);
  });
  test('a __proto__ key in the file is refused as unknown and pollutes nothing', () => {
    refused(() => load('{"__proto__": {"polluted": true}, "port": 9000}'), /__proto__/);
    refused(() => load('{"limits": {"__proto__": {"wsPerIp": 1}}}'), /__proto__/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('HTTPS keys: trustProxy and tls', () => {
  test('defaults trust no proxy and serve plain HTTP', () => {
    const c = validateConfig({});
    assert.deepEqual(c.trustProxy, []);
    assert.deepEqual(c.tls, { certFile: '', keyFile: '' });
  });

  test('trustProxy takes addresses and CIDRs, from the file or HOMELINE_TRUST_PROXY', () => {
    assert.deepEqual(load({ trustProxy: ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback'] }).trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
    assert.deepEqual(load({}, { HOMELINE_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy, ['127.0.0.1', '10.0.0.0/8']);
  });

  test('a trustProxy entry that is not an address is refused in one line naming the key and the fix', () => {
    for (const bad of ['true', 'nginx.local', '10.0.0.0/33', '1.2.3.4/8/1', '*']) {
      const msg = refused(() => load({ trustProxy: [bad] }), /trustProxy: /, /e\.g\. \["127\.0\.0\.1", "10\.0\.0\.0\/8"\]/);
      assert.equal(msg.split('\n').filter((l) => l.includes('trustProxy')).length, 1);
    }
    // `true` (trust everyone) is not even the right type: the schema refuses it.
    refused(() => load({ trustProxy: true }), /trustProxy/);
  });

  test('tls wants both files, and an https publicUrl when set', () => {
    assert.deepEqual(load({}, { HOMELINE_TLS_CERT: '/c.pem', HOMELINE_TLS_KEY: '/k.pem' }).tls, { certFile: '/c.pem', keyFile: '/k.pem' });
    refused(() => load({ tls: { certFile: '/c.pem' } }), /tls\.keyFile: missing; set both tls\.certFile and tls\.keyFile/);
    refused(() => load({ tls: { keyFile: '/k.pem' } }), /tls\.certFile: missing/);
    refused(() => load({ tls: { certFile: '/c.pem', keyFile: '/k.pem' }, publicUrl: 'http://call.example.org' }), /publicUrl: .* must start with https:\/\//);
    assert.equal(load({ tls: { certFile: '/c.pem', keyFile: '/k.pem' }, publicUrl: 'https://call.example.org' }).publicUrl, 'https://call.example.org');
  });

  test('an https publicUrl with neither trustProxy nor the edge\'s own TLS is warned about, naming the fix', () => {
    const [warning, ...more] = configWarnings(load({ publicUrl: 'https://call.example.org' }));
    assert.deepEqual(more, []);
    assert.match(warning, /^publicUrl is https:\/\/ but the edge has neither trustProxy nor its own TLS: .*set HOMELINE_TRUST_PROXY to your proxy's address/);
    assert.deepEqual(configWarnings(load({ publicUrl: 'https://call.example.org', trustProxy: ['127.0.0.1'] })), []);
    assert.deepEqual(configWarnings(load({ publicUrl: 'https://call.example.org', tls: { certFile: '/c.pem', keyFile: '/k.pem' } })), []);
    assert.deepEqual(configWarnings(load({ publicUrl: 'http://192.168.1.5:8080', host: '0.0.0.0' })), [], 'a plain-HTTP LAN test bench is not warned about');
    assert.deepEqual(configWarnings(load({})), []);
  });
});

describe('addresses are checked before anything listens', () => {
  test('a public URL without its scheme names the key, the variable and the fix', () => {
    refused(() => load({}, { HOMELINE_PUBLIC_URL: 'call.example.org' }), /publicUrl \(HOMELINE_PUBLIC_URL\)/, /not a URL/, /https:\/\/call\.example\.org/);
  });
  test('a public URL with a path or another scheme is refused', () => {
    refused(() => load({}, { HOMELINE_PUBLIC_URL: 'https://example.org/call' }), /without a path/);
    refused(() => load({}, { HOMELINE_PUBLIC_URL: 'ftp://example.org' }), /must start with https:\/\/ or http:\/\//);
  });
  test('an origin without a scheme could never match, so it is refused', () => {
    refused(() => load({}, { HOMELINE_ALLOWED_ORIGINS: 'https://a.example,www.example.org' }), /allowedOrigins/, /"www\.example\.org"/, /https:\/\/www\.example\.org/);
    refused(() => load({ allowedOrigins: ['https://www.example.org/page'] }), /without a path/);
  });
  test('well-formed addresses pass, a trailing slash included', () => {
    const c = load({}, { HOMELINE_PUBLIC_URL: 'https://call.example.org/', HOMELINE_ALLOWED_ORIGINS: 'https://www.example.org/,http://localhost:3000' });
    assert.equal(c.publicUrl, 'https://call.example.org/');
  });
  test('the Asterisk and ARI URLs need their schemes', () => {
    refused(() => load({}, { HOMELINE_ASTERISK_WS_URL: '127.0.0.1:8088/ws' }), /upstream\.asteriskWsUrl \(HOMELINE_ASTERISK_WS_URL\)/);
    refused(() => load({}, { HOMELINE_ASTERISK_WS_URL: 'http://127.0.0.1:8088/ws' }), /must start with ws:\/\/ or wss:\/\//);
    refused(() => load({}, { HOMELINE_ARI_URL: 'ws://127.0.0.1:8088/ari' }), /ari\.url/);
  });
  test('ICE servers must be stun:/turn: URLs', () => {
    refused(() => load({ ice: { servers: [{ urls: 'turn.example.org:3478' }] } }), /ice\.servers\.0\.urls/, /turn:turn\.example\.org/);
  });
  test('listening beyond loopback needs the public URL that tokens name', () => {
    refused(() => load({}, { HOST: '0.0.0.0' }), /publicUrl/, /listens on 0\.0\.0\.0/, /HOMELINE_PUBLIC_URL=https:/);
    assert.equal(load({}, { HOST: '::1' }).host, '::1');
  });
});
