// The visitor and owner endpoints have no password: the edge's secret header IS their
// credential. res_pjsip_endpoint_identifier_ip compares `match_header` values with strcmp (or a
// regex between slashes), checks every header of that name, and the identifier order decides
// who wins. So: exact value with the right secret, no regex, no IP or request-URI match, only
// `identify_by=header` (the username identifier honours it; a From of 6000 must not make anyone
// the owner), and "header" first in endpoint_identifier_order.
import { get, getAll, objects, section } from '../conf-parser.ts';
import { type AsteriskPlan, VISITOR_ENDPOINT, EDGE_HEADER } from '../plan.ts';
import type { ConfSet, Violation } from './types.ts';

/** Asterisk splits match_header at the first ':' and strips both sides. */
export function splitMatchHeader(value: string): { name: string; value: string } {
  const i = value.indexOf(':');
  return i < 0 ? { name: value.trim(), value: '' } : { name: value.slice(0, i).trim(), value: value.slice(i + 1).trim() };
}

export function checkEdgeIdentity(set: ConfSet, plan: AsteriskPlan): Violation[] {
  const out: Violation[] = [];
  const pjsip = set.get('pjsip.conf');
  if (!pjsip) return [{ code: 'HL_MISSING_FILE', file: 'pjsip.conf', message: 'no pjsip.conf' }];
  const roles = [
    { role: 'visitor', endpoint: VISITOR_ENDPOINT, methods: 'header' },
    // The owner tab must also allow `username` or Asterisk's registrar cannot find its AOR; its
    // secret-derived name is what keeps the username identifier from ever choosing it.
    { role: 'owner', endpoint: plan.owner.tabEndpoint, methods: 'header,username' },
  ];
  const identifies = objects(pjsip, 'identify');
  for (const { role, endpoint, methods: allowed } of roles) {
    const expected = `${role}-${plan.edgeSecret}`;
    const ep = objects(pjsip, 'endpoint').find((s) => s.name === endpoint);
    if (!ep) { out.push({ code: 'HL_IDENTITY_MISSING', file: 'pjsip.conf', message: `no ${role} endpoint ${endpoint}` }); continue; }
    const methods = (get(ep, 'identify_by') ?? 'username,ip').split(',').map((m) => m.trim());
    if (methods.join(',') !== allowed) {
      out.push({ code: 'HL_IDENTITY_METHOD', file: ep.file, line: ep.line, message: `${role} endpoint ${endpoint} has identify_by=${methods.join(',')}; only "${allowed}" keeps it behind the edge secret` });
    }
    if (get(ep, 'auth') === undefined && role === 'visitor' && get(ep, 'aors')) {
      out.push({ code: 'HL_IDENTITY_AOR', file: ep.file, line: ep.line, message: 'the visitor endpoint has aors: visitors never register' });
    }
    if (role === 'owner' && (get(ep, 'aors') ?? '') !== plan.owner.extension) {
      out.push({ code: 'HL_IDENTITY_AOR', file: ep.file, line: ep.line, message: `the owner tab must register only as ${plan.owner.extension}` });
    }
    const mine = identifies.filter((s) => get(s, 'endpoint') === endpoint);
    if (!mine.length) out.push({ code: 'HL_IDENTITY_MISSING', file: ep.file, line: ep.line, message: `no identify section for the ${role} endpoint` });
    for (const s of mine) {
      if (getAll(s, 'match').length || getAll(s, 'match_request_uri').length) {
        out.push({ code: 'HL_IDENTITY_WEAK', file: s.file, line: s.line, message: `identify ${s.name} matches the ${role} by address or request URI, not only by the edge secret` });
      }
      const headers = getAll(s, 'match_header');
      if (!headers.length) out.push({ code: 'HL_IDENTITY_WEAK', file: s.file, line: s.line, message: `identify ${s.name} has no match_header` });
      for (const h of headers) {
        const { name, value } = splitMatchHeader(h);
        if (name.toLowerCase() !== EDGE_HEADER.toLowerCase()) out.push({ code: 'HL_IDENTITY_WEAK', file: s.file, line: s.line, message: `identify ${s.name} matches header ${name}, not ${EDGE_HEADER}` });
        else if (value.length > 2 && value.startsWith('/') && value.endsWith('/')) out.push({ code: 'HL_IDENTITY_WEAK', file: s.file, line: s.line, message: `identify ${s.name} matches a regular expression; it must be the exact secret` });
        else if (value !== expected) out.push({ code: 'HL_IDENTITY_SECRET', file: s.file, line: s.line, message: `identify ${s.name} does not carry the edge's current ${role} secret` });
      }
    }
  }
  // The endpoint Asterisk dials for the owner's tab must never be identified inbound: with
  // username allowed, a From of ${plan.owner.extension} would be the owner.
  const dialed = objects(pjsip, 'endpoint').find((s) => s.name === plan.owner.extension);
  if (dialed) {
    const m = (get(dialed, 'identify_by') ?? 'username,ip').split(',').map((x) => x.trim()).join(',');
    if (m !== 'header') out.push({ code: 'HL_IDENTITY_METHOD', file: dialed.file, line: dialed.line, message: `endpoint ${plan.owner.extension} has identify_by=${m}; a From of ${plan.owner.extension} could then be the owner` });
    if (identifies.some((s) => get(s, 'endpoint') === plan.owner.extension)) out.push({ code: 'HL_IDENTITY_WEAK', file: dialed.file, line: dialed.line, message: `an identify section points at ${plan.owner.extension}; only the owner tab endpoint is identified` });
  }
  // The edge header must identify nobody else (a phone or trunk reachable with a visitor's header).
  for (const s of identifies) {
    const ep = get(s, 'endpoint');
    if (roles.some((r) => r.endpoint === ep)) continue;
    if (getAll(s, 'match_header').some((h) => splitMatchHeader(h).name.toLowerCase() === EDGE_HEADER.toLowerCase())) {
      out.push({ code: 'HL_IDENTITY_WEAK', file: s.file, line: s.line, message: `identify ${s.name} gives ${EDGE_HEADER} to endpoint ${ep}` });
    }
  }
  const global = objects(pjsip, 'global')[0] ?? section(pjsip, 'global');
  const order = (global && get(global, 'endpoint_identifier_order')) ?? 'ip,username,anonymous';
  const ids = order.split(',').map((s) => s.trim());
  if (ids[0] !== 'header') out.push({ code: 'HL_IDENTIFY_ORDER', file: 'pjsip.conf', line: global?.line, message: `endpoint_identifier_order=${order}: "header" must come first` });
  if (ids.includes('anonymous')) out.push({ code: 'HL_ANONYMOUS', file: 'pjsip.conf', line: global?.line, message: 'endpoint_identifier_order includes anonymous' });
  return out;
}
