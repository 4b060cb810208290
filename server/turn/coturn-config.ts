// coturn's configuration for homeline's TURN credentials (npm run turn:config). Pure: config and
// secret in, text out. What it promises:
//   - only credentials the edge minted work (use-auth-secret + the same static-auth-secret);
//   - no open relay: the relay refuses multicast and every private, loopback, link-local, CGNAT
//     and reserved peer, except the home media addresses named in `turn.allowedPeers`;
//   - UDP relays only (WebRTC never asks for a TCP relay), quotas per credential and in all,
//     no telnet CLI, FINGERPRINT on every message.
import type { Config } from '../config/schema.ts';

/** Peers the relay never reaches (coturn's `denied-peer-ip` ranges, first-last). */
export const DENIED_PEER_RANGES: ReadonlyArray<readonly [string, string]> = [
  ['0.0.0.0', '0.255.255.255'], // "this network"
  ['10.0.0.0', '10.255.255.255'], // RFC 1918
  ['100.64.0.0', '100.127.255.255'], // CGNAT, RFC 6598
  ['127.0.0.0', '127.255.255.255'], // loopback
  ['169.254.0.0', '169.254.255.255'], // link-local
  ['172.16.0.0', '172.31.255.255'], // RFC 1918
  ['192.0.0.0', '192.0.0.255'], // IETF protocol assignments
  ['192.168.0.0', '192.168.255.255'], // RFC 1918
  ['198.18.0.0', '198.19.255.255'], // benchmarking
  ['240.0.0.0', '255.255.255.255'], // reserved, broadcast
  // Not `::-::1`: coturn 4.6 then matches every IPv4 peer too. `::` itself it always refuses.
  ['::1', '::1'], // loopback
  ['::ffff:0.0.0.0', '::ffff:255.255.255.255'], // IPv4-mapped: the ranges above by another name
  ['64:ff9b::', '64:ff9b::ffff:ffff'], // NAT64 of the same
  ['fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], // unique local
  ['fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], // link-local
];

export class TurnConfigError extends Error {}

/** Whether the browsers are told to reach coturn over TCP (`?transport=tcp`) too. */
const wantsTcp = (urls: string[]) => urls.some((u) => /[?&]transport=tcp\b/i.test(u));

export function renderCoturnConfig(config: Config, secret: string): string {
  const t = config.turn;
  if (t.urls.length === 0) throw new TurnConfigError('turn.urls is empty: TURN is off, there is nothing for coturn to serve');
  if (t.urls.some((u) => u.startsWith('turns:'))) {
    throw new TurnConfigError('turns: (TURN over TLS) URLs need a certificate in coturn; not rendered yet, use turn: URLs (see docs/deploy-turn.md)');
  }
  if (t.minPort >= t.maxPort) throw new TurnConfigError('turn.minPort must be below turn.maxPort');
  if (/\s/.test(secret) || secret.length < 16) throw new TurnConfigError('the TURN secret must be 16+ characters without spaces');
  const lines = [
    '# coturn configuration rendered by `npm run turn:config` from homeline\'s configuration.',
    '# It holds the TURN shared secret: keep it readable by coturn only (mode 0600 or 0640).',
    '# Re-render it after changing `turn` in homeline.config.json; do not edit by hand.',
    '',
    `listening-port=${t.port}`,
    ...t.listenIps.map((ip) => `listening-ip=${ip}`),
    ...(t.relayIp ? [`relay-ip=${t.relayIp}`] : []),
    ...(t.externalIp ? [`external-ip=${t.externalIp}`] : []),
    `min-port=${t.minPort}`,
    `max-port=${t.maxPort}`,
    '',
    '# Only credentials minted by the edge: <expiry>:<visitor> / base64(HMAC-SHA1(secret, username)).',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${t.realm}`,
    'fingerprint',
    '',
    '# Media only: UDP relays, no TLS listener (none configured), no telnet CLI.',
    'no-tcp-relay',
    ...(wantsTcp(t.urls) ? [] : ['no-tcp']),
    'no-tls',
    'no-dtls',
    'no-cli',
    '',
    '# No open relay: never into private networks, loopback or multicast…',
    'no-multicast-peers',
    ...DENIED_PEER_RANGES.map(([a, b]) => `denied-peer-ip=${a}-${b}`),
    '# …except the home media addresses (allowed-peer-ip wins over denied-peer-ip).',
    ...t.allowedPeers.map((ip) => `allowed-peer-ip=${ip}`),
    '',
    `user-quota=${t.userQuota}`,
    `total-quota=${t.totalQuota}`,
    'stale-nonce=600',
    'no-software-attribute',
    '',
  ];
  return lines.join('\n');
}
