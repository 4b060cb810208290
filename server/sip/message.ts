// A strict parser and serializer for one SIP message per WebSocket frame (RFC 3261 §7, RFC 7118).
// Strict on purpose: the edge is the thing standing between SIP scanners and Asterisk, so any
// message it cannot read unambiguously is refused rather than guessed at.
import { SipParseError } from '../errors.ts';
import { checkContact, checkExpires, checkFromTo, checkMaxForwards, checkRequestUri, checkRouteLike, checkVia, RELAYED_FIELDS } from './fields.ts';

export interface SipHeader {
  /** Canonical (long-form, conventional case) header name. */
  name: string;
  value: string;
}

interface SipMessageBase {
  headers: SipHeader[];
  body: string;
}
export interface SipRequest extends SipMessageBase {
  kind: 'request';
  method: string;
  uri: string;
}
export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
}
export type SipMessage = SipRequest | SipResponse;

const COMPACT: Record<string, string> = {
  i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type',
  f: 'From', s: 'Subject', k: 'Supported', t: 'To', v: 'Via', o: 'Event', r: 'Refer-To',
  b: 'Referred-By', u: 'Allow-Events', x: 'Session-Expires', a: 'Accept-Contact',
  j: 'Reject-Contact', d: 'Request-Disposition', y: 'Identity',
};
const CANONICAL = new Map<string, string>(
  [
    'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards', 'Route', 'Record-Route',
    'Content-Length', 'Content-Type', 'Content-Encoding', 'Allow', 'Supported', 'Require',
    'Proxy-Require', 'Expires', 'User-Agent', 'Server', 'Authorization', 'WWW-Authenticate',
    'Proxy-Authorization', 'Proxy-Authenticate', 'Event', 'Refer-To', 'Referred-By', 'Subject',
    'Allow-Events', 'Session-Expires', 'Min-SE', 'Retry-After', 'Warning', 'Reason', 'RSeq', 'RAck',
    'Accept', 'Min-Expires', 'Unsupported', 'Path', 'Identity', 'Accept-Contact', 'Reject-Contact',
    'Request-Disposition', 'Subscription-State', 'Content-Disposition', 'Info-Package', 'Recv-Info',
  ].map((n) => [n.toLowerCase(), n]),
);
/** Headers that may appear once only; a second copy is an ambiguity attackers use. */
const SINGLE = new Set(['From', 'To', 'Call-ID', 'CSeq', 'Content-Length', 'Max-Forwards', 'Content-Type', 'Expires']);
/** Headers whose value is a comma-separated list (RFC 3261 §7.3.1), so values may be split. */
const LIST = new Set(['Via', 'Route', 'Record-Route', 'Contact', 'Allow', 'Supported', 'Require', 'Proxy-Require', 'Path', 'Unsupported', 'Allow-Events', 'Accept', 'Reason', 'Recv-Info']);
const REQUIRED = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];
/** List headers that name hops or addresses: an empty one, or an empty element, is never legitimate. */
const NON_EMPTY_LIST = new Set(['Via', 'Route', 'Record-Route', 'Contact', 'Path']);

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
const METHOD = /^[A-Z][A-Z0-9_-]{0,31}$/;
const MAX_HEADERS = 100;
const MAX_LINE = 8192;

export function canonicalName(raw: string): string {
  const lower = raw.toLowerCase();
  return COMPACT[lower] ?? CANONICAL.get(lower) ?? raw;
}

export function parseSip(text: string): SipMessage {
  if (text.includes('\0')) throw new SipParseError('NUL byte in message');
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) throw new SipParseError('no empty line (CRLF CRLF) ends the headers');
  const head = text.slice(0, split);
  const body = text.slice(split + 4);
  const lines = head.split('\r\n');
  for (const line of lines) {
    if (line.length > MAX_LINE) throw new SipParseError('header line too long');
    // A bare CR or LF inside a line is the classic header-injection smuggle.
    if (/[\r\n]/.test(line)) throw new SipParseError('bare CR or LF inside a line');
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) throw new SipParseError('control character in a line');
  }
  const start = lines.shift()!;
  const headers = parseHeaders(lines);
  const msg = parseStartLine(start, headers, body);
  checkFraming(msg);
  return msg;
}

function parseStartLine(start: string, headers: SipHeader[], body: string): SipMessage {
  if (start.startsWith('SIP/')) {
    const m = /^SIP\/2\.0 ([1-6][0-9]{2}) ([^\r\n]*)$/.exec(start);
    if (!m) throw new SipParseError('malformed status line');
    return { kind: 'response', status: Number(m[1]), reason: m[2], headers, body };
  }
  const parts = start.split(' ');
  if (parts.length !== 3) throw new SipParseError('request line must be "METHOD Request-URI SIP/2.0"');
  const [method, uri, version] = parts;
  if (!METHOD.test(method)) throw new SipParseError('malformed method');
  if (version !== 'SIP/2.0') throw new SipParseError('unsupported SIP version');
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"]+$/.test(uri)) throw new SipParseError('malformed Request-URI');
  return { kind: 'request', method, uri, headers, body };
}

function parseHeaders(lines: string[]): SipHeader[] {
  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (line === '') throw new SipParseError('empty header line');
    if (line[0] === ' ' || line[0] === '\t') {
      // Folded continuation (RFC 3261 §7.3.1): joined to the previous header with one space.
      const prev = headers.at(-1);
      if (!prev) throw new SipParseError('continuation line before any header');
      prev.value = `${prev.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError('header line without a name and colon');
    const rawName = line.slice(0, colon).trimEnd();
    if (!TOKEN.test(rawName)) throw new SipParseError(`malformed header name "${rawName.slice(0, 40)}"`);
    headers.push({ name: canonicalName(rawName), value: line.slice(colon + 1).trim() });
    if (headers.length > MAX_HEADERS) throw new SipParseError('too many headers');
  }
  return headers;
}

function checkFraming(msg: SipMessage): void {
  const counts = new Map<string, number>();
  for (const h of msg.headers) counts.set(h.name, (counts.get(h.name) ?? 0) + 1);
  for (const name of REQUIRED) if (!counts.get(name)) throw new SipParseError(`missing ${name} header`);
  for (const name of SINGLE) if ((counts.get(name) ?? 0) > 1) throw new SipParseError(`more than one ${name} header`);
  for (const h of msg.headers) {
    // An empty Via would make the edge's own refusal unroutable; an empty Route element is read
    // differently by different stacks. Neither comes from a real client.
    if ((REQUIRED.includes(h.name) || NON_EMPTY_LIST.has(h.name)) && h.value === '') throw new SipParseError(`empty ${h.name} header`);
    if (LIST.has(h.name) && h.value !== '' && splitList(h.value).includes('')) throw new SipParseError(`empty ${h.name} list element`);
  }

  const cseq = parseCSeq(header(msg, 'CSeq')!);
  if (!cseq) throw new SipParseError('malformed CSeq');
  if (msg.kind === 'request' && cseq.method !== msg.method) throw new SipParseError('CSeq method does not match the request method');

  const callId = header(msg, 'Call-ID')!;
  if (!/^[\x21-\x7e]{1,256}$/.test(callId)) throw new SipParseError('malformed Call-ID');

  checkFields(msg);

  const cl = header(msg, 'Content-Length');
  const bodyBytes = Buffer.byteLength(msg.body, 'utf8');
  if (cl !== undefined) {
    if (!/^[0-9]{1,7}$/.test(cl)) throw new SipParseError('malformed Content-Length');
    if (Number(cl) !== bodyBytes) throw new SipParseError(`Content-Length ${cl} does not match the body (${bodyBytes} bytes)`);
  }
  if (bodyBytes > 0 && !header(msg, 'Content-Type')) throw new SipParseError('body without Content-Type');
}

/** Every field the edge relies on or relays, fully parsed (fields.ts); the first failure wins. */
function checkFields(msg: SipMessage): void {
  const fail = (why: string | undefined) => { if (why) throw new SipParseError(why); };
  if (msg.kind === 'request') fail(checkRequestUri(msg.uri));
  for (const v of headerValues(msg, 'Via')) fail(checkVia(v));
  fail(checkFromTo('From')(header(msg, 'From')!));
  fail(checkFromTo('To')(header(msg, 'To')!));
  const contacts = headerValues(msg, 'Contact');
  const starOk = contacts.length === 1 && msg.kind === 'request' && msg.method === 'REGISTER';
  for (const v of contacts) fail(checkContact(v, starOk));
  for (const name of ['Route', 'Record-Route', 'Path']) for (const v of headerValues(msg, name)) fail(checkRouteLike(name)(v));
  const mf = header(msg, 'Max-Forwards');
  if (mf !== undefined) fail(checkMaxForwards(mf));
  const expires = header(msg, 'Expires');
  if (expires !== undefined) fail(checkExpires(expires));
  for (const [name, check] of Object.entries(RELAYED_FIELDS)) {
    if (msg.headers.some((h) => h.name === name)) fail(check(headerValues(msg, name)));
  }
}

export function parseCSeq(value: string): { seq: number; method: string } | undefined {
  const m = /^([0-9]{1,10})\s+([A-Z][A-Z0-9_-]*)$/.exec(value);
  if (!m || Number(m[1]) > 2 ** 31 - 1) return undefined;
  return { seq: Number(m[1]), method: m[2] };
}

/** First value of a header (the whole header line's value, not list-split). */
export function header(msg: SipMessage, name: string): string | undefined {
  return msg.headers.find((h) => h.name === name)?.value;
}

/** Every value of a header, list headers split at top-level commas. */
export function headerValues(msg: SipMessage, name: string): string[] {
  const out: string[] = [];
  for (const h of msg.headers) {
    if (h.name !== name) continue;
    if (LIST.has(name)) out.push(...splitList(h.value));
    else out.push(h.value);
  }
  return out;
}

/** Splits at commas outside quotes and angle brackets; an empty element stays in as '' so callers can refuse it. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === '\\') { cur += ch + (value[++i] ?? ''); continue; }
      if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  if (out.length || cur.trim()) out.push(cur.trim());
  return out;
}

export function serializeSip(msg: SipMessage): string {
  const start = msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${msg.reason}`;
  const bodyBytes = Buffer.byteLength(msg.body, 'utf8');
  const lines = [start];
  let hasLength = false;
  for (const h of msg.headers) {
    if (h.name === 'Content-Length') {
      hasLength = true;
      lines.push(`Content-Length: ${bodyBytes}`);
    } else lines.push(`${h.name}: ${h.value}`);
  }
  if (!hasLength) lines.push(`Content-Length: ${bodyBytes}`);
  return `${lines.join('\r\n')}\r\n\r\n${msg.body}`;
}

export function setHeader(msg: SipMessage, name: string, value: string): void {
  const i = msg.headers.findIndex((h) => h.name === name);
  if (i >= 0) {
    msg.headers[i] = { name, value };
    msg.headers = msg.headers.filter((h, j) => j <= i || h.name !== name);
  } else msg.headers.push({ name, value });
}

export function removeHeaders(msg: SipMessage, test: (name: string) => boolean): number {
  const before = msg.headers.length;
  msg.headers = msg.headers.filter((h) => !test(h.name));
  return before - msg.headers.length;
}

export function cloneMessage<T extends SipMessage>(msg: T): T {
  return { ...msg, headers: msg.headers.map((h) => ({ ...h })) };
}

/** The branch parameter of one Via value (RFC 3261 §8.1.1.7): the transaction it belongs to. */
export function viaBranch(via: string | undefined): string | undefined {
  return via ? /;\s*branch=([^;,\s]+)/i.exec(via)?.[1] : undefined;
}
