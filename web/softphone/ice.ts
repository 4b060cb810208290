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
