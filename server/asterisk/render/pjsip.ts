// pjsip.conf: the WebSocket transport the edge connects to, the WebRTC endpoints identified only
// by the edge's secret header, the home phones over TLS with digest auth, a trunk template.
import { type AsteriskPlan, EDGE_HEADER, VISITOR_CONTEXT, VISITOR_ENDPOINT, TRUNK_TEMPLATE } from '../plan.ts';
import { HEADER, callerName } from './common.ts';
import { MESSAGE_CONTEXT } from './extensions.ts';

export const PHONE_SECRETS_FILE = 'pjsip_phone_secrets.conf';
export const TRUNKS_FILE = 'pjsip_trunks.conf';

export function renderPjsip(plan: AsteriskPlan): string {
  const allow = plan.codecs.join(',');
  const o = plan.owner;
  const dtls = plan.dtls
    ? `dtls_auto_generate_cert=no\ndtls_cert_file=${plan.dtls.certFile}\ndtls_private_key=${plan.dtls.privKeyFile}`
    : 'dtls_auto_generate_cert=yes';
  const nat = plan.nat
    ? `external_media_address=${plan.nat.externalAddress}\nexternal_signaling_address=${plan.nat.externalAddress}\n${plan.nat.localNets.map((n) => `local_net=${n}`).join('\n')}\n`
    : '';
  const tls = plan.tls
    ? `
; The home phones' listener (TLS only: scanners flood plain UDP 5060, which we never open).
[transport-tls]
type=transport
protocol=tls
bind=${plan.tls.bind}
cert_file=${plan.tls.certFile}
priv_key_file=${plan.tls.privKeyFile}
${plan.tls.caListFile ? `ca_list_file=${plan.tls.caListFile}\n` : ''}method=tlsv1_2
${nat}`
    : `
; No TLS listener yet: add "tls" to <dataDir>/asterisk.json (see asterisk/README.md) so the
; home phones can register. Until then nothing here listens beyond loopback.
`;
  const phones = plan.phones
    .map(
      (p) => `
[${p.extension}](phone-tpl)
callerid="${callerName(p.name)}" <${p.extension}>
auth=${p.extension}-auth
aors=${p.extension}

[${p.extension}](aor-phone-tpl)
`,
    )
    .join('');
  return `${HEADER}
[global]
type=global
; header first: a request carrying the edge's secret is the visitor or the owner, whatever its From
; says; no "anonymous" here, so an unidentified request is refused, never let in.
endpoint_identifier_order=header,username,ip
; Scanners fingerprint the User-Agent; do not advertise the Asterisk version.
user_agent=homeline-pbx
default_realm=${plan.domain}
; Three requests from an unknown source within 5 s raise a security event (fail2ban reads it).
unidentified_request_count=3
unidentified_request_period=5
max_forwards=20

; SIP over WebSocket on Asterisk's HTTP server (http.conf): the edge's only way in; http.conf
; decides where it listens, this bind opens no socket. But Asterisk binds the RTP of every endpoint
; on this transport to this address: on loopback, ICE checks left from 127.0.0.1 and a visitor on
; another host got no media at all. So any address, where Asterisk's ICE candidates are.
[transport-ws]
type=transport
protocol=ws
bind=0.0.0.0
${tls}
; ---------------------------------------------------------------- WebRTC (browsers via the edge)
[webrtc-tpl](!)
type=endpoint
transport=transport-ws
; webrtc=yes: AVPF, DTLS-SRTP with fingerprint check, ICE, rtcp-mux, media on the same transport.
webrtc=yes
${dtls}
disallow=all
allow=${allow}
direct_media=no
allow_subscribe=no
allow_transfer=no
message_context=${MESSAGE_CONTEXT}
; Caller identity comes from the edge; never trust P-Asserted-Identity from a browser.
trust_id_inbound=no
send_pai=no
rtp_timeout=60
rtp_timeout_hold=600
device_state_busy_at=1

; Visitors: no password (none ever reaches a browser); the edge stamps
; "${EDGE_HEADER}: visitor-<secret>" on what it forwards and strips client copies.
[${VISITOR_ENDPOINT}](webrtc-tpl)
context=${VISITOR_CONTEXT}
identify_by=header
; webrtc=yes spelled out, but Asterisk the DTLS server (passive): as the client (webrtc=yes answers
; the browser's actpass with active) its ClientHello went out before Firefox's ICE took it and was
; resent only after 1 s, so a Firefox visitor lost the owner's first second (docs/browsers.md).
; Visitors always offer, so passive is only ever an answer; the owner's tab keeps webrtc=yes.
webrtc=no
use_avpf=yes
ice_support=yes
media_use_received_transport=yes
rtcp_mux=yes
bundle=yes
media_encryption=dtls
dtls_verify=fingerprint
dtls_setup=passive
callerid="Website visitor" <${VISITOR_ENDPOINT}>
device_state_busy_at=0

[${VISITOR_ENDPOINT}-identify]
type=identify
endpoint=${VISITOR_ENDPOINT}
match_header=${EDGE_HEADER}: visitor-${plan.edgeSecret}

; The owner's browser tab as Asterisk calls it: Dial(PJSIP/${o.extension}) rings every tab registered
; to AOR ${o.extension}. No identify section points here: no inbound request is ever this endpoint.
[${o.extension}](webrtc-tpl)
context=from-owner-web
identify_by=header
aors=${o.extension}
callerid="${callerName(o.name)}" <${o.extension}>
mailboxes=${o.mailbox}

; What the tab's own requests (REGISTER, its calls) are identified as, by the edge secret header.
; Asterisk's registrar finds the AOR only through an endpoint that allows username identification,
; so this one does, under a name derived from the edge secret that no From can guess.
[${o.tabEndpoint}](webrtc-tpl)
context=from-owner-web
identify_by=header,username
aors=${o.extension}
callerid="${callerName(o.name)}" <${o.extension}>
mailboxes=${o.mailbox}

[${o.extension}]
type=aor
; Several tabs may be open; each registration is one contact. WebSocket contacts die with the
; socket, so no qualify.
max_contacts=5
remove_existing=yes
qualify_frequency=0

[owner-identify]
type=identify
endpoint=${o.tabEndpoint}
match_header=${EDGE_HEADER}: owner-${plan.edgeSecret}

; ---------------------------------------------------------------- home phones (TLS + digest)
[phone-tpl](!)
type=endpoint
${plan.tls ? 'transport=transport-tls\n' : ''}context=from-phones
identify_by=username
disallow=all
allow=${allow}
media_encryption=sdes
direct_media=no
rtp_symmetric=yes
force_rport=yes
rewrite_contact=yes
allow_subscribe=no
; The edge texts new messages to the phones (ARI sendMessage); what a phone sends lands nowhere.
message_context=${MESSAGE_CONTEXT}
trust_id_inbound=no
mailboxes=${o.mailbox}

[aor-phone-tpl](!)
type=aor
max_contacts=2
remove_existing=yes
qualify_frequency=60
${phones}
; ---------------------------------------------------------------- trunks
; Trunks inherit this template in ${TRUNKS_FILE} (written by the owner). They land in
; [from-trunk]; only the phones' [phones-outbound] dials them, never a visitor. No transport here:
; the provider decides it (usually UDP), so each trunk names its own (asterisk/README.md).
[${TRUNK_TEMPLATE}](!)
type=endpoint
context=from-trunk
disallow=all
allow=${plan.codecs.filter((c) => c !== 'opus').join(',') || 'alaw'}
direct_media=no
allow_subscribe=no
allow_transfer=no
message_context=${MESSAGE_CONTEXT}
trust_id_inbound=no
send_pai=no

; Phone passwords live in their own file (0600), written once and then owned by the owner:
; regenerating never touches it. Missing file = pjsip.conf fails to load = nothing answers.
#include ${PHONE_SECRETS_FILE}
#tryinclude ${TRUNKS_FILE}
`;
}
