// The visitor's softphone: loaded by the button on first click.
//
//   mic ──granted──▶ connecting ──INVITE 180──▶ ringing ──200──▶ in-call ──BYE/cap/drop──▶ ended
//    │                   │  (token 429/503, socket refused)    │ (603/486/408/480/503)       ▲
//    └─denied/missing────┴─────────────────────────────────────┴─────────────────────────────┘
//
// Everything outside (words, HTTP, the primed audio element) comes in through SoftphoneHost.
import type { ConnectInfo } from '../shared/api.ts';
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

  function place(info: ConnectInfo) {
    const target = info.targets.find((t) => t.user === host.target) ?? info.targets[0];
    if (!target) return finish({ kind: 'refused' });
    ua = createUa(info, false);
    ua.on('newMessage', (e: unknown) => ivr.onMessage(e as IncomingMessage));
    let calling = false;
    ua.on('connected', () => {
      if (calling) return;
      calling = true;
      const s = ua!.call(target.uri, {
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
    ua.on('disconnected', (e) => {
      if (finished || !ua) return;
      const facts: EndFacts = { wsCloseCode: e.code ?? 1006 };
      // Refused before any call: 401/403/429/503 all reach the page as 1006 (see WEBRTC-TESTING.md).
      if (!calling && navigator.onLine) return finish({ kind: 'serviceDown' });
      // Say why first: stopping the UA ends the session, which would otherwise read as our hang-up.
      finish(endReason(facts));
    });
    set('connecting', S.connecting);
    ua.start();
  }

  void (async () => {
    set('mic', S.askingMic);
    // The token request runs while the browser asks for the microphone: ~100 ms less to ringing.
    // A refused microphone then wastes one token, which is cheap.
    const token = host.fetchToken().then((info) => ({ info }), (error: unknown) => ({ error }));
    try {
      mic = await openMicrophone();
    } catch (e) {
      const p = e instanceof MicError ? e.problem : 'other';
      return finish({ kind: p === 'missing' ? 'micMissing' : p === 'busy' ? 'micBusy' : 'micDenied' });
    }
    if (finished) return;
    set('connecting', S.connecting);
    const got = await token;
    if ('error' in got) {
      const f = got.error as { status?: number; code?: string; retryAfterSeconds?: number };
      return finish(
        f.code === 'HL_BLOCKED' ? { kind: 'blocked' }
          : f.status === 429 ? { kind: 'rateLimited', retryAfterSeconds: f.retryAfterSeconds }
          : f.status === 0 ? { kind: 'networkLost' }
          : f.status === 403 ? { kind: 'refused' }
          : { kind: 'serviceDown' },
      );
    }
    if (!finished) place(got.info);
  })();

  return { hangUp };
}
