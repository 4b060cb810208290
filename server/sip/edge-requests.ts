// Requests the edge makes in its own name (a BYE at a cap or for a lost connection, an ACK or
// BYE for a losing fork, the IVR side channel's MESSAGE). One shape for all: the edge's own Via,
// so the answer can be recognised by its branch and stopped at the edge.
import { randomBytes } from 'node:crypto';
import type { SipHeader, SipRequest } from './message.ts';

/** The host of every Via the edge adds; `.invalid` (RFC 6761) because it only means "the edge". */
export const EDGE_VIA_HOST = 'edge.invalid';

export function newBranch(): string {
  return `z9hG4bK-hl${randomBytes(8).toString('hex')}`;
}

export interface EdgeRequest {
  method: string;
  uri: string;
  from: string;
  to: string;
  callId: string;
  cseq: number;
  /** Defaults to a fresh one; pass it when the answer must be recognised. */
  branch?: string;
  routes?: string[];
  /** Headers after CSeq (Reason, Content-Type…). */
  extra?: SipHeader[];
  body?: string;
}

export function edgeRequest(r: EdgeRequest): SipRequest {
  return {
    kind: 'request', method: r.method, uri: r.uri, body: r.body ?? '',
    headers: [
      { name: 'Via', value: `SIP/2.0/WSS ${EDGE_VIA_HOST};branch=${r.branch ?? newBranch()}` },
      { name: 'Max-Forwards', value: '70' },
      ...(r.routes ?? []).map((value) => ({ name: 'Route', value })),
      { name: 'From', value: r.from },
      { name: 'To', value: r.to },
      { name: 'Call-ID', value: r.callId },
      { name: 'CSeq', value: `${r.cseq} ${r.method}` },
      ...(r.extra ?? []),
    ],
  };
}
