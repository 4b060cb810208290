// A visitor's INVITE as raw SIP over a WebSocket (through the edge, or straight at Asterisk with
// the edge's stamp): a WebRTC-shaped offer, the ACK of a refusal, the dialog of an answer, BYE.
import { RawUa, rid } from '../../helpers/raw-ua.ts';
import { header, type SipRequest, type SipResponse } from '../../../server/sip/message.ts';

/** A WebRTC-shaped offer Asterisk's visitor endpoint accepts (ICE, DTLS fingerprint, rtcp-mux); no media ever flows. */
const WEBRTC_SDP = [
  'v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=msid-semantic: WMS',
  'm=audio 40000 UDP/TLS/RTP/SAVPF 9 0 8 101', 'c=IN IP4 127.0.0.1', 'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host generation 0',
  `a=ice-ufrag:${rid(2)}`, `a=ice-pwd:${rid(12)}`, 'a=ice-options:trickle',
  `a=fingerprint:sha-256 ${Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':')}`,
  'a=setup:actpass', 'a=mid:0', 'a=sendrecv', 'a=rtcp-mux',
  'a=rtpmap:9 G722/8000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', '',
].join('\r\n');

export interface Dialog { callId: string; remoteTarget: string; to: string; from: string; cseq: number; routes?: string[] }

/** INVITE `uri` through the edge; ACKs a refusal, returns the final answer and the dialog of an answer. */
export async function visitorInvite(ua: RawUa, uri: string, extra: Array<[string, string]> = [], to?: string): Promise<{ status: number; response: SipResponse; dialog?: Dialog }> {
  const req = ua.newRequest('INVITE', uri, { body: WEBRTC_SDP, extra, to });
  ua.sendMsg(req);
  const callId = header(req, 'Call-ID')!;
  const res = (await ua.next((m) => m.kind === 'response' && m.status >= 200 && header(m, 'Call-ID') === callId, 20_000)).msg as SipResponse;
  if (res.status >= 300) {
    // ACK of a non-2xx final answer: same branch as the INVITE, the answer's To tag.
    ua.sendMsg({ kind: 'request', method: 'ACK', uri, body: '', headers: [
      { name: 'Via', value: header(req, 'Via')! }, { name: 'Max-Forwards', value: '69' }, { name: 'To', value: header(res, 'To')! },
      { name: 'From', value: header(req, 'From')! }, { name: 'Call-ID', value: callId }, { name: 'CSeq', value: `${header(req, 'CSeq')!.split(' ')[0]} ACK` },
    ] } as SipRequest);
    return { status: res.status, response: res };
  }
  const contact = /<([^>]+)>/.exec(header(res, 'Contact')!)![1];
  const dialog: Dialog = { callId, remoteTarget: contact, to: header(res, 'To')!, from: header(req, 'From')!, cseq: Number(header(req, 'CSeq')!.split(' ')[0]), routes: res.headers.filter((h) => h.name.toLowerCase() === 'record-route').map((h) => h.value).reverse() };
  ua.inDialog('ACK', dialog);
  return { status: res.status, response: res, dialog };
}

export async function hangUp(ua: RawUa, d: Dialog): Promise<void> {
  ua.inDialog('BYE', { ...d, cseq: ++d.cseq });
  await ua.next((m) => m.kind === 'response' && header(m, 'Call-ID') === d.callId && / BYE$/.test(header(m, 'CSeq')!), 10_000).catch(() => {});
}

