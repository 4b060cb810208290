// The answer of both token routes: everything a JsSIP client needs to connect, and to explain a
// refusal later (a refused WebSocket upgrade reaches the page only as close code 1006).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../auth/claims.ts';
import { turnIceServer } from '../turn/credentials.ts';

export interface ConnectTarget {
  user: string;
  uri: string;
  label: string;
  kind: string;
}

export async function connectInfo(app: FastifyInstance, req: FastifyRequest, role: Role, user: string, targets: ConnectTarget[], capSeconds: number) {
  const { config } = app;
  const issued = await app.tokens.issue({ role, sub: user, targets: targets.map((t) => t.user), capSeconds });
  const base = config.publicUrl ? new URL(config.publicUrl) : new URL(`${req.protocol}://${req.host}`);
  const wsUrl = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}/sip?token=${issued.token}`;
  // Per-party TURN credentials, valid no longer than the session this token can open.
  const turn = turnIceServer(config, app.secrets, user, capSeconds);
  return {
    token: issued.token,
    wsUrl,
    expiresAt: issued.expiresAt,
    sip: { uri: `sip:${user}@${config.sip.domain}`, domain: config.sip.domain, displayName: role === 'owner' ? config.owner.name : 'Website visitor' },
    targets,
    iceServers: turn ? [...config.ice.servers, turn] : config.ice.servers,
    iceGatheringTimeoutMs: config.ice.gatheringTimeoutMs,
    sessionSeconds: capSeconds,
    callSeconds: Math.round(config.visitor.callMinutes * 60),
  };
}

export function visitorTargets(app: FastifyInstance): ConnectTarget[] {
  return app.config.visitor.targets.map((t) => ({ user: t.user, uri: `sip:${t.user}@${app.config.sip.domain}`, label: t.label, kind: t.kind }));
}
