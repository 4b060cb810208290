// Nothing anonymous: every endpoint proves who it is — a digest password (phones), the edge's
// secret header (visitor, owner tab; see identity.ts), or a trunk's fixed provider address.
// Also chan_sip never loads, nor the anonymous identifier, and ARI needs a real password.
import { get, getAll, objects, section, type ConfSection } from '../conf-parser.ts';
import { type AsteriskPlan, VISITOR_ENDPOINT } from '../plan.ts';
import type { ConfSet, Violation } from './types.ts';

const MIN_PASSWORD = 12;

function isWildcardNet(m: string): boolean {
  return /^(0\.0\.0\.0\/0|::\/0|0\.0\.0\.0\/0\.0\.0\.0)$/.test(m.trim()) || /\/([0-7])$/.test(m.trim());
}

export function checkAuthentication(set: ConfSet, plan: AsteriskPlan): Violation[] {
  const out: Violation[] = [];
  const pjsip = set.get('pjsip.conf');
  if (!pjsip) return out;
  const auths = new Map(objects(pjsip, 'auth').map((a) => [a.name, a] as const));
  const identifies = objects(pjsip, 'identify');
  const edgeEndpoints = new Set([VISITOR_ENDPOINT, plan.owner.extension, plan.owner.tabEndpoint]);
  const bad = (s: ConfSection, code: string, message: string) => out.push({ code, file: s.file, line: s.line, message });
  for (const ep of objects(pjsip, 'endpoint')) {
    if (ep.name === 'anonymous') bad(ep, 'HL_ANONYMOUS', 'an endpoint named "anonymous" takes every unidentified caller');
    if (/^(yes|true|on|1)$/i.test(get(ep, 'allow_unauthenticated_options') ?? '')) bad(ep, 'HL_UNAUTHENTICATED', `${ep.name} answers OPTIONS without authentication`);
    const authNames = (get(ep, 'auth') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (edgeEndpoints.has(ep.name) && !authNames.length) continue; // the edge secret authenticates it (identity.ts)
    if (!authNames.length) {
      const ipMatches = identifies.filter((i) => get(i, 'endpoint') === ep.name).flatMap((i) => getAll(i, 'match').flatMap((m) => m.split(',')));
      // A trunk is known by its provider's address; without username identification (or landing
      // in homeline's harmless [from-trunk]) nobody can be it by writing its name in a From.
      const byAddressOnly = !(get(ep, 'identify_by') ?? 'username,ip').split(',').map((m) => m.trim()).some((m) => m === 'username' || m === 'auth_username');
      const isTrunk = (get(ep, 'context') === 'from-trunk' || byAddressOnly) && ipMatches.length > 0 && !ipMatches.some(isWildcardNet);
      if (!isTrunk) bad(ep, 'HL_UNAUTHENTICATED', `endpoint ${ep.name} has no auth: anyone who names it gets in`);
      continue;
    }
    for (const name of authNames) {
      const a = auths.get(name);
      if (!a) { bad(ep, 'HL_UNAUTHENTICATED', `endpoint ${ep.name} names auth ${name}, which is not defined`); continue; }
      const type = get(a, 'auth_type') ?? 'userpass';
      const password = get(a, 'password') ?? '';
      if (type === 'md5') { if (!/^[0-9a-f]{32}$/i.test(get(a, 'md5_cred') ?? '')) bad(a, 'HL_WEAK_PASSWORD', `auth ${name}: md5_cred missing`); continue; }
      if (!['userpass', 'digest'].includes(type)) bad(a, 'HL_UNAUTHENTICATED', `auth ${name}: auth_type ${type} is not a password`);
      else if (password.length < MIN_PASSWORD) bad(a, 'HL_WEAK_PASSWORD', `auth ${name}: password shorter than ${MIN_PASSWORD} characters`);
    }
  }
  const ari = set.get('ari.conf');
  for (const u of ari ? objects(ari, 'user') : []) {
    if ((get(u, 'password') ?? '').length < MIN_PASSWORD) bad(u, 'HL_WEAK_PASSWORD', `ARI user ${u.name}: password shorter than ${MIN_PASSWORD} characters`);
  }
  return out;
}

export function checkModules(set: ConfSet): Violation[] {
  const out: Violation[] = [];
  const modules = set.get('modules.conf');
  const m = modules && section(modules, 'modules');
  if (!m) return [{ code: 'HL_MISSING_FILE', file: 'modules.conf', message: 'no [modules] section: Asterisk would autoload everything, chan_sip included' }];
  const autoload = /^(yes|true|on|1)$/i.test(get(m, 'autoload') ?? 'yes');
  const listed = (key: string) => new Set(getAll(m, key).map((v) => v.replace(/\.so$/, '')));
  const loads = new Set([...listed('load'), ...listed('preload'), ...listed('require'), ...listed('preload-require')]);
  const noload = listed('noload');
  for (const mod of ['chan_sip', 'res_pjsip_endpoint_identifier_anonymous']) {
    const code = mod === 'chan_sip' ? 'HL_CHAN_SIP' : 'HL_ANONYMOUS';
    if (loads.has(mod)) out.push({ code, file: 'modules.conf', line: m.line, message: `${mod} is loaded` });
    else if (autoload && !noload.has(mod)) out.push({ code, file: 'modules.conf', line: m.line, message: `autoload=yes without noload => ${mod}.so` });
  }
  if (set.has('sip.conf')) out.push({ code: 'HL_CHAN_SIP', file: 'sip.conf', message: 'a sip.conf is present: chan_sip configuration has no place here' });
  return out;
}
