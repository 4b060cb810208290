// When a request fails strict parsing, the client still deserves a 400 it can match to its
// transaction (RFC 3261 §8.2.2). Salvage only what a response needs; if even that is unclear,
// the caller closes the socket instead of guessing.
import type { SipRequest, SipHeader } from '../sip/message.ts';
import { canonicalName, parseCSeq } from '../sip/message.ts';

const NEEDED = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

export function salvageRequest(text: string): SipRequest | undefined {
  const head = text.split('\r\n\r\n')[0].slice(0, 16384);
  const lines = head.split(/\r\n/);
  // Loose on purpose: only the method is used (the response copies Via/From/To/Call-ID/CSeq), so
  // extra or trailing spaces, LWS in the URI or another version still get their 400 (RFC 4475
  // lwsstart, trws, lwsruri, badvers) instead of a closed socket.
  const start = /^([A-Z][A-Z0-9_-]{0,31}) +(\S.*?) +SIP\/[0-9]{1,3}\.[0-9]{1,3} *$/.exec(lines[0] ?? '');
  if (!start) return undefined;
  const headers: SipHeader[] = [];
  for (const line of lines.slice(1)) {
    const m = /^([A-Za-z0-9.!%*_+`'~-]+)\s*:\s*(.*)$/.exec(line);
    if (!m || /[\x00-\x1f\x7f]/.test(m[2])) continue;
    const name = canonicalName(m[1]);
    if (!NEEDED.includes(name)) continue;
    if (name !== 'Via' && headers.some((h) => h.name === name)) return undefined; // ambiguous: refuse to pick one
    headers.push({ name, value: m[2].trim() });
  }
  for (const n of NEEDED) if (!headers.some((h) => h.name === n)) return undefined;
  if (!parseCSeq(headers.find((h) => h.name === 'CSeq')!.value)) return undefined;
  return { kind: 'request', method: start[1], uri: start[2], headers, body: '' };
}
