// SIP URIs and name-addr values (RFC 3261 §19.1, §20.10). Only what the edge's policy and the
// embedded router need to decide, parsed strictly: anything ambiguous comes back undefined.

export interface SipUri {
  scheme: 'sip' | 'sips';
  /** User part exactly as written (still percent-encoded). */
  user?: string;
  host: string;
  port?: number;
  params: Map<string, string>;
  /** `?headers` part, raw; a Request-URI must not carry any. */
  headers?: string;
}

export interface NameAddr {
  display?: string;
  uri: string;
  params: Map<string, string>;
}

const USER = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/;
const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)$/;

export function parseSipUri(text: string): SipUri | undefined {
  const m = /^(sips?):(.*)$/i.exec(text);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase() as 'sip' | 'sips';
  let rest = m[2];
  let headers: string | undefined;
  const q = rest.indexOf('?');
  if (q >= 0) { headers = rest.slice(q + 1); rest = rest.slice(0, q); }
  const [hostPart, ...paramParts] = splitOutsideUserinfo(rest);
  let user: string | undefined;
  let hostport = hostPart;
  const at = hostPart.lastIndexOf('@');
  if (at >= 0) {
    user = hostPart.slice(0, at);
    hostport = hostPart.slice(at + 1);
    const colon = user.indexOf(':');
    if (colon >= 0) user = user.slice(0, colon); // password part is never used for routing
    if (!user || !USER.test(user)) return undefined;
  }
  const hp = /^(\[[^\]]+\]|[^:]+)(?::([0-9]{1,5}))?$/.exec(hostport);
  if (!hp || !HOST.test(hp[1])) return undefined;
  const port = hp[2] === undefined ? undefined : Number(hp[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const params = new Map<string, string>();
  for (const p of paramParts) {
    if (!p) return undefined;
    const eq = p.indexOf('=');
    const key = (eq < 0 ? p : p.slice(0, eq)).toLowerCase();
    if (!/^[a-z0-9\-_.!~*'()%]+$/.test(key) || params.has(key)) return undefined;
    params.set(key, eq < 0 ? '' : p.slice(eq + 1));
  }
  return { scheme, user, host: hp[1].toLowerCase(), port, params, headers };
}

/** Splits `user@host;a=b;c` at the semicolons that follow the host, not those inside the user. */
function splitOutsideUserinfo(rest: string): string[] {
  const at = rest.lastIndexOf('@');
  const hostStart = at >= 0 ? at + 1 : 0;
  const semi = rest.indexOf(';', hostStart);
  if (semi < 0) return [rest];
  return [rest.slice(0, semi), ...rest.slice(semi + 1).split(';')];
}

/** RFC 3261 §25.1 token: what an unquoted display name and a parameter name are made of. */
export const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
/** An unquoted display name is tokens separated by LWS; a comma or quote in it means two readings. */
const UNQUOTED_DISPLAY = /^[A-Za-z0-9.!%*_+`'~-]+(?:[ \t]+[A-Za-z0-9.!%*_+`'~-]+)*$/;
/** gen-value (§25.1): token, host (IPv6 reference included) or quoted-string. */
const GEN_VALUE = /^(?:[A-Za-z0-9.!%*_+`'~-]+|\[[0-9A-Fa-f:.]+\]|"(?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[\x00-\x09\x0b\x0c\x0e-\x7f])*")$/;
/** Any absolute URI without whitespace or the characters that delimit it in a header. */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"]+$/;

/**
 * `"Name" <sip:u@h>;tag=x`, `Name <sip:u@h>`, `<sip:u@h>`, or a bare `sip:u@h;tag=x` (params then
 * belong to the header). Strict (RFC 3261 §20.10, §25.1): an unbalanced quote, whitespace inside
 * `<…>`, an unquoted display name with a comma, a parameter that is not `token[=gen-value]`, or
 * an addr-spec with `,` `?` — each is read differently by different stacks, so it is undefined.
 */
export function parseNameAddr(value: string): NameAddr | undefined {
  let rest = value.trim();
  let display: string | undefined;
  let uri: string;
  if (rest.startsWith('"')) {
    const end = findClosingQuote(rest);
    if (end < 0) return undefined;
    display = rest.slice(1, end).replace(/\\(.)/g, '$1');
    rest = rest.slice(end + 1).trim();
    if (!rest.startsWith('<')) return undefined;
  }
  const lt = rest.indexOf('<');
  const semi0 = rest.indexOf(';');
  if (lt >= 0 && (semi0 < 0 || lt < semi0)) {
    const gt = rest.indexOf('>', lt);
    if (gt < 0) return undefined;
    const before = rest.slice(0, lt).trim();
    if (display === undefined && before) {
      if (!UNQUOTED_DISPLAY.test(before)) return undefined;
      display = before;
    }
    uri = rest.slice(lt + 1, gt);
    rest = rest.slice(gt + 1).trim();
  } else {
    if (display !== undefined) return undefined;
    const semi = rest.indexOf(';');
    uri = (semi < 0 ? rest : rest.slice(0, semi)).trim();
    rest = semi < 0 ? '' : rest.slice(semi);
    // §20.10: an addr-spec with these characters must be enclosed in <…>.
    if (/[,?<>]/.test(uri)) return undefined;
  }
  if (!uri || !ABSOLUTE_URI.test(uri)) return undefined;
  if (rest && !rest.startsWith(';')) return undefined;
  const params = parseGenericParams(rest);
  if (!params) return undefined;
  return { display, uri, params };
}

/**
 * `;a=b;c` as generic-params (§25.1), LWS around `;` and `=` allowed. A repeated name is refused:
 * two tags would be read as the first by one stack and the last by another (dialog confusion).
 */
export function parseGenericParams(text: string): Map<string, string> | undefined {
  const params = new Map<string, string>();
  const s = text.trim();
  if (!s) return params;
  if (!s.startsWith(';')) return undefined;
  for (const p of splitParams(s).slice(1)) {
    const eq = p.indexOf('=');
    const key = (eq < 0 ? p : p.slice(0, eq)).trim();
    const val = eq < 0 ? '' : p.slice(eq + 1).trim();
    if (!TOKEN.test(key) || params.has(key.toLowerCase())) return undefined;
    if (eq >= 0 && !GEN_VALUE.test(val)) return undefined;
    params.set(key.toLowerCase(), val);
  }
  return params;
}

/** Splits header parameters at semicolons outside quoted strings (`+sip.instance="<urn:…>"`). */
function splitParams(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted && ch === '\\') { cur += ch + (s[++i] ?? ''); continue; }
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur);
  return out;
}

function findClosingQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') { i++; continue; }
    if (s[i] === '"') return i;
  }
  return -1;
}

export function tagOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return parseNameAddr(value)?.params.get('tag') || undefined;
}
