// The small files: HTTP server (WebSocket + ARI), ARI user, RTP/ICE, modules, voicemail, logging.
import { createHmac } from 'node:crypto';
import { type AsteriskPlan } from '../plan.ts';
import { HEADER, callerName } from './common.ts';
import { REQUIRED_MODULES } from '../required-modules.ts';

export function renderHttp(plan: AsteriskPlan): string {
  return `${HEADER}
; Serves /ws (SIP over WebSocket) and /ari to the edge only: loopback unless the edge's own URLs
; name a private address.
[general]
enabled=yes
bindaddr=${plan.http.host}
bindport=${plan.http.port}
${plan.http.prefix ? `prefix=${plan.http.prefix}\n` : ''}tlsenable=no
; An empty server name hides the Asterisk version from anyone who reaches the port.
servername=
; Every /ws connection and ARI request is one session: the edge holds at most
; ${plan.sessions.visitorChannels} for visitors and keeps ${plan.sessions.ownerReserve} for the owner and ARI.
sessionlimit=${plan.sessions.limit}
session_inactivity=30000
session_keep_alive=15000
`;
}

export function renderAri(plan: AsteriskPlan): string {
  return `${HEADER}
[general]
enabled=yes
pretty=no
; No browser talks to ARI: only the edge, which sends no Origin.
allowed_origins=

[${plan.ari.user}]
type=user
read_only=no
password_format=plain
password=${plan.ari.password}
`;
}

export function renderRtp(plan: AsteriskPlan): string {
  const stun = plan.stun ? `stunaddr=${plan.stun.host}:${plan.stun.port}\n` : '; no STUN server in config.ice.servers: host candidates only\n';
  const turn = plan.turn
    ? `turnaddr=${plan.turn.host}:${plan.turn.port}\nturnusername=${plan.turn.username}\nturnpassword=${plan.turn.password}\n`
    : '';
  const hostCandidates = plan.nat?.lanAddress
    ? `
; Announce the public address instead of the LAN one (port-forward ${plan.rtp.start}-${plan.rtp.end}/udp).
[ice_host_candidates]
${plan.nat.lanAddress} => ${plan.nat.externalAddress}
`
    : '';
  return `${HEADER}
[general]
; The same range the owner forwards through the router and config.rtp names.
rtpstart=${plan.rtp.start}
rtpend=${plan.rtp.end}
; Browsers only connect with ICE; the STUN/TURN servers are the ones the edge hands to browsers.
icesupport=yes
${stun}${turn}strictrtp=yes
rtpchecksums=no
${hostCandidates}`;
}

/** Modules by role; autoload=no keeps everything else (chan_sip, IAX2, manager bits…) out. */
const MODULES: Record<string, string[]> = {
  'dialplan and core apps': ['pbx_config', 'app_dial', 'app_playback', 'app_voicemail', 'app_verbose'],
  // REGEX fences [ivr-ring]; IF picks its ring time (a missing function fails the call silently);
  // GLOBAL reads the owner's ring set in [ring-owner].
  'dialplan functions': ['func_strings', 'func_logic', 'func_global'],
  'PJSIP and WebRTC': [
    'res_pjproject', 'res_sorcery_astdb', 'res_sorcery_config', 'res_sorcery_memory',
    'res_pjsip', 'res_pjsip_session', 'res_pjsip_pubsub', 'chan_pjsip', 'res_pjsip_authenticator_digest',
    'res_pjsip_endpoint_identifier_ip', 'res_pjsip_endpoint_identifier_user', 'res_pjsip_registrar',
    'res_pjsip_outbound_registration', 'res_pjsip_outbound_authenticator_digest', 'res_pjsip_sdp_rtp',
    'res_pjsip_caller_id', 'res_pjsip_dtmf_info', 'res_pjsip_header_funcs', 'res_pjsip_nat', 'res_pjsip_rfc3326',
    'res_pjsip_logger', 'res_pjsip_path', 'res_pjsip_dlg_options', 'res_pjsip_transport_websocket',
    // SIP MESSAGE: the edge texts new messages to the owner's phones (ARI sendMessage).
    'res_pjsip_messaging',
    'res_http_websocket', 'res_rtp_asterisk', 'res_srtp', 'res_crypto',
  ],
  'ARI (the edge IVR)': [
    'res_ari', 'res_ari_model', 'res_ari_applications', 'res_ari_asterisk', 'res_ari_bridges', 'res_ari_channels',
    'res_ari_device_states', 'res_ari_endpoints', 'res_ari_events', 'res_ari_playbacks', 'res_ari_recordings',
    'res_ari_sounds', 'res_stasis', 'res_stasis_answer', 'res_stasis_device_state', 'res_stasis_playback',
    'res_stasis_recording', 'res_stasis_snoop', 'app_stasis', 'chan_bridge_media', 'res_websocket_client', 'res_curl', 'res_http_media_cache',
  ],
  'media: bridges, codecs (no opus needed), formats, timing': [
    'bridge_simple', 'bridge_native_rtp', 'bridge_softmix', 'bridge_holding',
    'codec_ulaw', 'codec_alaw', 'codec_g722', 'codec_gsm', 'codec_resample',
    'format_wav', 'format_pcm', 'format_gsm', 'format_sln', 'res_timing_timerfd',
  ],
};

export function renderModules(plan: AsteriskPlan): string {
  // `require`: Asterisk refuses to start and names a missing essential module (a plain `load`
  // would start without it and fail later in silence).
  const line = (m: string) => `${m in REQUIRED_MODULES ? 'require' : 'load'} => ${m}.so`;
  const groups = Object.entries(MODULES)
    .map(([role, mods]) => `; ${role}\n${mods.map(line).join('\n')}`)
    .join('\n\n');
  const opus = plan.codecs.includes('opus') ? '\n; opus (separate download from Digium/Sangoma)\nload => codec_opus.so\n' : '';
  return `${HEADER}
[modules]
; Only what homeline needs. chan_sip is gone in Asterisk 21+ and stays off in 20.
; require => : homeline cannot work without it; if it is missing Asterisk stops at start and
; its log names the module. load => : useful, but Asterisk may start without it.
autoload=no

${groups}
${opus}
noload => chan_sip.so
noload => res_pjsip_endpoint_identifier_anonymous.so
noload => res_ari_mailboxes.so
`;
}

/** A voicemail PIN nobody types (the owner's phones open the box with VoiceMailMain's `s`), stable across runs. */
function voicemailPin(plan: AsteriskPlan): string {
  const digest = createHmac('sha256', plan.edgeSecret).update('voicemail-pin').digest();
  return String(digest.readUInt32BE(0) % 100000000).padStart(8, '0');
}

export function renderVoicemail(plan: AsteriskPlan): string {
  return `${HEADER}
[general]
format=wav
maxmsg=100
maxsecs=180
silencethreshold=128
maxlogins=3
attach=no
review=no
operator=no

[default]
${plan.owner.extension} => ${voicemailPin(plan)},${callerName(plan.owner.name)}
`;
}

export function renderLogger(): string {
  return `${HEADER}
[general]
dateformat=%F %T.%3q

[logfiles]
console => notice,warning,error
messages.log => notice,warning,error,verbose
; Failed authentications and unidentified requests: point fail2ban here.
security.log => security
`;
}

/** Core parts that complain without their file; homeline keeps no CDR/CEL. */
export function renderStub(what: string): string {
  return `${HEADER}
[general]
enable=no
; ${what} is not used by homeline.
`;
}

/** A file a loaded module reads at start: present, with its defaults, so Asterisk starts cleanly. */
export function renderDefaults(what: string): string {
  return `${HEADER}
; ${what}: Asterisk's defaults are right for homeline; the file exists so the module starts quietly.
`;
}

/**
 * Call-progress tones. A visitor already answered by the operator menu hears ringback from
 * Asterisk while the owner's phones ring: without a country's tones that wait is silence.
 */
export function renderIndications(): string {
  return `${HEADER}
[general]
country=uk

[uk]
description=United Kingdom
ringcadence=400,200,400,2000
dial=350+440
busy=400/375,0/375
ring=400+450/400,0/200,400+450/400,0/2000
congestion=400/400,0/350,400/225,0/525
callwaiting=400/100,0/4000
dialrecall=350+440
record=1400/500,0/60000
info=950/330,1400/330,1800/330,0/1000
stutter=350+440/750,440/750
`;
}
