// Small pieces of RFC 3261 the embedded router builds its messages from: its own Via entries,
// transaction keys, and the requests a proxy makes itself. Pure functions of their input.
import { EDGE_VIA_HOST } from '../../sip/edge-requests.ts';
import { cloneMessage, header, headerValues, parseCSeq, setHeader, viaBranch, type SipHeader, type SipMessage, type SipRequest } from '../../sip/message.ts';
import { tagOf } from '../../sip/uri.ts';


/** CANCEL or non-2xx ACK for a forwarded INVITE: same Via branch, Call-ID and CSeq number (RFC 3261 §9.1, §17.1.1.3). */
export function sameTransaction(invite: SipRequest, method: 'CANCEL' | 'ACK', to: string, extra: SipHeader[] = []): SipRequest {
  return {
    kind: 'request', method, uri: invite.uri, body: '',
    headers: [
      { name: 'Via', value: headerValues(invite, 'Via')[0] },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: header(invite, 'From')! },
      { name: 'To', value: to },
      { name: 'Call-ID', value: header(invite, 'Call-ID')! },
      { name: 'CSeq', value: `${parseCSeq(header(invite, 'CSeq')!)!.seq} ${method}` },
      ...extra,
      { name: 'Content-Length', value: '0' },
    ],
  };
}

export function forkKey(req: SipRequest): string {
  // An INVITE transaction and its CANCEL share Call-ID, CSeq number and the top Via branch.
  const via = headerValues(req, 'Via')[0] ?? '';
  return `${header(req, 'Call-ID')}|${parseCSeq(header(req, 'CSeq')!)!.seq}|${viaBranch(via) ?? via}`;
}


export function pushVia(msg: SipMessage, branch: string): void {
  msg.headers.unshift({ name: 'Via', value: `SIP/2.0/WSS ${EDGE_VIA_HOST};branch=${branch};rport` });
}

/** Removes the topmost Via value, which may share a header line with others. */
export function popVia(msg: SipMessage): void {
  const i = msg.headers.findIndex((h) => h.name === 'Via');
  if (i < 0) return;
  const rest = headerValues({ ...msg, headers: [msg.headers[i]] }, 'Via').slice(1);
  if (rest.length) msg.headers[i] = { name: 'Via', value: rest.join(', ') };
  else msg.headers.splice(i, 1);
}


export function withTag(nameAddr: string, tag: string): string {
  return tagOf(nameAddr) ? nameAddr : `${nameAddr};tag=${tag}`;
}

/** Best final response among branches (RFC 3261 §16.7.6, simplified): 6xx, else busy, else the lowest. */
export function pickBest(codes: number[]): number {
  const six = codes.find((c) => c >= 600);
  if (six) return six;
  if (codes.includes(486)) return 486;
  return Math.min(...codes);
}

export function reasonFor(code: number): string {
  return ({ 480: 'Temporarily Unavailable', 486: 'Busy Here', 487: 'Request Terminated', 603: 'Decline', 408: 'Request Timeout' } as Record<number, string>)[code] ?? 'Failed';
}


/** A copy of a request to send on towards `uri`, one hop further (RFC 3261 §16.6 steps 1–3). */
export function forwardCopy(req: SipRequest, uri: string): SipRequest {
  const out = cloneMessage(req);
  out.uri = uri;
  const mf = Number(header(req, 'Max-Forwards') ?? '70');
  setHeader(out, 'Max-Forwards', String(Math.max(0, mf - 1)));
  return out;
}
