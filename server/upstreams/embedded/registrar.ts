// Registrations of the embedded router (RFC 3261 §10.3), one binding per owner tab connection.
// A binding dies with its WebSocket: a contact on `….invalid` is reachable only through it.
import { header, headerValues, type SipRequest } from '../../sip/message.ts';
import { parseNameAddr } from '../../sip/uri.ts';

export interface Binding {
  aor: string;
  connId: string;
  contact: string;
  expiresAt: number;
  /** Seconds left, for the 200 OK. */
  expires: number;
}

const MIN_EXPIRES = 60;
const MAX_EXPIRES = 3600;

export type RegisterResult = { bindings: Binding[] } | { status: number; error: string };

export class Registrar {
  private readonly byAor = new Map<string, Map<string, Binding>>();

  constructor(private readonly now: () => number = Date.now) {}

  register(aor: string, connId: string, req: SipRequest): RegisterResult {
    const contacts = headerValues(req, 'Contact');
    const headerExpires = header(req, 'Expires');
    const table = this.byAor.get(aor) ?? new Map<string, Binding>();
    this.byAor.set(aor, table);
    if (contacts.length === 1 && contacts[0] === '*') {
      if (headerExpires !== '0') return { status: 400, error: 'Invalid Request' };
      for (const [id, b] of table) if (b.connId === connId) table.delete(id);
      return { bindings: this.bindings(aor) };
    }
    for (const raw of contacts) {
      const c = parseNameAddr(raw);
      if (!c || !/^sips?:/i.test(c.uri)) return { status: 400, error: 'Bad Contact' };
      const asked = Number(c.params.get('expires') ?? headerExpires ?? '600');
      if (!Number.isFinite(asked) || asked < 0) return { status: 400, error: 'Bad Expires' };
      const key = `${connId} ${c.uri}`;
      if (asked === 0) { table.delete(key); continue; }
      if (asked < MIN_EXPIRES) return { status: 423, error: 'Interval Too Brief' };
      const expires = Math.min(asked, MAX_EXPIRES);
      table.set(key, { aor, connId, contact: c.uri, expires, expiresAt: this.now() + expires * 1000 });
    }
    return { bindings: this.bindings(aor).filter((b) => b.connId === connId) };
  }

  bindings(aor: string): Binding[] {
    const table = this.byAor.get(aor);
    if (!table) return [];
    const t = this.now();
    for (const [k, b] of table) if (b.expiresAt <= t) table.delete(k);
    return [...table.values()].map((b) => ({ ...b, expires: Math.max(0, Math.round((b.expiresAt - t) / 1000)) }));
  }

  count(aor: string): number {
    return this.bindings(aor).length;
  }

  removeConnection(connId: string): void {
    for (const table of this.byAor.values()) for (const [k, b] of table) if (b.connId === connId) table.delete(k);
  }
}
