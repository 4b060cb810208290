// The Asterisk modules homeline cannot work without, each with what breaks when it is missing.
// modules.conf says `require =>` for these: Asterisk then refuses to start and names the module,
// instead of starting without it and failing later in silence (a visitor hearing nothing).
// The rest of what modules.conf loads stays `load =>`: nice to have, never worth a dead PBX.

export const REQUIRED_MODULES: Readonly<Record<string, string>> = {
  // dialplan
  pbx_config: 'extensions.conf is never read: no call goes anywhere',
  app_dial: 'nobody rings',
  app_voicemail: 'a caller cannot leave word',
  func_strings: 'REGEX fences [ivr-ring]: without it every IVR ring fails',
  func_logic: 'IF picks the ring time: without it every IVR ring fails',
  func_global: 'GLOBAL reads the owner\'s ring rules in [ring-owner]: without it every phone rings whatever its hours',
  // SIP over WebSocket, WebRTC
  res_pjproject: 'PJSIP cannot start',
  res_sorcery_config: 'pjsip.conf is never read',
  res_sorcery_memory: 'PJSIP cannot start',
  res_sorcery_astdb: 'registrations are not kept',
  res_pjsip: 'no SIP at all',
  res_pjsip_session: 'no calls over PJSIP',
  chan_pjsip: 'no PJSIP channels',
  res_pjsip_authenticator_digest: 'the phones cannot authenticate',
  res_pjsip_endpoint_identifier_ip: 'the edge\'s secret header (match_header) identifies nobody: every browser gets 401',
  res_pjsip_endpoint_identifier_user: 'the owner\'s tab cannot register',
  res_pjsip_registrar: 'nothing can register',
  res_pjsip_sdp_rtp: 'calls have no audio',
  res_pjsip_header_funcs: 'PJSIP_HEADER passes the visitor id to the IVR: the widget cannot follow the menu',
  res_pjsip_transport_websocket: 'the edge\'s WebSocket gets no SIP',
  res_http_websocket: 'the HTTP server has no /ws',
  res_rtp_asterisk: 'no RTP, no ICE',
  res_srtp: 'WebRTC media (DTLS-SRTP) fails',
  res_crypto: 'DTLS fails',
  // ARI and the IVR's audio
  res_ari: 'no ARI: the edge\'s IVR cannot register',
  res_ari_model: 'ARI cannot start',
  res_ari_applications: 'the edge cannot subscribe to its events',
  res_ari_asterisk: 'the edge cannot check which modules are loaded',
  res_ari_bridges: 'the edge\'s self-check cannot play a prompt',
  res_ari_channels: 'the IVR cannot answer, play or continue a channel',
  res_ari_events: 'the Stasis app never connects',
  res_ari_playbacks: 'prompts cannot be stopped',
  res_ari_recordings: 'recorded names cannot be fetched',
  res_stasis: 'no Stasis: the operator menu is never reached',
  res_stasis_answer: 'the IVR cannot answer',
  res_stasis_playback: 'the IVR plays nothing',
  res_stasis_recording: 'the IVR cannot record a name',
  app_stasis: 'Stasis() in the dialplan fails: the operator menu is never reached',
  chan_bridge_media: 'bridges cannot play or record',
  res_curl: 'prompts cannot be fetched from the edge over HTTP: the caller hears silence',
  res_http_media_cache: 'sound:http… prompts are never fetched: the caller hears silence',
  // media
  bridge_simple: 'two parties cannot be bridged',
  bridge_native_rtp: 'answered calls are not bridged directly',
  codec_ulaw: 'prompts cannot be transcoded for a PCMU call',
  codec_alaw: 'prompts cannot be transcoded for a PCMA call',
  codec_g722: 'prompts cannot be transcoded for a G.722 call',
  format_wav: 'the edge\'s prompts (8 kHz WAV) cannot be played',
  res_timing_timerfd: 'no timing source: playback and bridges stall',
};

/** What the edge's start-up self-check asks ARI about: everything a prompt needs to be heard. */
export const PROMPT_MODULES = [
  'res_http_media_cache', 'res_curl', 'format_wav', 'res_stasis_playback', 'res_ari_bridges', 'chan_bridge_media', 'app_stasis',
] as const;
