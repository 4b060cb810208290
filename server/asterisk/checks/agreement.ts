// Asterisk and the edge must describe the same system: the RTP range the owner forwards, the
// ICE/STUN/TURN servers the browsers are handed, the HTTP port and prefix of /ws and /ari, the
// ARI credentials, and WebRTC (ICE + DTLS) on both browser endpoints. Drift here gives calls that
// connect and stay silent, which nobody diagnoses quickly.
import { get, objects, section } from '../conf-parser.ts';
import { type AsteriskPlan, isLoopback, VISITOR_ENDPOINT } from '../plan.ts';
import { hostOf } from './listeners.ts';
import type { ConfSet, Violation } from './types.ts';

const YES = /^(yes|true|on|1|y)$/i;

export function checkAgreement(set: ConfSet, plan: AsteriskPlan): Violation[] {
  const out: Violation[] = [];
  const v = (code: string, file: string, line: number | undefined, message: string) => out.push({ code, file, line, message });

  const rtp = set.get('rtp.conf');
  const g = rtp && section(rtp, 'general');
  if (!g) v('HL_MEDIA_DRIFT', 'rtp.conf', undefined, 'no rtp.conf [general]');
  else {
    const start = Number(get(g, 'rtpstart') ?? 5000);
    const end = Number(get(g, 'rtpend') ?? 31000);
    if (start !== plan.rtp.start || end !== plan.rtp.end) v('HL_MEDIA_DRIFT', 'rtp.conf', g.line, `RTP ${start}-${end} but config.rtp says ${plan.rtp.start}-${plan.rtp.end}`);
    if (!YES.test(get(g, 'icesupport') ?? 'yes')) v('HL_MEDIA_DRIFT', 'rtp.conf', g.line, 'icesupport is off; browsers need ICE');
    const stun = get(g, 'stunaddr');
    const wantStun = plan.stun && `${plan.stun.host}:${plan.stun.port}`;
    if ((stun ?? '') !== (wantStun ?? '')) v('HL_MEDIA_DRIFT', 'rtp.conf', g.line, `stunaddr ${stun ?? '(none)'} but the browsers get ${wantStun ?? 'no STUN server'}`);
    const turn = get(g, 'turnaddr');
    const wantTurn = plan.turn && `${plan.turn.host}:${plan.turn.port}`;
    if ((turn ?? '') !== (wantTurn ?? '')) v('HL_MEDIA_DRIFT', 'rtp.conf', g.line, `turnaddr ${turn ?? '(none)'} but expected ${wantTurn ?? 'none'}`);
  }

  const pjsip = set.get('pjsip.conf');
  for (const name of [VISITOR_ENDPOINT, plan.owner.extension]) {
    const ep = pjsip && objects(pjsip, 'endpoint').find((s) => s.name === name);
    if (!ep) continue;
    const webrtc = YES.test(get(ep, 'webrtc') ?? 'no');
    const ice = get(ep, 'ice_support');
    if (!(webrtc || YES.test(ice ?? 'no')) || (ice !== undefined && !YES.test(ice))) v('HL_MEDIA_DRIFT', ep.file, ep.line, `endpoint ${name} has ICE off; browsers cannot reach it`);
    const enc = get(ep, 'media_encryption');
    if (!(webrtc && enc === undefined) && enc !== 'dtls') v('HL_MEDIA_DRIFT', ep.file, ep.line, `endpoint ${name} media_encryption=${enc ?? 'no'}; browsers require DTLS-SRTP`);
    const transport = get(ep, 'transport');
    const t = transport && pjsip && objects(pjsip, 'transport').find((s) => s.name === transport);
    if (!t || !['ws', 'wss'].includes(get(t, 'protocol') ?? '')) v('HL_EDGE_MISMATCH', ep.file, ep.line, `endpoint ${name} is not on a WebSocket transport`);
    // Asterisk binds an endpoint's RTP to its transport's bind address: on loopback, no visitor on
    // another host gets any media (ICE checks from 127.0.0.1 cannot leave the machine).
    const bind = t && get(t, 'bind');
    if (bind && isLoopback(hostOf(bind))) {
      v('HL_MEDIA_DRIFT', t.file, t.line, `transport ${transport} binds ${bind}: Asterisk binds endpoint ${name}'s RTP there, out of every other host's reach (bind=0.0.0.0; http.conf decides where the WebSocket listens)`);
    }
  }

  const http = set.get('http.conf');
  const hg = http && section(http, 'general');
  if (hg) {
    if (Number(get(hg, 'bindport') ?? 8088) !== plan.http.port) v('HL_EDGE_MISMATCH', 'http.conf', hg.line, `bindport ${get(hg, 'bindport')} but the edge connects to port ${plan.http.port}`);
    if ((get(hg, 'prefix') ?? '') !== plan.http.prefix) v('HL_EDGE_MISMATCH', 'http.conf', hg.line, `prefix "${get(hg, 'prefix') ?? ''}" but the edge's URLs use "${plan.http.prefix}"`);
    if ((get(hg, 'bindaddr') ?? '') !== plan.http.host) v('HL_EDGE_MISMATCH', 'http.conf', hg.line, `bindaddr ${get(hg, 'bindaddr')} but the edge connects to ${plan.http.host}`);
  }
  const ari = set.get('ari.conf');
  const user = ari && objects(ari, 'user').find((u) => u.name === plan.ari.user);
  if (!user) v('HL_EDGE_MISMATCH', 'ari.conf', undefined, `no ARI user ${plan.ari.user}`);
  else if (get(user, 'password') !== plan.ari.password || (get(user, 'password_format') ?? 'plain') !== 'plain') {
    v('HL_EDGE_MISMATCH', 'ari.conf', user.line, `ARI user ${plan.ari.user} does not have the edge's password`);
  }
  return out;
}
