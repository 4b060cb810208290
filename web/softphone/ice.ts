// JsSIP waits for ICE gathering to *finish* before it sends an INVITE or a 200 OK: ~140 ms on
// loopback and 10–40 s when a STUN/TURN server does not answer. We send as soon as a candidate
// that can plausibly connect exists, and in any case after the edge's gathering cap.

export interface CandidateFacts {
  /** 'host' | 'srflx' | 'prflx' | 'relay' */
  type?: string | null;
  protocol?: string | null;
  address?: string | null;
}

/**
 * With no ICE servers a UDP host candidate is all we will get. With servers configured, a host
 * candidate alone rarely works across NATs, so wait for a server-reflexive or relay one.
 */
export function isUsableCandidate(c: CandidateFacts, hasIceServers: boolean): boolean {
  if (c.protocol && c.protocol !== 'udp') return false;
  // mDNS-obfuscated host candidates (`….local`) cannot be resolved by a SIP server.
  if (c.type === 'host' && c.address?.endsWith('.local')) return false;
  if (!hasIceServers) return c.type === 'host' || c.type === 'srflx' || c.type === 'relay';
  return c.type === 'srflx' || c.type === 'relay';
}

interface IceCandidateEventLike {
  candidate: RTCIceCandidate;
  ready: () => void;
}
interface SessionLike {
  on(event: 'icecandidate', fn: (e: IceCandidateEventLike) => void): unknown;
  on(event: 'ended' | 'failed' | 'sdp', fn: () => void): unknown;
}

/** Hooks a JsSIP session so its offer/answer goes out early; call before `ua.call`/`answer` resolves. */
export function capIceGathering(session: SessionLike, timeoutMs: number, hasIceServers: boolean): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let done = false;
  session.on('icecandidate', (e) => {
    if (done) return;
    if (isUsableCandidate(e.candidate, hasIceServers)) {
      done = true;
      clearTimeout(timer);
      e.ready();
      return;
    }
    // First candidate starts the cap: from here on, go with what we have after timeoutMs.
    timer ??= setTimeout(() => { done = true; e.ready(); }, timeoutMs);
  });
  const stop = () => { done = true; clearTimeout(timer); };
  session.on('ended', stop);
  session.on('failed', stop);
}

interface WatchedConnection {
  readonly iceConnectionState: string;
  readonly iceGatheringState: string;
  addEventListener(type: 'iceconnectionstatechange' | 'icegatheringstatechange' | 'icecandidate', fn: (e: Event) => void): void;
}
interface WatchedSession {
  connection: WatchedConnection;
  terminate(options?: { cause?: string; status_code?: number; reason_phrase?: string }): void;
  isEnded(): boolean;
  on(event: 'ended' | 'failed', fn: () => void): unknown;
}

/**
 * How long ICE may check before the call is given up as unable to get through the network.
 * Chromium does not always reach 'failed' when every check is dropped: it can sit in
 * 'disconnected' (never having connected) for minutes. Relayed or not, a path that works
 * answers its checks within a few seconds.
 */
export const ICE_CONNECT_TIMEOUT_MS = 20_000;

/**
 * Notes whether the call's media path failed, for the end reason, and hangs up when it did:
 *  - ICE never connected within `connectTimeoutMs` of starting its checks;
 *  - `iceconnectionstatechange` → 'failed'. JsSIP's own listener sees that first and hangs up with
 *    cause 'RTP Timeout', closing the connection before it reports the end; before an answer that
 *    end is reported as a plain CANCEL ("Canceled"), after it as BYE. So the hang-up JsSIP asks
 *    for is noted on its way through `terminate`;
 *  - gathering finished without a single candidate (every interface blocked, TURN unreachable
 *    under a relay-only policy): nothing can carry media.
 * Call right after `ua.call`/`answer` returns, before any candidate can arrive.
 */
export function watchIceFailure(session: WatchedSession, connectTimeoutMs = ICE_CONNECT_TIMEOUT_MS): () => boolean {
  let failed = false;
  let connected = false;
  let candidates = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pc = session.connection;
  const terminate = session.terminate.bind(session);
  session.terminate = (options) => {
    if (options?.cause === 'RTP Timeout') failed = true;
    terminate(options);
  };
  const giveUp = () => {
    if (connected || session.isEnded()) return;
    failed = true;
    try { terminate(); } catch { /* already ending */ }
  };
  pc.addEventListener('iceconnectionstatechange', () => {
    const state = pc.iceConnectionState;
    if (state === 'connected' || state === 'completed') {
      connected = true;
      clearTimeout(timer);
    } else if (state === 'failed') {
      failed = true;
    } else if (!connected && (state === 'checking' || state === 'disconnected')) {
      timer ??= setTimeout(giveUp, connectTimeoutMs);
    }
  });
  pc.addEventListener('icecandidate', (e) => { if ((e as RTCPeerConnectionIceEvent).candidate) candidates++; });
  pc.addEventListener('icegatheringstatechange', () => {
    if (pc.iceGatheringState === 'complete' && candidates === 0) giveUp();
  });
  const stop = () => clearTimeout(timer);
  session.on('ended', stop);
  session.on('failed', stop);
  return () => failed;
}
