// What the edge decorates onto Fastify: its dependencies, passed explicitly instead of globals.
import type { CallAttemptBudget } from './limits/call-attempts.ts';
import type { Config } from './config/schema.ts';
import type { Secrets } from './config/secrets.ts';
import type { TokenService } from './auth/tokens.ts';
import type { Upstream } from './upstreams/types.ts';
import type { Presence } from './owner/presence.ts';
import type { OwnerSessions } from './owner/sessions.ts';
import type { OwnerEvents } from './owner/events.ts';
import type { HoursStore } from './owner/hours-store.ts';
import type { Availability, PauseCode } from './owner/availability.ts';
import type { Blocks } from './owner/blocks.ts';
import type { CallLog } from './calls/log.ts';
import type { Db } from './store/db.ts';
import type { ConnectionCounter, VisitorCallCounter } from './limits/counters.ts';
import type { ChannelBudget } from './limits/channel-budget.ts';
import type { VisitorDirectory } from './store/visitor-directory.ts';
import type { RelaySession } from './relay/session.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import type {} from '@fastify/websocket';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    secrets: Secrets;
    tokens: TokenService;
    upstream: Upstream;
    presence: Presence;
    ownerSessions: OwnerSessions;
    /** Changes the owner console should see live (server/owner/events.ts). */
    ownerEvents: OwnerEvents;
    /** The owner's opening hours: config, or the console's edit (server/owner/hours-store.ts). */
    hours: HoursStore;
    /** Do-not-disturb and opening hours as one answer with a reason (server/owner/availability.ts). */
    ownerAvailability: (at?: number) => Availability;
    /** The same answer as a SIP refusal code (undefined: available), cheap enough for every request. */
    ownerPause: () => PauseCode | undefined;
    /** Blocked callers, by keyed hash of address or network (server/owner/blocks.ts). */
    blocks: Blocks;
    callLog: CallLog;
    db: Db;
    wsByIp: ConnectionCounter;
    visitorCalls: VisitorCallCounter;
    /** Upstream channels visitors hold (opened at their first INVITE); the rest is the owner's reserve. */
    visitorChannels: ChannelBudget;
    callAttempts: CallAttemptBudget;
    visitors: VisitorDirectory;
    relaySessions: Set<RelaySession>;
    /** The origin this edge serves its own pages from, e.g. http://127.0.0.1:8080. */
    selfOrigins: () => string[];
    /** Re-reads config.tls into the listening server (SIGHUP); false without TLS or on a bad file. */
    reloadTls: () => boolean;
    isAllowedOrigin: (origin: string | undefined) => boolean;
    /**
     * The one Origin check: throws 403 HL_ORIGIN_FORBIDDEN unless the request's Origin is allowed.
     * `allowed`: any site on the list and the edge itself; `own`: only the edge's own pages.
     */
    checkOrigin: (req: FastifyRequest, scope?: 'allowed' | 'own') => void;
    /** onRequest hook for owner-only routes: 403 from another Origin, 401 HL_NOT_OWNER without a valid session cookie. */
    requireOwner: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}
export {};
