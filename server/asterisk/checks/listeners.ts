// Nothing listens beyond loopback unless the owner opened it on purpose: the HTTP server (SIP
// WebSocket + ARI) is the edge's back door and scanners must never find it; the manager (AMI) is
// worse. Only transports the owner's site options name (the phones' TLS port) may be public.
import { get, objects, section } from '../conf-parser.ts';
import { type AsteriskPlan, isLoopback } from '../plan.ts';
import type { ConfSet, Violation } from './types.ts';

/** The host of a bind value: `1.2.3.4:5061`, `[::1]:5061`, bare addresses. */
export function hostOf(bind: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(bind);
  if (v6) return v6[1];
  return bind.split(':').length > 2 ? bind : bind.replace(/:\d+$/, '');
}

function yes(v: string | undefined): boolean {
  return /^(yes|true|y|t|1|on)$/i.test(v ?? '');
}

export function checkListeners(set: ConfSet, plan: AsteriskPlan): Violation[] {
  const out: Violation[] = [];
  // The edge's own URLs may name a private address; that is the one non-loopback HTTP bind allowed.
  const httpAllowed = (host: string) => isLoopback(host) || host === plan.http.host;
  const http = set.get('http.conf');
  const g = http && section(http, 'general');
  if (g && yes(get(g, 'enabled'))) {
    const bind = get(g, 'bindaddr');
    if (!bind) out.push({ code: 'HL_LISTENER_PUBLIC', file: 'http.conf', line: g.line, message: 'HTTP server enabled without bindaddr (listens everywhere)' });
    else if (!httpAllowed(bind)) out.push({ code: 'HL_LISTENER_PUBLIC', file: 'http.conf', line: g.line, message: `HTTP server (WebSocket, ARI) binds ${bind}, beyond loopback` });
    if (yes(get(g, 'tlsenable'))) {
      const tls = get(g, 'tlsbindaddr') ?? '0.0.0.0';
      if (!httpAllowed(hostOf(tls))) out.push({ code: 'HL_LISTENER_PUBLIC', file: 'http.conf', line: g.line, message: `HTTPS server binds ${tls}, beyond loopback` });
    }
  }
  const pjsip = set.get('pjsip.conf');
  for (const t of pjsip ? objects(pjsip, 'transport') : []) {
    const bind = get(t, 'bind') ?? '0.0.0.0';
    const protocol = get(t, 'protocol') ?? 'udp';
    // A ws/wss transport has no socket of its own: http.conf (checked above) is where it listens.
    if (protocol === 'ws' || protocol === 'wss') continue;
    if (!isLoopback(hostOf(bind)) && !plan.publicTransports.includes(t.name)) {
      out.push({ code: 'HL_LISTENER_PUBLIC', file: t.file, line: t.line, message: `transport ${t.name} binds ${bind}, beyond loopback, and the owner did not open it (if it is your phones' TLS listener, list it in "openTransports" of <dataDir>/asterisk.json)` });
    }
    if (protocol === 'udp' || protocol === 'tcp') {
      if (!isLoopback(hostOf(bind))) out.push({ code: 'HL_LISTENER_PLAIN', file: t.file, line: t.line, message: `transport ${t.name} is plain ${protocol} beyond loopback (SIP scanners' favourite)` });
    }
  }
  const manager = set.get('manager.conf');
  const mg = manager && section(manager, 'general');
  if (mg && yes(get(mg, 'enabled')) && !isLoopback(get(mg, 'bindaddr') ?? '0.0.0.0')) {
    out.push({ code: 'HL_LISTENER_PUBLIC', file: 'manager.conf', line: mg.line, message: 'AMI enabled beyond loopback' });
  }
  return out;
}
