// Full parses of the header fields the edge relies on or relays (RFC 3261 §20, §25.1): Via,
// From, To, Contact, Route, Record-Route, Path, Max-Forwards, Expires and the Request-URI. The
// parser calls these for every message; a field that does not parse makes the whole message a
// 400, never something forwarded as-is for the next stack to read its own way (the owner's tab
// once got a To with an unbalanced quote because only the edge's reading of it failed).
import { parseGenericParams, parseNameAddr, parseSipUri } from './uri.ts';

/** Each returns undefined when the value is fine, else why not (for the 400's Warning). */
type Check = (value: string) => string | undefined;

/** 2^32-1: the largest delta-seconds RFC 3261 §25.1 asks a stack to hold. */
export const MAX_DELTA_SECONDS = 4294967295;
/** Larger Max-Forwards values are not seen from real clients; they are refused, not clamped. */
export const MAX_MAX_FORWARDS = 255;

const VIA = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9.!%*_+`'~-]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?:\s*:\s*([0-9]{1,5}))?\s*((?:;[\s\S]*)?)$/i;
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/;
const NAME_ADDR_START = /^(?:"(?:[^"\\]|\\.)*"\s*|[^"<;]*)</;
const QVALUE = /^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/;

export const checkVia: Check = (v) => {
  const m = VIA.exec(v);
  if (!m || !HOST.test(m[2])) return 'malformed Via';
  if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) return 'Via port out of range';
  if (!parseGenericParams(m[4])) return 'malformed Via parameters';
  return undefined;
};

/**
 * A sip:/sips: URI in a header must parse and carry no `?headers` (an embedded
 * `?Route=…` in a Contact became a route for whoever used the binding).
 */
function checkHeaderUri(uri: string, what: string, sipOnly: boolean): string | undefined {
  if (/^sips?:/i.test(uri)) {
    const u = parseSipUri(uri);
    if (!u) return `malformed URI in ${what}`;
    if (u.headers !== undefined) return `URI headers (?) not allowed in ${what}`;
    return undefined;
  }
  return sipOnly ? `${what} must be a sip: or sips: URI` : undefined;
}

/** From and To: one name-addr or addr-spec. Other schemes (tel:) parse; the policy judges them. */
export const checkFromTo = (name: 'From' | 'To'): Check => (v) => {
  const na = parseNameAddr(v);
  if (!na) return `malformed ${name}`;
  return checkHeaderUri(na.uri, name, false);
};

/** One Contact element (the list is split by the caller); `*` only for a REGISTER's unbind-all. */
export function checkContact(v: string, starAllowed: boolean): string | undefined {
  if (v === '*') return starAllowed ? undefined : 'Contact * only alone in a REGISTER';
  const na = parseNameAddr(v);
  if (!na) return 'malformed Contact';
  const bad = checkHeaderUri(na.uri, 'Contact', true);
  if (bad) return bad;
  const expires = na.params.get('expires');
  if (expires !== undefined && !deltaSeconds(expires)) return 'Contact expires out of range';
  const q = na.params.get('q');
  if (q !== undefined && !QVALUE.test(q)) return 'malformed Contact q';
  return undefined;
}

/** Route, Record-Route, Path elements: always `<sip:…>` name-addr (§20.30, §20.34). */
export const checkRouteLike = (name: string): Check => (v) => {
  const na = parseNameAddr(v);
  if (!na || !NAME_ADDR_START.test(v.trim())) return `malformed ${name}`;
  return checkHeaderUri(na.uri, name, true);
};

export const checkMaxForwards: Check = (v) => {
  if (!/^[0-9]{1,10}$/.test(v)) return 'malformed Max-Forwards';
  return Number(v) > MAX_MAX_FORWARDS ? `Max-Forwards over ${MAX_MAX_FORWARDS}` : undefined;
};

export const checkExpires: Check = (v) => (deltaSeconds(v) ? undefined : 'Expires must be 0…4294967295 seconds');

function deltaSeconds(v: string): boolean {
  return /^[0-9]{1,10}$/.test(v) && Number(v) <= MAX_DELTA_SECONDS;
}

/**
 * The Request-URI: a sip:/sips: one must parse fully and carry no `?headers` (RFC 3261 §19.1.5
 * forbids them there); other schemes are left to the policy, which refuses them with 416.
 */
export function checkRequestUri(uri: string): string | undefined {
  if (!/^sips?:/i.test(uri)) return undefined;
  const u = parseSipUri(uri);
  if (!u) return 'malformed Request-URI';
  if (u.headers !== undefined) return 'URI headers (?) not allowed in the Request-URI';
  return undefined;
}

// The other fields the allow-lists relay (headers.ts): small grammars, but each is read by the
// PBX, so each must mean one thing. Unlisted headers are removed, never forwarded, so they
// are not parsed here.
const T = "[A-Za-z0-9.!%*_+`'~-]+";
const PARAMS = '((?:\\s*;[\\s\\S]*)?)';
const TOKEN_ITEM = new RegExp(`^${T}$`);
const MEDIA = new RegExp(`^(?:${T}|\\*)\\s*/\\s*(?:${T}|\\*)${PARAMS}$`);
const CONTENT_TYPE = new RegExp(`^${T}\\s*/\\s*${T}${PARAMS}$`);
const DELTA_PARAMS = new RegExp(`^([0-9]{1,10})${PARAMS}$`);
const TOKEN_PARAMS = new RegExp(`^${T}${PARAMS}$`);
const RACK = new RegExp(`^[0-9]{1,10}\\s+[0-9]{1,10}\\s+${T}$`);

/** Each element of a comma list must match; `empty` says whether a header with no element is legal. */
function listOf(name: string, item: (v: string) => boolean, empty: boolean): (values: string[]) => string | undefined {
  return (values) => {
    if (!empty && values.length === 0) return `empty ${name}`;
    return values.every((v) => v !== '' && item(v)) ? undefined : `malformed ${name}`;
  };
}
const withParams = (re: RegExp) => (v: string) => {
  const m = re.exec(v);
  return m !== null && parseGenericParams(m.at(-1) ?? '') !== undefined;
};

/**
 * Checks by canonical header name, over the comma-split values (RFC 3261 §7.3.1); a header that
 * is not a list arrives as one value. `Supported:`/`Allow:`/`Accept:` may be empty (§20.37, 20.5, 20.1).
 */
export const RELAYED_FIELDS: Record<string, (values: string[]) => string | undefined> = {
  Allow: listOf('Allow', (v) => TOKEN_ITEM.test(v), true),
  Supported: listOf('Supported', (v) => TOKEN_ITEM.test(v), true),
  Require: listOf('Require', (v) => TOKEN_ITEM.test(v), false),
  'Proxy-Require': listOf('Proxy-Require', (v) => TOKEN_ITEM.test(v), false),
  'Allow-Events': listOf('Allow-Events', (v) => TOKEN_ITEM.test(v), true),
  Accept: listOf('Accept', withParams(MEDIA), true),
  'Content-Type': listOf('Content-Type', withParams(CONTENT_TYPE), false),
  'Session-Expires': listOf('Session-Expires', (v) => withParams(DELTA_PARAMS)(v) && deltaSeconds(DELTA_PARAMS.exec(v)![1]), false),
  'Min-SE': listOf('Min-SE', (v) => withParams(DELTA_PARAMS)(v) && deltaSeconds(DELTA_PARAMS.exec(v)![1]), false),
  RAck: listOf('RAck', (v) => RACK.test(v), false),
  Reason: listOf('Reason', withParams(TOKEN_PARAMS), false),
  Event: listOf('Event', withParams(TOKEN_PARAMS), false),
  'Subscription-State': listOf('Subscription-State', withParams(TOKEN_PARAMS), false),
  'Refer-To': listOf('Refer-To', (v) => parseNameAddr(v) !== undefined, false),
  'Content-Disposition': listOf('Content-Disposition', withParams(TOKEN_PARAMS), false),
  'Info-Package': listOf('Info-Package', withParams(TOKEN_PARAMS), false),
  'Recv-Info': listOf('Recv-Info', withParams(TOKEN_PARAMS), true),
};
