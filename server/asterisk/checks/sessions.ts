// Asterisk's HTTP server takes `sessionlimit` connections (http.conf; 100 when unset), and every
// edge upstream channel and ARI request is one of them. The edge caps visitor channels
// (limits.visitorUpstreamChannels) and keeps limits.ownerReserveChannels for the owner's tabs and
// ARI: both must fit, or enough visitors lock the owner out (the owner's tab gets 503).
import { get, section } from '../conf-parser.ts';
import type { AsteriskPlan } from '../plan.ts';
import type { ConfSet, Violation } from './types.ts';

/** Asterisk's default when http.conf has no sessionlimit (main/http.c, DEFAULT_SESSION_LIMIT). */
export const ASTERISK_DEFAULT_SESSION_LIMIT = 100;

export function checkSessionBudget(set: ConfSet, plan: AsteriskPlan): Violation[] {
  const out: Violation[] = [];
  const { visitorChannels, ownerReserve, limit: configured } = plan.sessions;
  const need = visitorChannels + ownerReserve;
  if (need > configured) {
    out.push({
      code: 'HL_SESSION_BUDGET', file: 'homeline.config.json', message:
        `limits.visitorUpstreamChannels (${visitorChannels}) + limits.ownerReserveChannels (${ownerReserve}) = ${need} exceeds upstream.asteriskSessionLimit (${configured}): visitors could take the owner's sessions`,
    });
  }
  const http = set.get('http.conf');
  const g = http && section(http, 'general');
  if (!g) return out;
  const raw = get(g, 'sessionlimit');
  const actual = raw === undefined ? ASTERISK_DEFAULT_SESSION_LIMIT : Number(raw);
  if (!Number.isInteger(actual) || actual < need) {
    out.push({
      code: 'HL_SESSION_BUDGET', file: 'http.conf', line: g.line, message:
        `sessionlimit ${raw ?? `unset (Asterisk's default ${ASTERISK_DEFAULT_SESSION_LIMIT})`} is below what the edge may hold: ${visitorChannels} visitor channels + ${ownerReserve} reserved for the owner and ARI = ${need}`,
    });
  } else if (actual !== configured) {
    out.push({ code: 'HL_EDGE_MISMATCH', file: 'http.conf', line: g.line, message: `sessionlimit ${actual} but upstream.asteriskSessionLimit says ${configured}` });
  }
  return out;
}
