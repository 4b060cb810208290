// What a connect token says, and what each role may reach. Pure: no keys, no clock of its own.
export type Role = 'visitor' | 'owner';

export interface ConnectClaims {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  /** The SIP user this connection speaks as: `v-<id>` for a visitor, the owner's extension. */
  sub: string;
  role: Role;
  /** Visitor: the target users it may INVITE. Owner: empty (the owner's reach is its own AOR). */
  targets: string[];
  /** Seconds the WebSocket session may live once opened. */
  cap: number;
}

export function isConnectClaims(p: Record<string, unknown>): p is ConnectClaims & Record<string, unknown> {
  return (
    (p.role === 'visitor' || p.role === 'owner') &&
    typeof p.sub === 'string' && p.sub.length > 0 && p.sub.length <= 64 &&
    typeof p.jti === 'string' && p.jti.length >= 8 &&
    Array.isArray(p.targets) && p.targets.every((t) => typeof t === 'string') &&
    typeof p.cap === 'number' && p.cap > 0
  );
}
