// One call at the owner's tab: ring, show who and why, answer or decline, then the in-call
// controls. The caller's name comes stamped by the edge (X-Homeline-Caller, percent-encoded).
import type { ConnectInfo } from '../shared/api.ts';
import { h } from '../shared/dom.ts';
import { callControls } from '../softphone/call-controls.ts';
import { capIceGathering } from '../softphone/ice.ts';
import { openMicrophone } from '../softphone/media.ts';
import { HOME_LOST_AFTER_BYE_MS } from '../softphone/end-reason.ts';
import { ringtone, type Tone } from '../softphone/tones.ts';
import { pcConfig, type RTCSession } from '../softphone/ua.ts';
import { ownerStrings as S } from './strings.ts';

export function callerName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try { return decodeURIComponent(header).trim() || undefined; } catch { return header; }
}

export interface IncomingUi {
  panel: HTMLElement;
  status: HTMLElement;
  audio: HTMLAudioElement;
  ctx: () => AudioContext;
  /** Looks up what the visitor wrote, from GET /api/owner/calls. */
  messageFor: (visitor: string | undefined) => Promise<string | undefined>;
  /** A system notification while the console is in the background; returns its remover. */
  notify: (who: string, message: string | undefined) => Promise<() => void>;
  done: () => void;
}

export interface IncomingCall {
  /**
   * The connection under the call was lost: end it saying `why`. `explainsRecentBye`: a BYE that
   * came just before (Asterisk hangs calls up as it stops) was this loss too, so say it instead.
   */
  cut(why: string, explainsRecentBye: boolean): void;
}

export function handleIncoming(session: RTCSession, info: ConnectInfo, ui: IncomingUi): IncomingCall {
  const req = (session as unknown as { _request?: { getHeader(n: string): string | undefined } })._request;
  const who = callerName(req?.getHeader('X-Homeline-Caller')) ?? S.anonymous;
  const visitor = req?.getHeader('X-Homeline-Visitor');
  let tone: Tone | undefined = ringtone(ui.ctx());
  let mic: MediaStream | undefined;
  let controls: ReturnType<typeof callControls> | undefined;
  const received = h('output', { id: 'dtmf-received', attrs: { 'aria-live': 'polite' } });
  // Shown once the caller presses a key: an empty "keys pressed" line only raises a question.
  const keysLine = () => h('p', { hidden: !received.textContent }, S.received, ' ', received);
  const stopRinging = () => { tone?.stop(); tone = undefined; };

  let unnotify: (() => void) | undefined;
  let ringing = true;
  const note = { close: () => { ringing = false; unnotify?.(); } };

  const msg = h('p', { className: 'message', hidden: true });
  const answer = h('button', { type: 'button', className: 'primary', id: 'answer', textContent: S.answer });
  const decline = h('button', { type: 'button', className: 'danger', id: 'decline', textContent: S.decline });
  ui.panel.replaceChildren(h('h2', {}, S.incoming(who)), msg, h('div', { className: 'row' }, answer, decline));
  ui.panel.hidden = false;
  ui.panel.dataset.state = 'ringing';
  // The status line is for screen readers only while the panel shows the same words.
  ui.status.classList.add('visually-hidden');
  ui.status.textContent = S.incoming(who);
  answer.focus();
  void ui.messageFor(visitor).then(async (m) => {
    if (m) { msg.textContent = `${S.theirMessage} ${m}`; msg.hidden = false; }
    const remove = await ui.notify(who, m);
    if (ringing) unnotify = remove;
    else remove();
  });

  const attach = (pc: RTCPeerConnection) => pc.addEventListener('track', (e) => {
    ui.audio.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    void ui.audio.play().catch(() => {});
  });
  if (session.connection) attach(session.connection);
  else session.on('peerconnection', (e: { peerconnection: RTCPeerConnection }) => attach(e.peerconnection));

  session.on('newDTMF', (e: { originator: string; dtmf: { tone: string } }) => {
    if (e.originator !== 'remote') return;
    received.textContent = (received.textContent ?? '') + e.dtmf.tone;
    if (received.parentElement) received.parentElement.hidden = false;
  });

  answer.onclick = async () => {
    stopRinging();
    note.close();
    void ui.ctx().resume();
    void ui.audio.play().catch(() => {});
    answer.disabled = decline.disabled = true;
    try {
      mic = await openMicrophone();
    } catch {
      ui.status.textContent = S.micProblem;
      session.terminate({ status_code: 480 });
      return;
    }
    capIceGathering(session, info.iceGatheringTimeoutMs || 2000, (info.iceServers ?? []).length > 0);
    session.answer({ mediaStream: mic, pcConfig: pcConfig(info) });
  };
  decline.onclick = () => { stopRinging(); note.close(); session.terminate({ status_code: 603, reason_phrase: 'Decline' }); };

  session.on('confirmed', () => {
    ui.status.textContent = S.inCall(who);
    ui.panel.dataset.state = 'in-call';
    controls = callControls(S.controls, ui.audio, {
      mic: mic!,
      setMuted: (m) => (m ? session.mute({ audio: true }) : session.unmute({ audio: true })),
      sendDigit: (d) => session.sendDTMF(d, { transportType: 'INFO' as never, duration: 120 }),
      hangUp: () => session.terminate(),
      peer: () => session.connection,
    });
    ui.panel.replaceChildren(h('h2', {}, S.inCall(who)), controls.el, keysLine());
    controls.start();
  });
  let because: string | undefined;
  let endedByByeAt = 0;
  const say = (text: string) => {
    ui.status.textContent = text;
    ui.panel.replaceChildren(h('p', {}, text), keysLine());
  };
  const end = (e?: { originator?: string }) => {
    if (ui.panel.dataset.state === 'ended') return;
    stopRinging();
    note.close();
    controls?.stop();
    for (const t of mic?.getTracks() ?? []) t.stop();
    ui.audio.srcObject = null;
    if (e?.originator === 'remote' && !because) endedByByeAt = Date.now();
    ui.panel.dataset.state = 'ended';
    say(because ?? S.ended);
    ui.done();
  };
  session.on('ended', end);
  session.on('failed', end);
  return {
    cut(why, explainsRecentBye) {
      if (ui.panel.dataset.state !== 'ended') { because = why; return; }
      if (explainsRecentBye && endedByByeAt && Date.now() - endedByByeAt < HOME_LOST_AFTER_BYE_MS) {
        endedByByeAt = 0;
        say(why);
      }
    },
  };
}
