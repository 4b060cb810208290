// A visitor → owner call set up step by step through the edge, for tests that start mid-call.
import { header, headerValues } from '../../server/sip/message.ts';
import { parseNameAddr } from '../../server/sip/uri.ts';
import { SDP, type RawUa } from './raw-ua.ts';
import type { SipMessage, SipRequest } from '../../server/sip/message.ts';

/** The caller's view of the dialog its INVITE and the 2xx formed (RFC 3261 §12.1.2): for inDialog(). */
export function callerDialog(inv: SipRequest, ok: { msg: SipMessage }, cseq = 1) {
  return {
    callId: header(inv, 'Call-ID')!, cseq, from: header(inv, 'From')!, to: header(ok.msg, 'To')!,
    remoteTarget: parseNameAddr(headerValues(ok.msg, 'Contact')[0])!.uri,
    routes: headerValues(ok.msg, 'Record-Route').reverse(),
  };
}

/** Visitor INVITEs owner, owner rings then answers; returns both sides' dialog views. */
export async function establish(o: RawUa, v: RawUa) {
  const inv = v.invite('owner');
  await v.response(100, 'INVITE');
  const atOwner = await o.request('INVITE');
  o.reply(atOwner.msg, 180, 'Ringing');
  await v.response(180, 'INVITE');
  o.reply(atOwner.msg, 200, 'OK', { body: SDP });
  const ok = await v.response(200, 'INVITE');
  const callId = header(inv, 'Call-ID')!;
  const visitorSide = callerDialog(inv, ok);
  const ownerSide = {
    callId, cseq: 1, from: header(ok.msg, 'To')!, to: header(atOwner.msg, 'From')!,
    remoteTarget: parseNameAddr(headerValues(atOwner.msg, 'Contact')[0])!.uri,
    routes: headerValues(atOwner.msg, 'Record-Route'),
  };
  return { inv, atOwner, ok, visitorSide, ownerSide };
}

/** The same, and the visitor's ACK delivered to the owner: the call is up. */
export async function confirmed(o: RawUa, v: RawUa) {
  const call = await establish(o, v);
  v.inDialog('ACK', call.visitorSide);
  await o.request('ACK');
  return call;
}

/** Visitor INVITEs owner, the owner rings, the visitor CANCELs: 200 for the CANCEL, 487, ACK. */
export async function ringAndCancel(o: RawUa, v: RawUa) {
  const inv = v.invite('owner');
  const atOwner = await o.request('INVITE');
  o.reply(atOwner.msg, 180, 'Ringing');
  await v.response(180, 'INVITE');
  v.cancel(inv);
  await v.response(200, 'CANCEL');
  const c = await o.request('CANCEL');
  o.reply(c.msg, 200, 'OK');
  o.reply(atOwner.msg, 487, 'Request Terminated');
  const fin = await v.response(487, 'INVITE');
  // The edge ACKs the owner's 487 hop by hop.
  const ack = await o.request('ACK');
  return { inv, fin, ack };
}
