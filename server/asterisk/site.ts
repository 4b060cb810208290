// The owner's Asterisk-only values (certificates, NAT, barred prefixes, the phones' names) that
// the edge itself never needs. Kept in <dataDir>/asterisk.json next to secrets.json, git-ignored,
// so regenerating the files never loses them. Everything has a safe default: with no file at all
// the generated configuration listens on loopback only.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AsteriskConfigError } from './errors.ts';

const Extension = Type.String({ pattern: '^[0-9]{2,6}$' });

export const SiteSchema = Type.Object(
  {
    /** Home SIP phones (TLS + digest). DESIGN.md's plan: 6001 iPhone … 6010 SIP-SIM. */
    phones: Type.Array(
      Type.Object({ extension: Extension, name: Type.String({ minLength: 1, maxLength: 40, pattern: '^[^;"<>\\[\\]]+$' }) }, { additionalProperties: false }),
      {
        default: [
          { extension: '6001', name: 'iPhone' },
          { extension: '6002', name: 'iPad' },
          ...[3, 4, 5, 6, 7, 8].map((n) => ({ extension: `600${n}`, name: `Desk phone line ${n - 2}` })),
          { extension: '6009', name: 'Friend' },
          { extension: '6010', name: 'SIP-SIM mobile' },
        ],
      },
    ),
    /** Home extensions a visitor may reach through the IVR; default: the owner's phones plus extension targets. */
    visitorExtensions: Type.Optional(Type.Array(Extension, { maxItems: 32 })),
    /** The phones' TLS listener. Absent: no TLS transport (nothing listens beyond loopback). */
    tls: Type.Optional(
      Type.Object(
        {
          bind: Type.String({ default: '0.0.0.0:5061' }),
          certFile: Type.String({ minLength: 1 }),
          privKeyFile: Type.String({ minLength: 1 }),
          caListFile: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    /** DTLS certificate for WebRTC media; absent: Asterisk generates one at start. */
    dtls: Type.Optional(
      Type.Object({ certFile: Type.String({ minLength: 1 }), privKeyFile: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    ),
    /** Home server behind NAT: the public address and the networks that are local. */
    nat: Type.Optional(
      Type.Object(
        {
          externalAddress: Type.String({ minLength: 1 }),
          localNets: Type.Array(Type.String(), { default: ['192.168.0.0/16', '10.0.0.0/8', '172.16.0.0/12'] }),
          /** rtp.conf [ice_host_candidates]: this host's LAN address, announced as externalAddress. */
          lanAddress: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * The owner's own pjsip transports that listen beyond loopback on purpose (include mode: their
     * phones' TLS listener). Plain UDP/TCP beyond loopback stays refused whatever this says.
     */
    openTransports: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), { default: [], maxItems: 8 }),
    /** Number prefixes nobody may dial from here (premium rate, directory services, …). */
    barred: Type.Array(Type.String({ pattern: '^\\+?[0-9]{1,15}$' }), { default: ['09', '118'] }),
    /** A trunk endpoint the owner defines in pjsip_trunks.conf; the phones (never visitors) dial out through it. */
    trunk: Type.Optional(Type.String({ pattern: '^[a-zA-Z0-9_-]+$' })),
    /** Where calls from the trunk (DIDs) go. */
    did: Type.Union([Type.Literal('owner'), Type.Literal('ivr')], { default: 'owner' }),
    /** Codecs browsers and Asterisk share without extra modules; add 'opus' only with codec_opus installed. */
    codecs: Type.Array(Type.String({ pattern: '^[a-z0-9]+$' }), { default: ['g722', 'ulaw', 'alaw'], minItems: 1 }),
    /** Let Asterisk itself relay through the first TURN server of config.ice.servers (rarely needed). */
    asteriskUsesTurn: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

export type Site = Static<typeof SiteSchema>;

export function sitePath(dataDir: string): string {
  return join(dataDir, 'asterisk.json');
}

export function validateSite(raw: unknown): Site {
  const value = Value.Default(SiteSchema, structuredClone(raw ?? {}));
  const errors = [...Value.Errors(SiteSchema, value)];
  if (errors.length) {
    const e = errors[0];
    throw new AsteriskConfigError('HL_ASTERISK_SITE', `asterisk site options ${e.path || '(root)'}: ${e.message}`);
  }
  return value as Site;
}

/** Reads the owner's site file if there is one; defaults otherwise. */
export function loadSite(file: string): Site {
  if (!existsSync(file)) return validateSite({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AsteriskConfigError('HL_ASTERISK_SITE', `${file}: ${(err as Error).message}`);
  }
  return validateSite(raw);
}
