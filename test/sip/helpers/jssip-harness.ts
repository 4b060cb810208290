// A real JsSIP user agent running in Node, wired to an in-memory socket instead of a WebSocket,
// so tests can see exactly what JsSIP sends and whether it accepts what the edge answers.
// WebRTC is replaced by a minimal fake peer connection that offers a Chrome-shaped SDP.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const JsSIP: any = require('jssip');

export const CHROME_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 7a3c0b1e-9f3e-4c55-9a4e-2f8f1d0c6b21',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1467250027 1 udp 2122260223 192.168.1.20 46243 typ host generation 0 network-id 1',
  'a=ice-ufrag:Fsl3',
  'a=ice-pwd:7mG7sY2qGt3bq6fYt2F0Xc6E',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 1E:4B:0A:9E:52:2F:5C:6B:4F:3A:13:8D:0C:7E:2B:91:44:AF:03:6E:C1:5D:72:9B:E8:07:31:60:AA:2C:DE:43',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=msid:7a3c0b1e-9f3e-4c55-9a4e-2f8f1d0c6b21 3d1f0c52-5c1b-47a8-8d8e-7b7f1e0a4c11',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:126 telephone-event/8000',
  'a=ssrc:2411690153 cname:Qd4uTZ3tZ1Q0Yx6B',
  '',
].join('\r\n');

/** Just enough of RTCPeerConnection for JsSIP to build and send an offer or an answer. */
class FakePeerConnection {
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  iceGatheringState = 'complete';
  iceConnectionState = 'new';
  signalingState = 'stable';
  addEventListener(): void {}
  removeEventListener(): void {}
  async createOffer() { return { type: 'offer', sdp: CHROME_OFFER }; }
  async createAnswer() { return { type: 'answer', sdp: CHROME_OFFER.replace('a=setup:actpass', 'a=setup:active') }; }
  async setLocalDescription(d: { type: string; sdp: string }) { this.localDescription = d; }
  async setRemoteDescription(d: { type: string; sdp: string }) { this.remoteDescription = d; }
  getSenders() { return []; }
  getReceivers() { return []; }
  getLocalStreams() { return []; }
  getRemoteStreams() { return []; }
  addTrack() {}
  close() {}
}
const g = globalThis as Record<string, unknown>;
g.window ??= globalThis;
g.RTCPeerConnection ??= FakePeerConnection;
g.RTCSessionDescription ??= class { constructor(init: object) { Object.assign(this, init); } };

/** JsSIP's Socket interface (jssip.net/documentation/api/socket) backed by arrays. */
export class MemorySocket {
  via_transport = 'WSS';
  url = 'wss://edge.test/sip';
  sip_uri = 'sip:edge.test;transport=ws';
  sent: string[] = [];
  onconnect?: () => void;
  ondisconnect?: (error: boolean, code?: number, reason?: string) => void;
  ondata?: (data: string) => void;
  /** Called for every message JsSIP sends; the test answers through `deliver`. */
  onsend?: (text: string) => void;
  private open = false;
  connect(): void {
    this.open = true;
    setImmediate(() => this.onconnect?.());
  }
  disconnect(): void {
    if (!this.open) return;
    this.open = false;
    this.ondisconnect?.(false, 1000, 'closed');
  }
  send(text: string): boolean {
    this.sent.push(text);
    this.onsend?.(text);
    return true;
  }
  isConnected(): boolean { return this.open; }
  isConnecting(): boolean { return false; }
  deliver(text: string): void {
    this.ondata?.(text);
  }
}

export interface Agent {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ua: any;
  socket: MemorySocket;
  stop(): void;
}

export async function startAgent(uri: string, displayName?: string): Promise<Agent> {
  const socket = new MemorySocket();
  const ua = new JsSIP.UA({
    sockets: [socket],
    uri,
    display_name: displayName,
    register: false,
    session_timers: false,
    user_agent: 'JsSIP 3.13',
  });
  await new Promise<void>((resolve) => {
    ua.once('connected', () => resolve());
    ua.start();
  });
  return {
    ua,
    socket,
    stop() {
      socket.onsend = undefined;
      ua.stop();
      // JsSIP waits 2 s for pending transactions before closing; a test has nothing to wait for.
      if (ua._closeTimer) {
        clearTimeout(ua._closeTimer);
        ua._closeTimer = null;
        ua._transport.disconnect();
      }
      socket.disconnect();
    },
  };
}

/** Waits for the next message JsSIP sends. */
export function nextSent(socket: MemorySocket): Promise<string> {
  return new Promise((resolve) => {
    const prev = socket.onsend;
    socket.onsend = (text) => {
      socket.onsend = prev;
      prev?.(text);
      resolve(text);
    };
  });
}
