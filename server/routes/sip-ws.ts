// WebSocket /sip (RFC 7118). Everything that can be refused is refused before the upgrade, with
// an HTTP status: browsers only show 1006 for a failed upgrade, but the status is in the edge's
// log with the reason, which is where an owner looks when "it didn't ring".
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpErrors, WsClose } from '../errors.ts';
import { TokenError } from '../auth/tokens.ts';
import type { ConnectClaims } from '../auth/claims.ts';
import type { UpstreamChannel } from '../upstreams/types.ts';
import { RelaySession } from '../relay/session.ts';
import { LazyUpstreamChannel } from '../relay/lazy-channel.ts';
import { callerKey } from '../calls/log.ts';
import { refusalReason } from '../calls/refusals.ts';
import { newCallId } from '../relay/calls.ts';

declare module 'fastify' {
  interface FastifyRequest {
    sipClaims?: ConnectClaims;
    sipChannel?: UpstreamChannel;
    sipPending?: { channel: UpstreamChannel | undefined };
    connId?: string;
  }
}

export default async function sipWebSocketRoute(app: FastifyInstance) {
  const { limits, sip, visitor } = app.config;

  const admit = async (req: FastifyRequest) => {
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!protocols.includes('sip')) throw new HttpErrors.Subprotocol();
    app.checkOrigin(req);
    // The address's slot is taken here, before anything asynchronous, and given back if the
    // upgrade does not happen: a burst of simultaneous upgrades cannot all pass the check.
    if (app.wsByIp.count(req.ip) >= limits.wsPerIp) throw new HttpErrors.TooManyConnections();
    const ip = req.ip;
    app.wsByIp.add(ip);
    let held = true;
    const release = () => {
      if (held) app.wsByIp.remove(ip);
      held = false;
    };
    req.raw.socket.once('close', release);
    try {
      await admitWithSlot(req);
    } catch (err) {
      release();
      throw err;
    }
  };

  const admitWithSlot = async (req: FastifyRequest) => {
    const token = (req.query as { token?: string }).token;
    let claims: ConnectClaims;
    try {
      claims = await app.tokens.verifyAndSpend(token);
    } catch (err) {
      if (err instanceof TokenError) {
        req.log.warn({ reason: err.reason }, 'websocket refused: bad token');
        const e = new HttpErrors.TokenRefused(err.reason) as Error & { reason?: string };
        e.reason = err.reason;
        throw e;
      }
      throw err;
    }
    // A token fetched just before the owner blocked this caller is worth nothing either.
    if (claims.role === 'visitor' && app.blocks.isBlocked(req.ip, Date.now())) {
      req.log.info('websocket refused: the caller is blocked');
      throw new HttpErrors.Blocked();
    }
    // Owner tabs do not use up the visitors' budget.
    if (claims.role === 'visitor' && visitorSessions(app) >= limits.wsVisitorTotal) throw new HttpErrors.TooManyConnections();
    const connId = randomBytes(5).toString('hex');
    req.connId = connId;
    const client = { connId, role: claims.role, user: claims.sub, ip: req.ip };
    if (claims.role === 'visitor') {
      // A visitor costs the upstream nothing until it places a call (server/relay/lazy-channel.ts).
      req.sipChannel = new LazyUpstreamChannel({
        open: () => app.upstream.open(client),
        budget: app.visitorChannels,
        busyRetryAfterSeconds: limits.busyRetryAfterSeconds,
        log: app.log.child({ conn: connId, role: claims.role, user: claims.sub }),
      });
    } else {
      try {
        req.sipChannel = await app.upstream.open(client);
      } catch (err) {
        req.log.error({ err: (err as Error).message, upstream: app.upstream.kind }, 'websocket refused: upstream unreachable');
        throw new HttpErrors.UpstreamDown();
      }
    }
    req.sipClaims = claims;
    // If the upgrade never completes (the client vanished mid-handshake), the handler never runs:
    // close the upstream channel with the TCP socket. The closure keeps only this small holder.
    const pending = { channel: req.sipChannel as UpstreamChannel | undefined };
    req.sipPending = pending;
    // A socket reset while the owner's channel was opening has already closed: its 'close' will not
    // come again, and the upgrade will drop the dead socket without the handler. Close it now.
    if (req.raw.socket.destroyed) {
      req.log.info('client went away during the upgrade; upstream channel closed');
      pending.channel?.close();
      pending.channel = undefined;
      return;
    }
    req.raw.socket.once('close', () => pending.channel?.close());
  };

  app.get('/sip', { websocket: true, preValidation: admit }, (socket, req) => {
    const claims = req.sipClaims!;
    const channel = req.sipChannel!;
    const connId = req.connId!;
    // Nothing below keeps `req`: thousands of idle connections must not each hold a request.
    const ip = req.ip;
    const log = app.log.child({ conn: connId, role: claims.role, user: claims.sub });
    req.sipChannel = undefined;
    req.sipPending!.channel = undefined; // the session owns it now
    const note = claims.role === 'visitor' ? app.visitors.get(claims.sub) : undefined;
    const caller = claims.role === 'visitor' ? callerKey(ip, app.secrets.edgeSecret) : undefined;
    const session = new RelaySession({
      connId,
      address: ip,
      socket,
      channel,
      who: {
        role: claims.role,
        user: claims.sub,
        targets: claims.targets,
        domain: sip.domain,
        callerName: note?.name ? encodeURIComponent(note.name) : undefined,
      },
      limits: {
        messagesPerSecond: limits.messagesPerSecond,
        messageBurst: limits.messageBurst,
        sessionSeconds: claims.cap,
        callSeconds: Math.round(visitor.callMinutes * 60),
        visitorCallsCap: limits.visitorCallsTotal,
        busyRetryAfterSeconds: limits.busyRetryAfterSeconds,
      },
      visitorCalls: app.visitorCalls,
      callAttempt: claims.role === 'visitor' ? () => app.callAttempts.take(connId, ip, Date.now()) : undefined,
      // Do-not-disturb and opening hours, one answer (server/owner/availability.ts).
      pausedTargets: () => pausedVisitorTargets(app),
      pauseCode: () => app.ownerPause(),
      onCall: claims.role === 'visitor' ? (rec) => {
        const c = rec.call;
        if (c.direction !== 'out') return;
        // Keyed by the id the edge made: a Call-ID is the client's choice (issue 10).
        if (rec.event === 'started') {
          app.callLog.started({ id: c.id, startedAt: c.startedAt, visitor: rec.visitor, caller, name: note?.name, message: note?.message, target: c.target, page: note?.page });
          app.blocks.noteCall(c.id, ip, c.startedAt); // so the owner can block this caller from the row
        }
        else if (rec.event === 'answered') app.callLog.answered(c.id, c.answeredAt!);
        else app.callLog.ended(c.id, c.endedAt!, c.outcome ?? 'failed');
      } : undefined,
      // Refused before it rang (do-not-disturb, hours, busy lines): still a row for the owner.
      onRefused: claims.role === 'visitor' ? (r) => {
        const reason = refusalReason(r.code);
        if (!reason) return;
        if (!app.callAttempts.take(connId, ip, r.at).ok) {
          log.debug({ code: r.code }, 'refused call not logged: call-attempt budget spent');
          return;
        }
        const id = newCallId();
        app.callLog.refused({ id, startedAt: r.at, visitor: claims.sub, caller, name: note?.name, message: note?.message, target: r.target ?? '', page: note?.page, reason });
        app.blocks.noteCall(id, ip, r.at); // a caller who rang outside the hours can be blocked from the row too
      } : undefined,
      log,
    });
    app.relaySessions.add(session);
    log.info({ ip }, 'connection opened');
    socket.once('close', () => {
      app.relaySessions.delete(session);
    });
    if (channel instanceof LazyUpstreamChannel) {
      const idle = setTimeout(() => {
        if (channel.opened) return;
        log.info({ idleSeconds: visitor.idleSeconds }, 'visitor placed no call; closing');
        session.close(WsClose.NoCall, `HL_NO_CALL: no call placed within ${visitor.idleSeconds} s`);
      }, visitor.idleSeconds * 1000);
      idle.unref();
      socket.once('close', () => clearTimeout(idle));
    }
  });
}

const NONE: ReadonlySet<string> = new Set();

/**
 * What a paused owner (do-not-disturb, outside hours) closes to visitors: the owner targets; and,
 * on Asterisk, the voice menu too while the edge's ARI app is away. The menu's own ring steps
 * honour the pause, but with Stasis unavailable Asterisk's [operator-menu] falls back to ringing
 * the owner's phones directly (asterisk/ extensions.conf), past the pause.
 */
function pausedVisitorTargets(app: FastifyInstance): ReadonlySet<string> {
  if (app.ownerPause() === undefined) return NONE;
  const menuAway = app.upstream.kind === 'asterisk' && !(app.hasDecorator('ivr') && app.ivr.ariClient?.connected);
  return new Set(app.config.visitor.targets.filter((t) => t.kind === 'owner' || (menuAway && t.kind === 'ivr')).map((t) => t.user));
}

function visitorSessions(app: FastifyInstance): number {
  let n = 0;
  for (const s of app.relaySessions) if (s.role === 'visitor') n++;
  return n;
}
