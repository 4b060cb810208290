// Responses the edge itself sends (RFC 3261 §8.2.6): Via, From, Call-ID and CSeq copied, a To
// tag added when the request had none, so JsSIP matches them to its transaction.
import { randomBytes } from 'node:crypto';
import { SipRefusals, type SipRefusalCode } from '../errors.ts';
import { header, headerValues, serializeSip, type SipHeader, type SipRequest, type SipResponse } from './message.ts';
import { tagOf } from './uri.ts';

export function newTag(): string {
  return randomBytes(6).toString('hex');
}

export function buildResponse(req: SipRequest, status: number, reason: string, extra: SipHeader[] = [], toTag?: string): SipResponse {
  const headers: SipHeader[] = [];
  for (const via of headerValues(req, 'Via')) headers.push({ name: 'Via', value: via });
  headers.push({ name: 'From', value: header(req, 'From')! });
  let to = header(req, 'To')!;
  if (status > 100 && !tagOf(to)) to = `${to};tag=${toTag ?? newTag()}`;
  headers.push({ name: 'To', value: to });
  headers.push({ name: 'Call-ID', value: header(req, 'Call-ID')! });
  headers.push({ name: 'CSeq', value: header(req, 'CSeq')! });
  headers.push(...extra, { name: 'Server', value: 'homeline-edge' }, { name: 'Content-Length', value: '0' });
  return { kind: 'response', status, reason, headers, body: '' };
}

export interface RefusalOptions {
  retryAfterSeconds?: number;
  allow?: string[];
  detail?: string;
  /** Option tags for a 420's Unsupported header (RFC 3261 §20.40, required there). */
  unsupported?: string[];
}

/** A refusal carrying its code in a Warning header (RFC 3261 §20.43) so the widget can explain it. */
export function buildRefusal(req: SipRequest, code: SipRefusalCode, opts: RefusalOptions = {}): SipResponse {
  const r = SipRefusals[code];
  const extra: SipHeader[] = [];
  if (opts.allow) extra.push({ name: 'Allow', value: opts.allow.join(', ') });
  if (opts.unsupported?.length) extra.push({ name: 'Unsupported', value: opts.unsupported.join(', ') });
  if (opts.retryAfterSeconds !== undefined) extra.push({ name: 'Retry-After', value: String(opts.retryAfterSeconds) });
  const text = (opts.detail ?? r.text).replace(/["\\\r\n]/g, '');
  extra.push({ name: 'Warning', value: `399 homeline "${code}: ${text}"` });
  return buildResponse(req, r.status, r.reason, extra);
}

export function refusalText(req: SipRequest, code: SipRefusalCode, opts?: RefusalOptions): string {
  return serializeSip(buildRefusal(req, code, opts));
}
