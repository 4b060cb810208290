// The one small interface between the relay and whatever answers SIP behind the edge.
import type { Role } from '../auth/claims.ts';
import type { SipMessage } from '../sip/message.ts';

export interface ClientInfo {
  connId: string;
  role: Role;
  /** SIP user of the client: `v-…` or the owner's extension. */
  user: string;
  ip: string;
}

export interface UpstreamClose {
  /** WebSocket close code to give the client. */
  code: number;
  reason: string;
}

/** One client's path to the upstream. Opened when the client connects, closed with it. */
export interface UpstreamChannel {
  /** A message from the client that passed the policy (already stamped), and its text. */
  send(msg: SipMessage, text: string): void;
  /** Set by the relay: SIP text to deliver to the client. */
  onMessage: (text: string) => void;
  /** Set by the relay: the upstream side went away. */
  onClose: (why: UpstreamClose) => void;
  close(): void;
}

export interface Readiness {
  ready: boolean;
  detail: string;
}

export interface Upstream {
  readonly kind: 'embedded' | 'asterisk';
  open(client: ClientInfo): Promise<UpstreamChannel>;
  /** Whether SIP can reach the phone system now; may probe it (the asterisk upstream opens one WebSocket). */
  readiness(): Promise<Readiness>;
  /** Whether a visitor call to the owner can ring now; undefined when the upstream cannot tell. */
  ownerOnline(): boolean | undefined;
  close(): Promise<void>;
}
