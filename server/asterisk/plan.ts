import { createHash } from 'node:crypto';
// One derivation of everything Asterisk must agree on with the edge: where its HTTP server
// listens (from the edge's WebSocket and ARI URLs), the secret headers, the ARI user, the RTP range
// and the STUN/TURN servers the browsers get. The renderers and the invariant checks both read
// this, so the edge and Asterisk cannot drift apart. Pure.
import type { Config, VisitorTarget } from '../config/schema.ts';
import type { Site } from './site.ts';
import { AsteriskConfigError } from './errors.ts';

export const DEFAULT_WS_URL = 'ws://127.0.0.1:8088/ws';
/** The visitor endpoint and the context the edge's IVR may `continue` a visitor into. */
export const VISITOR_ENDPOINT = 'visitor';
export const VISITOR_CONTEXT = 'from-web';
export const IVR_EXIT_CONTEXT = 'ivr-exits';
/** Where the IVR's ring action continues a visitor's channel (server/ivr/README.md). */
export const IVR_RING_CONTEXT = 'ivr-ring';
export const EDGE_HEADER = 'X-Homeline-Edge';
export const TRUNK_TEMPLATE = 'trunk-tpl';

export interface HostPort { host: string; port: number }

export interface AsteriskPlan {
  domain: string;
  edgeSecret: string;
  http: HostPort & { prefix: string };
  /**
   * Asterisk HTTP sessions: the `sessionlimit` to write, and what the edge may hold at once:
   * visitor channels (capped) plus the owner's reserve (tabs, ARI, probes).
   */
  sessions: { limit: number; visitorChannels: number; ownerReserve: number };
  ari: { user: string; password: string; app: string };
  owner: {
    extension: string; name: string; phones: string[]; ringSeconds: number; mailbox: string;
    /** The endpoint the owner tab's own requests are identified as (see ownerTabEndpoint). */
    tabEndpoint: string;
  };
  phones: { extension: string; name: string }[];
  /** Home extensions a visitor may ring (IVR "dial an extension", extension targets). */
  visitorExtensions: string[];
  targets: VisitorTarget[];
  rtp: { start: number; end: number };
  stun?: HostPort;
  turn?: HostPort & { username: string; password: string };
  codecs: string[];
  tls?: Site['tls'];
  dtls?: Site['dtls'];
  nat?: Site['nat'];
  barred: string[];
  trunk?: string;
  did: 'owner' | 'ivr';
  /** pjsip transports the owner explicitly opened beyond loopback (the phones' TLS listener). */
  publicTransports: string[];
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function parseUrl(text: string, what: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new AsteriskConfigError('HL_ASTERISK_MISMATCH', `${what} is not a URL: ${text}`);
  }
}

/** Asterisk serves `/ws` and `/ari` under one optional `prefix` of its HTTP server. */
function httpFromUrls(wsText: string, ariText: string): AsteriskPlan['http'] {
  const ws = parseUrl(wsText, 'upstream.asteriskWsUrl');
  if (ws.protocol !== 'ws:') {
    throw new AsteriskConfigError('HL_ASTERISK_UNSUPPORTED', `upstream.asteriskWsUrl must be ws:// on loopback or a private link (got ${ws.protocol})`);
  }
  const m = /^\/(?:([A-Za-z0-9_-]+)\/)?ws\/?$/.exec(ws.pathname);
  if (!m) throw new AsteriskConfigError('HL_ASTERISK_MISMATCH', `upstream.asteriskWsUrl path must be /ws or /<prefix>/ws (got ${ws.pathname})`);
  const prefix = m[1] ?? '';
  if (/^(0\.0\.0\.0|::|\[::\])$/.test(ws.hostname)) {
    throw new AsteriskConfigError('HL_ASTERISK_MISMATCH', 'upstream.asteriskWsUrl must name the address Asterisk listens on, not a wildcard');
  }
  const port = Number(ws.port || 80);
  const host = ws.hostname.replace(/^\[|\]$/g, '');
  const ari = parseUrl(ariText, 'ari.url');
  const ariPort = Number(ari.port || 80);
  const ariPath = prefix ? `/${prefix}/ari` : '/ari';
  if (ari.protocol !== 'http:' || ari.hostname.replace(/^\[|\]$/g, '') !== host || ariPort !== port || ari.pathname.replace(/\/$/, '') !== ariPath) {
    throw new AsteriskConfigError(
      'HL_ASTERISK_MISMATCH',
      `ari.url (${ariText}) must be http://${ws.host}${ariPath}: Asterisk serves the WebSocket and ARI from one HTTP server`,
    );
  }
  return { host, port, prefix };
}

function firstUrl(servers: Config['ice']['servers'], scheme: 'stun' | 'turn') {
  for (const s of servers) {
    for (const u of Array.isArray(s.urls) ? s.urls : [s.urls]) {
      const m = new RegExp(`^${scheme}:([^:?]+|\\[[^\\]]+\\])(?::(\\d+))?`).exec(u);
      if (m) return { host: m[1], port: Number(m[2] ?? 3478), username: s.username, credential: s.credential };
    }
  }
  return undefined;
}

/** Values land inside .conf lines: refuse anything that could end a value or start a comment. */
function assertConfSafe(label: string, value: string): void {
  if (/[;\r\n\[\]]/.test(value) || value !== value.trim()) {
    throw new AsteriskConfigError('HL_ASTERISK_UNSAFE_VALUE', `${label} cannot contain ';', brackets, line breaks or edge spaces`);
  }
}

/**
 * Asterisk's registrar looks up the AOR of a REGISTER only through an endpoint that allows
 * `username` identification (res_pjsip_registrar.c, find_registrar_aor): a header-only endpoint
 * can never register. The owner tab's requests are therefore identified (by the edge secret
 * header) as an endpoint that also allows `username`, and whose name is derived from the edge
 * secret, so the username identifier can never pick it for a From that anyone could guess.
 */
export function ownerTabEndpoint(edgeSecret: string): string {
  return `owner-tab-${createHash('sha256').update(`${edgeSecret}:owner-tab`).digest('hex').slice(0, 20)}`;
}

export function buildPlan(config: Config, secrets: { edgeSecret: string; ariPassword: string }, site: Site): AsteriskPlan {
  const wsUrl = config.upstream.asteriskWsUrl || DEFAULT_WS_URL;
  const ws = parseUrl(wsUrl, 'upstream.asteriskWsUrl');
  const ariUrl = config.ari.url || `http://${ws.host}${ws.pathname.replace(/ws\/?$/, 'ari')}`;
  const http = httpFromUrls(wsUrl, ariUrl);
  const ariPassword = config.ari.password || secrets.ariPassword;
  for (const [label, v] of [['edgeSecret', secrets.edgeSecret], ['ari password', ariPassword], ['ari.user', config.ari.user], ['ari.app', config.ari.app], ['owner.name', config.owner.name ?? '']] as const) {
    assertConfSafe(label, v);
  }
  if (!/^[A-Za-z0-9_-]{16,}$/.test(secrets.edgeSecret)) {
    throw new AsteriskConfigError('HL_ASTERISK_UNSAFE_VALUE', 'edgeSecret must be at least 16 URL-safe characters');
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(config.ari.app)) throw new AsteriskConfigError('HL_ASTERISK_UNSAFE_VALUE', 'ari.app must be a plain name');
  const stunUrl = firstUrl(config.ice.servers, 'stun');
  const turnUrl = site.asteriskUsesTurn ? firstUrl(config.ice.servers, 'turn') : undefined;
  if (site.asteriskUsesTurn && (!turnUrl?.username || !turnUrl.credential)) {
    throw new AsteriskConfigError('HL_ASTERISK_MISMATCH', 'asteriskUsesTurn needs a turn: server with username and credential in ice.servers');
  }
  const extTargets = config.visitor.targets.filter((t) => t.kind === 'extension').flatMap((t) => t.extensions ?? []);
  const homeExtensions = new Set(site.phones.map((p) => p.extension));
  const visitorExtensions = [...new Set(site.visitorExtensions ?? [...config.owner.phones, ...extTargets])].sort();
  for (const e of [...config.owner.phones, ...visitorExtensions, ...extTargets]) {
    if (!homeExtensions.has(e)) {
      throw new AsteriskConfigError('HL_ASTERISK_MISMATCH', `extension ${e} is rung for the owner or visitors but is not one of the home phones`);
    }
  }
  if (homeExtensions.has(config.owner.extension)) {
    throw new AsteriskConfigError('HL_ASTERISK_MISMATCH', `owner.extension ${config.owner.extension} is also a home phone`);
  }
  const publicTransports = [...(site.tls && !isLoopback(site.tls.bind.replace(/:\d+$/, '')) ? ['transport-tls'] : []), ...site.openTransports];
  return {
    domain: config.sip.domain,
    edgeSecret: secrets.edgeSecret,
    http,
    sessions: {
      limit: config.upstream.asteriskSessionLimit,
      visitorChannels: config.limits.visitorUpstreamChannels,
      ownerReserve: config.limits.ownerReserveChannels,
    },
    ari: { user: config.ari.user, password: ariPassword, app: config.ari.app },
    owner: {
      extension: config.owner.extension,
      // The voicemail box's full name (Asterisk's directory); no visitor sees it.
      name: config.owner.name ?? 'Owner',
      phones: config.owner.phones,
      ringSeconds: config.owner.ringSeconds,
      mailbox: `${config.owner.extension}@default`,
      tabEndpoint: ownerTabEndpoint(secrets.edgeSecret),
    },
    phones: site.phones,
    visitorExtensions,
    targets: config.visitor.targets,
    rtp: { start: config.rtp.portStart, end: config.rtp.portEnd },
    stun: stunUrl && { host: stunUrl.host, port: stunUrl.port },
    turn: turnUrl && { host: turnUrl.host, port: turnUrl.port, username: turnUrl.username!, password: turnUrl.credential! },
    codecs: site.codecs,
    tls: site.tls,
    dtls: site.dtls,
    nat: site.nat,
    barred: site.barred,
    trunk: site.trunk,
    did: site.did,
    publicTransports,
  };
}
