// One JsSIP user agent per connect token. Tokens are single-use, so JsSIP's own reconnect (which
// reuses the URL) can only fail: callers stop the UA on the first disconnect and, if they want to
// stay connected (the owner), build a new one from a fresh token.
import { UA, WebSocketInterface, debug } from 'jssip';
import { socketUrl, type ConnectInfo } from '../shared/api.ts';

debug.disable();

export type RTCSession = ReturnType<UA['call']>;

export function createUa(info: ConnectInfo, register: boolean): UA {
  return new UA({
    sockets: [new WebSocketInterface(socketUrl(info))],
    uri: info.sip.uri,
    display_name: info.sip.displayName || undefined,
    register,
    // The edge answers each REGISTER for the connection's lifetime; refresh well inside it.
    register_expires: 600,
    // Session timers send re-INVITE/UPDATE every 90 s; the edge caps calls itself.
    session_timers: false,
    connection_recovery_min_interval: 60,
    connection_recovery_max_interval: 60,
    user_agent: 'homeline',
  });
}

export function pcConfig(info: ConnectInfo): RTCConfiguration {
  return { iceServers: info.iceServers ?? [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
}

/** The headers an ending response carried, whatever JsSIP calls them. */
export function responseFacts(message: unknown): { statusCode?: number; warning?: string; retryAfter?: string } {
  const m = message as { status_code?: number; getHeader?: (n: string) => string | undefined } | null | undefined;
  if (!m || typeof m.getHeader !== 'function') return {};
  return { statusCode: m.status_code, warning: m.getHeader('Warning'), retryAfter: m.getHeader('Retry-After') };
}
