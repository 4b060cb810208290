// The visitor's softphone: loaded by the button on first click.
//
//   mic ──granted──▶ connecting ──INVITE 180──▶ ringing ──200──▶ in-call ──BYE/cap/drop──▶ ended
//    │                   │  (token 429/503, socket refused)    │ (603/486/408/480/503)       ▲
//    └─denied/missing────┴─────────────────────────────────────┴─────────────────────────────┘
//
// Everything outside (words, the edge's address, the primed audio element) comes in through SoftphoneHost.
import { postJson, type ConnectInfo } from '../shared/api.ts';
import { h } from '../shared/dom.ts';
import { callControls } from './call-controls.ts';
import { controlStrings } from '../shared/call-control-strings.ts';
import { amendEndReason, endReason, HOME_LOST_AFTER_BYE_MS, type EndFacts, type EndReason } from './end-reason.ts';
import type { CallHandle, CallState, SoftphoneHost } from './host.ts';
import { capIceGathering, watchIceFailure } from './ice.ts';
import { MicError, openMicrophone } from './media.ts';
import { ringback, type Tone } from './tones.ts';
import { createUa, pcConfig, responseFacts, type RTCSession } from './ua.ts';
import { followIvr, type IncomingMessage } from '../ivr/in-call.ts';
import { usePanelStyles } from '../button/panel-styles.ts';

export { offersMessage, asksStatusAgain } from './end-reason.ts';

export function reasonText(host: SoftphoneHost, r: EndReason): string {
  const R = host.strings.reasons;
  const n = host.calleeName;
  switch (r.kind) {
    case 'hungUpByOther': case 'declined': case 'busy': case 'noAnswer': case 'unavailable': case 'closed':
      return R[r.kind](n);
    case 'linesBusy': case 'rateLimited': case 'tooManyAttempts':
      return R[r.kind](r.retryAfterSeconds);
    default:
      return R[r.kind];
  }
}

export function startCall(host: SoftphoneHost): CallHandle {
  const S = host.strings;
  const labels = host.controls ?? controlStrings;
  // `page`: where the button is, for the owner's call log ("from /pricing"), without the query.
  const page = /^https?:$/.test(location.protocol) ? { page: location.origin + location.pathname } : {};
  const fetchToken = () => postJson<ConnectInfo>(host.edge, 'api/visitor/token',
    { target: host.target, ...(host.visitorName ? { name: host.visitorName } : {}), ...page });
  let state: CallState = 'mic';
  let mic: MediaStream | undefined;
  let ua: ReturnType<typeof createUa> | undefined;
  let session: RTCSession | undefined;
  let tone: Tone | undefined;
  let capTimer: ReturnType<typeof setTimeout> | undefined;
  let controls: ReturnType<typeof callControls> | undefined;
  let finished = false;
  let finishLater: EndReason | undefined;
  // The operator menu's nodes, when the edge reports them (Asterisk upstream, target 100).
  const ivr = followIvr(S.ivr);

  const set = (s: CallState, words: string) => {
    state = s;
    host.status.textContent = words;
    host.onState(s);
  };
  usePanelStyles(host.panel);
  const hangBtn = h('button', { type: 'button', className: 'danger', textContent: labels.hangUp });
  hangBtn.onclick = () => hangUp();
  host.panel.append(hangBtn);

  function finish(r: EndReason) {
    if (finished) return;
    finished = true;
    tone?.stop();
    controls?.stop();
    clearTimeout(capTimer);
    window.removeEventListener('offline', onOffline);
    for (const t of mic?.getTracks() ?? []) t.stop();
    const u = ua;
    ua = undefined;
    host.audio.srcObject = null;
    host.panel.replaceChildren();
    set('ended', reasonText(host, r));
    host.onEnded(r);
    if (u && r.kind === 'hungUpByOther') {
      // Asterisk shutting down hangs up with an ordinary BYE and drops the socket a moment later:
      // keep listening briefly, so the visitor reads that the phone system went, not the owner.
      const stopAt = setTimeout(() => stopUa(u), HOME_LOST_AFTER_BYE_MS);
      u.on('disconnected', (e: { code?: number }) => {
        clearTimeout(stopAt);
        const better = amendEndReason(r, e.code ?? 1006);
        if (better) {
          set('ended', reasonText(host, better));
          host.onEnded(better);
        }
        stopUa(u);
      });
    } else stopUa(u);
  }

  function stopUa(u: ReturnType<typeof createUa> | undefined) {
    try { u?.stop(); } catch { /* socket already gone */ }
  }

  function hangUp() {
    if (finished) return;
    if (session && !session.isEnded()) session.terminate();
    else finish({ kind: 'hungUpByYou' });
  }

  // The browser knows before the socket does; say it at once rather than after a TCP timeout.
  const onOffline = () => finish({ kind: 'networkLost' }); // stopping the UA ends the session
  window.addEventListener('offline', onOffline);

  /** Connects at once; the INVITE waits for both the socket and the microphone. */
  function place(info: ConnectInfo, micReady: Promise<EndReason | undefined>) {
    const target = info.targets.find((t) => t.user === host.target) ?? info.targets[0];
    if (!target) return finish({ kind: 'refused' });
    const u = (ua = createUa(info, false));
    u.on('newMessage', (e: unknown) => ivr.onMessage(e as IncomingMessage));
    let calling = false;
    u.on('connected', async () => {
      if (calling) return;
      calling = true;
      await micReady; // a refused microphone finishes the call on its own
      if (finished || ua !== u) return;
      set('connecting', S.connecting);
      const s = u.call(target.uri, {
        mediaStream: mic,
        pcConfig: pcConfig(info),
        rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
      });
      session = s;
      capIceGathering(s, info.iceGatheringTimeoutMs || 2000, (info.iceServers ?? []).length > 0);
      const iceFailed = watchIceFailure(s);
      // `peerconnection` fired inside ua.call already; the connection is there now.
      s.connection.addEventListener('track', (e: Event) => {
        const t = e as RTCTrackEvent;
        host.audio.srcObject = t.streams[0] ?? new MediaStream([t.track]);
        void host.audio.play().catch(() => {});
      });
      s.on('progress', (e: unknown) => {
        const code = (e as { response?: { status_code?: number } }).response?.status_code;
        if (state !== 'ringing') set('ringing', S.ringing(host.calleeName));
        // 183 carries the far end's own tones (Asterisk plays ringback in-band).
        if (code === 180 && !tone) tone = ringback(host.ctx);
        if (code === 183) { tone?.stop(); tone = undefined; }
      });
      s.on('confirmed', () => {
        tone?.stop();
        tone = undefined;
        set('in-call', S.inCall(host.calleeName));
        const sendDigit = (d: string) => s.sendDTMF(d, { transportType: host.dtmfTransport as never, duration: 120 });
        controls = callControls(labels, host.audio, {
          mic: mic!,
          setMuted: (m) => (m ? s.mute({ audio: true }) : s.unmute({ audio: true })),
          sendDigit,
          hangUp,
          peer: () => s.connection,
        });
        host.panel.replaceChildren(host.audio, ivr.attach(sendDigit), controls.el);
        controls.start();
        if (info.callSeconds > 0) capTimer = setTimeout(() => { finishLater = { kind: 'sessionCap' }; s.terminate(); }, info.callSeconds * 1000);
      });
      const ended = (e: { originator: string; cause: string; message: unknown }) =>
        finish(finishLater ?? endReason({ originator: e.originator, cause: e.cause, iceFailed: iceFailed(), ...responseFacts(e.message) }));
      s.on('failed', ended as never);
      s.on('ended', ended as never);
    });
    u.on('disconnected', (e) => {
      if (finished || ua !== u) return;
      if (calling && !session) {
        // Closed while the visitor still reads the microphone prompt (the edge drops a socket that
        // places no call): once the microphone is granted, connect again with a fresh token.
        ua = undefined;
        stopUa(u);
        void micReady.then((failed) => failed || finished ? undefined : fetchToken().then(
          (next) => { if (!finished) place(next, micReady); }, () => finish({ kind: 'serviceDown' })));
        return;
      }
      const facts: EndFacts = { wsCloseCode: e.code ?? 1006 };
      // Refused before any call: 401/403/429/503 all reach the page as 1006 (see WEBRTC-TESTING.md).
      if (!calling && navigator.onLine) return finish({ kind: 'serviceDown' });
      // Say why first: stopping the UA ends the session, which would otherwise read as our hang-up.
      finish(endReason(facts));
    });
    u.start();
  }

  void (async () => {
    set('mic', S.askingMic);
    // The token request, the WebSocket connection and the microphone prompt all run at once: the
    // socket opens as soon as the token is here, the INVITE goes when the microphone is granted.
    // A refused microphone then wastes one token and one idle socket, which are cheap.
    const token = fetchToken().then((info) => ({ info }), (error: unknown) => ({ error }));
    const micReady = openMicrophone().then((m): undefined => {
      mic = m;
      if (finished) for (const t of m.getTracks()) t.stop();
    }, (e: unknown): EndReason => {
      const p = e instanceof MicError ? e.problem : 'other';
      return { kind: p === 'missing' ? 'micMissing' : p === 'busy' ? 'micBusy' : 'micDenied' };
    });
    void micReady.then((failed) => failed && finish(failed));
    const got = await token;
    if (finished) return;
    if ('error' in got) {
      // A microphone problem is the visitor's to fix first, so it is said before the edge's.
      if (await micReady) return;
      const f = got.error as { status?: number; code?: string; retryAfterSeconds?: number };
      return finish(
        f.code === 'HL_BLOCKED' ? { kind: 'blocked' }
          : f.status === 429 ? { kind: 'rateLimited', retryAfterSeconds: f.retryAfterSeconds }
          : f.status === 0 ? { kind: 'networkLost' }
          : f.status === 403 ? { kind: 'refused' }
          : { kind: 'serviceDown' },
      );
    }
    place(got.info, micReady);
  })();

  return { hangUp };
}
