// Config = defaults ← file ← environment, validated once at start. A bad value stops start-up
// with a message that names the key, because an owner editing JSON by hand deserves that much.
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type Config } from './schema.ts';
import { hoursProblem } from '../owner/hours.ts';

export class ConfigError extends Error {
  readonly code = 'HL_ERR_CONFIG';
}

/** Named environment variables an owner is likely to set, mapped to config paths. */
const ENV_KEYS: Record<string, string> = {
  PORT: 'port',
  HOST: 'host',
  HOMELINE_PUBLIC_URL: 'publicUrl',
  HOMELINE_DATA_DIR: 'dataDir',
  HOMELINE_LOG_LEVEL: 'logLevel',
  HOMELINE_ALLOWED_ORIGINS: 'allowedOrigins',
  HOMELINE_TRUST_PROXY: 'trustProxy',
  HOMELINE_TLS_CERT: 'tls.certFile',
  HOMELINE_TLS_KEY: 'tls.keyFile',
  HOMELINE_SIP_DOMAIN: 'sip.domain',
  HOMELINE_UPSTREAM: 'upstream.kind',
  HOMELINE_ASTERISK_WS_URL: 'upstream.asteriskWsUrl',
  HOMELINE_ARI_URL: 'ari.url',
  HOMELINE_ARI_USER: 'ari.user',
  HOMELINE_ARI_PASSWORD: 'ari.password',
  HOMELINE_IVR_MENU: 'ivr.menuFile',
};

function setPath(obj: Record<string, any>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = obj;
  for (const p of parts.slice(0, -1)) node = node[p] && typeof node[p] === 'object' ? node[p] : (node[p] = {});
  node[parts.at(-1)!] = value;
}

/** The schema node a dotted path names, or undefined for a key the schema does not have. */
function schemaAt(path: string): Record<string, any> | undefined {
  let node: Record<string, any> | undefined = ConfigSchema;
  for (const part of path.split('.')) node = node?.type === 'object' && Object.hasOwn(node.properties, part) ? node.properties[part] : undefined;
  return node;
}

/**
 * Environment values are text; the schema says what the key wants. Guessing from the text
 * instead would turn `HOMELINE__owner__extension=6001` or a digits-only password into numbers.
 */
function fromEnvText(raw: string, schema: Record<string, any> | undefined): unknown {
  const json = () => { try { return JSON.parse(raw); } catch { return raw; /* validation names the key */ } };
  switch (schema?.type) {
    case 'integer':
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'array':
      return raw.trimStart().startsWith('[') ? json() : raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'object':
      return json();
    default:
      return raw;
  }
}

/** `HOMELINE__limits__wsPerIp=8` sets any key, read as the type the schema gives it. */
function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || raw === '') continue;
    let path = ENV_KEYS[name];
    if (!path && name.startsWith('HOMELINE__')) path = name.slice('HOMELINE__'.length).split('__').join('.');
    if (!path) continue;
    setPath(out, path, fromEnvText(raw, schemaAt(path)));
  }
  return out;
}

function merge(base: any, over: any): any {
  if (Array.isArray(over) || typeof over !== 'object' || over === null) return over;
  const out = { ...(typeof base === 'object' && base && !Array.isArray(base) ? base : {}) };
  for (const [k, v] of Object.entries(over)) if (k !== '__proto__') out[k] = merge(out[k], v);
  return out;
}

const SECRET_KEY = /password|secret|credential|token|key$/i;

export interface LoadOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: Record<string, unknown>;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.HOMELINE_CONFIG ?? (existsSync('homeline.config.json') ? 'homeline.config.json' : undefined);
  let fromFile: unknown = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(resolve(file), 'utf8'), (key, value) => {
        // Copies of a parsed `__proto__` key become prototypes, out of the schema's sight.
        if (key === '__proto__') throw new Error('"__proto__" is not a config key');
        return value;
      });
    } catch (err) {
      throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
    }
  }
  const raw = merge(merge(fromFile, envOverrides(env)), opts.overrides ?? {});
  return validateConfig(raw);
}

export function validateConfig(raw: unknown): Config {
  const value = Value.Default(ConfigSchema, structuredClone(raw ?? {}));
  const errors = [...Value.Errors(ConfigSchema, value)];
  if (errors.length) {
    const lines = errors.slice(0, 5).map((e) => {
      const key = e.path.replace(/^\//, '').replaceAll('/', '.') || '(root)';
      // Start-up errors end up in logs and terminals: never echo what may be a secret.
      const got = SECRET_KEY.test(key) ? '(hidden)' : JSON.stringify(e.value)?.slice(0, 60);
      return `  ${key}: ${e.message} (got ${got})`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = value as Config;
  // One answer to "is the owner named?" for the button, the owner's token and Asterisk: a blank
  // name (HOMELINE__owner__name= in an env file) is no name.
  const name = config.owner.name?.trim();
  if (name) config.owner.name = name;
  else delete config.owner.name;
  if (config.rtp.portStart >= config.rtp.portEnd) throw new ConfigError('invalid configuration:\n  rtp.portStart: must be below rtp.portEnd');
  const users = config.visitor.targets.map((t) => t.user);
  if (new Set(users).size !== users.length) throw new ConfigError('invalid configuration:\n  visitor.targets: each user must be unique');
  if (users.includes(config.owner.extension)) throw new ConfigError('invalid configuration:\n  visitor.targets: the owner browser extension cannot be a visitor target; use kind "owner"');
  const hours = config.hours && hoursProblem(config.hours);
  if (hours) throw new ConfigError(`invalid configuration:\n  hours.${hours}`);
  checkAddresses(config);
  checkHttps(config);
  return config;
}

/**
 * Every URL and origin is checked here, before anything listens: a typo in one otherwise shows up
 * as a crash after "Server listening" (`new URL('call.example.org')`) or, for an origin, as a
 * site that is silently refused forever.
 */
function checkAddresses(config: Config): void {
  const bad = (key: string, env: string, msg: string): never => {
    throw new ConfigError(`invalid configuration:\n  ${key} (${env}): ${msg}`);
  };
  /** scheme://host[:port] and nothing after it (a trailing "/" is tolerated). */
  const origin = (key: string, env: string, text: string, schemes: string[], example: string): URL => {
    let url: URL;
    try { url = new URL(text); } catch { return bad(key, env, `${JSON.stringify(text)} is not a URL; write it with its scheme, e.g. ${example}`); }
    if (!schemes.includes(url.protocol)) bad(key, env, `${JSON.stringify(text)} must start with ${schemes.map((s) => `${s}//`).join(' or ')}, e.g. ${example}`);
    if (!url.hostname) bad(key, env, `${JSON.stringify(text)} has no host name, e.g. ${example}`);
    if (url.username || url.password) bad(key, env, `${JSON.stringify(text)} must not carry a user name or password`);
    return url;
  };
  const noPath = (key: string, env: string, text: string, url: URL, example: string) => {
    if (url.pathname !== '/' || url.search || url.hash) bad(key, env, `${JSON.stringify(text)} must be scheme://host[:port] only, without a path, e.g. ${example}`);
  };
  if (config.publicUrl) {
    const url = origin('publicUrl', 'HOMELINE_PUBLIC_URL', config.publicUrl, ['https:', 'http:'], 'https://call.example.org');
    noPath('publicUrl', 'HOMELINE_PUBLIC_URL', config.publicUrl, url, 'https://call.example.org');
  }
  for (const o of config.allowedOrigins) {
    const url = origin('allowedOrigins', 'HOMELINE_ALLOWED_ORIGINS', o, ['https:', 'http:'], 'https://www.example.org');
    // A browser's Origin header never has a path: an entry with one could never match.
    noPath('allowedOrigins', 'HOMELINE_ALLOWED_ORIGINS', o, url, 'https://www.example.org');
  }
  if (config.upstream.asteriskWsUrl) origin('upstream.asteriskWsUrl', 'HOMELINE_ASTERISK_WS_URL', config.upstream.asteriskWsUrl, ['ws:', 'wss:'], 'ws://127.0.0.1:8088/ws');
  if (config.ari.url) origin('ari.url', 'HOMELINE_ARI_URL', config.ari.url, ['http:', 'https:'], 'http://127.0.0.1:8088/ari');
  for (const [i, server] of config.ice.servers.entries()) {
    for (const u of [server.urls].flat()) {
      if (!/^(stuns?|turns?):[^\s]+$/.test(u)) bad(`ice.servers.${i}.urls`, 'HOMELINE__ice__servers', `${JSON.stringify(u)} must be a stun:, stuns:, turn: or turns: URL, e.g. turn:turn.example.org:3478`);
    }
  }
  // Listening beyond loopback without a public address: tokens would name whatever Host header a
  // request carried (behind a proxy, the proxy's own 127.0.0.1), so browsers would dial nowhere.
  if (!config.publicUrl && !['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
    bad('publicUrl', 'HOMELINE_PUBLIC_URL', `the edge listens on ${config.host}, beyond loopback, but publicUrl is empty; set it to the https:// address browsers use, e.g. HOMELINE_PUBLIC_URL=https://call.example.org`);
  }
}

/** proxy-addr's names for whole ranges, which Fastify's trustProxy also accepts. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [addr, bits, ...rest] = entry.split('/');
  const family = isIP(addr);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** One line each: the key, what is wrong, and what to write instead. */
function checkHttps(config: Config): void {
  const fail = (line: string) => { throw new ConfigError(`invalid configuration:\n  ${line}`); };
  for (const entry of config.trustProxy) {
    if (!isProxyAddress(entry)) fail(`trustProxy: ${JSON.stringify(entry).slice(0, 60)} is not an address or CIDR; list your proxies, e.g. ["127.0.0.1", "10.0.0.0/8"]`);
  }
  const { certFile, keyFile } = config.tls;
  if (Boolean(certFile) !== Boolean(keyFile)) fail(`tls.${certFile ? 'keyFile' : 'certFile'}: missing; set both tls.certFile and tls.keyFile (PEM files), or neither`);
  if (certFile && config.publicUrl && !config.publicUrl.startsWith('https://')) {
    fail(`publicUrl: the edge serves HTTPS itself (tls.certFile is set), so publicUrl must start with https://`);
  }
}

/**
 * Settings that start but are almost surely a mistake: one line each, naming the fix. Logged as
 * warnings at start (server/main.ts), never fatal: a test bench may mean them.
 */
export function configWarnings(config: Config): string[] {
  const out: string[] = [];
  // https:// in the tokens but plain HTTP here and no proxy trusted: the TLS is a proxy's, and
  // the edge sees every visitor as that proxy (one shared per-address budget, no HSTS, no Secure cookie).
  if (config.publicUrl.startsWith('https://') && !config.trustProxy.length && !config.tls.certFile) {
    out.push(`publicUrl is https:// but the edge has neither trustProxy nor its own TLS: behind a proxy every visitor looks like the proxy and shares one rate limit, and no HSTS is sent; set HOMELINE_TRUST_PROXY to your proxy's address (e.g. 127.0.0.1), or tls.certFile/tls.keyFile (docs/deploy-https.md)`);
  }
  return out;
}

/** Which upstream actually runs: `auto` means Asterisk only when its WebSocket URL is set. */
export function upstreamKind(config: Config): 'embedded' | 'asterisk' {
  if (config.upstream.kind !== 'auto') return config.upstream.kind;
  return config.upstream.asteriskWsUrl ? 'asterisk' : 'embedded';
}
