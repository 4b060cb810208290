// A whole call through the real edge on its embedded upstream, with real WebSockets: the owner
// registers, a visitor calls, and every step is checked on the wire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, visitorToken, ownerToken, registeredOwner, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { RawUa, SDP } from '../helpers/raw-ua.ts';
import { establish, ringAndCancel } from '../helpers/call.ts';
import { header, headerValues } from '../../server/sip/message.ts';
import { tagOf } from '../../server/sip/uri.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge({ limits: { wsPerIp: 50, tokenPerIpPerMinute: 1000 } }); });
after(async () => { await edge.close(); });

test('visitor calls the registered owner: INVITE, 180, 200, ACK and BYE flow both ways', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge, { name: 'Ada Lovelace' });
  const { atOwner, ok, visitorSide, ownerSide } = await establish(o, v);

  // The owner sees who is calling, stamped by the edge, and never the edge secret.
  assert.equal(header(atOwner.msg, 'X-Homeline-Role'), 'visitor');
  assert.equal(header(atOwner.msg, 'X-Homeline-Visitor'), v.user);
  assert.equal(decodeURIComponent(header(atOwner.msg, 'X-Homeline-Caller')!), 'Ada Lovelace');
  assert.ok(!atOwner.text.includes(edge.app.secrets.edgeSecret));
  assert.ok(tagOf(header(ok.msg, 'To')));
  assert.equal(ok.msg.body, SDP);

  v.inDialog('ACK', visitorSide);
  const ack = await o.request('ACK');
  assert.equal(header(ack.msg, 'Call-ID'), visitorSide.callId);

  // INFO (DTMF) from the visitor reaches the owner and the 200 comes back.
  v.inDialog('INFO', { ...visitorSide, cseq: 2 }, 'Signal=5\r\nDuration=160\r\n');
  const info = await o.request('INFO');
  assert.match(info.msg.body, /Signal=5/);
  o.reply(info.msg, 200, 'OK');
  await v.response(200, 'INFO');

  // The owner hangs up; the visitor gets the BYE and its 200 goes back.
  o.inDialog('BYE', { ...ownerSide, cseq: 1 });
  const bye = await v.request('BYE');
  v.reply(bye.msg, 200, 'OK');
  await o.response(200, 'BYE');

  // The call log has it, answered (the visitor's session ends the dialog on the upstream BYE, before relaying it).
  const call = edge.app.callLog.list().find((c) => c.visitor === v.user)!;
  assert.equal(call.visitor, v.user);
  assert.equal(call.name, 'Ada Lovelace');
  assert.ok(call.answeredAt);
  assert.equal(call.outcome, 'answered');
  await Promise.all([o.close(), v.close()]);
});

test('visitor hangs up: the owner gets the BYE', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const { visitorSide } = await establish(o, v);
  v.inDialog('ACK', visitorSide);
  await o.request('ACK');
  v.inDialog('BYE', { ...visitorSide, cseq: 2 });
  const bye = await o.request('BYE');
  // The BYE reaches the owner in the owner's view of the dialog: from the visitor's tag to the
  // owner's, with the visitor's next CSeq.
  assert.equal(header(bye.msg, 'Call-ID'), visitorSide.callId);
  assert.equal(tagOf(header(bye.msg, 'From')), tagOf(visitorSide.from));
  assert.equal(tagOf(header(bye.msg, 'To')), tagOf(visitorSide.to));
  assert.equal(header(bye.msg, 'CSeq'), '2 BYE');
  assert.equal(header(bye.msg, 'X-Homeline-Role'), 'visitor');
  o.reply(bye.msg, 200, 'OK');
  await v.response(200, 'BYE');
  const call = edge.app.callLog.list().find((c) => c.visitor === v.user)!;
  assert.ok(call.answeredAt && call.endedAt && call.endedAt >= call.answeredAt);
  assert.equal(call.outcome, 'answered');
  await Promise.all([o.close(), v.close()]);
});

test('CANCEL while ringing: owner gets CANCEL, visitor gets 200 for the CANCEL and 487', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const { inv, fin, ack } = await ringAndCancel(o, v);
  assert.equal(header(fin.msg, 'Call-ID'), header(inv, 'Call-ID'));
  assert.equal(header(ack.msg, 'Call-ID'), header(inv, 'Call-ID'));
  await Promise.all([o.close(), v.close()]);
});

test('owner declines: the visitor gets 603', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const inv = v.invite('owner');
  const atOwner = await o.request('INVITE');
  o.reply(atOwner.msg, 603, 'Decline');
  const declined = await v.response(603, 'INVITE');
  assert.equal(declined.msg.reason, 'Decline');
  assert.equal(header(declined.msg, 'Call-ID'), header(inv, 'Call-ID'));
  assert.equal(tagOf(header(declined.msg, 'From')), v.tag);
  // The edge ACKs the owner's final response itself (hop by hop, same transaction).
  const ack = await o.request('ACK');
  assert.equal(header(ack.msg, 'Call-ID'), header(inv, 'Call-ID'));
  assert.equal(header(ack.msg, 'CSeq'), '1 ACK');
  const call = edge.app.callLog.list().find((c) => c.visitor === v.user)!;
  assert.equal(call.answeredAt, null);
  assert.equal(call.outcome, 'declined');
  await Promise.all([o.close(), v.close()]);
});

test('owner not registered: 480 with the HL_OWNER_OFFLINE warning', async () => {
  const v = await connectedVisitor(edge);
  v.invite('owner');
  const r = await v.response(480, 'INVITE');
  assert.match(header(r.msg, 'Warning')!, /HL_OWNER_OFFLINE/);
  await Promise.all([v.close()]);
});

test('owner already in a call: a second visitor gets 486', async () => {
  const o = await registeredOwner(edge);
  const v1 = await connectedVisitor(edge);
  const { visitorSide } = await establish(o, v1);
  v1.inDialog('ACK', visitorSide);
  const v2 = await connectedVisitor(edge);
  v2.invite('owner');
  const r = await v2.response(486, 'INVITE');
  assert.match(header(r.msg, 'Warning')!, /HL_OWNER_BUSY/);
  await Promise.all([o.close(), v1.close(), v2.close()]);
});

test('a visitor connection dropping mid-call ends the dialog for the owner with a BYE', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const { visitorSide } = await establish(o, v);
  v.inDialog('ACK', visitorSide);
  await o.request('ACK');
  v.ws.terminate();
  const bye = await o.request('BYE');
  assert.equal(header(bye.msg, 'Call-ID'), visitorSide.callId);
  assert.equal(tagOf(header(bye.msg, 'From')), tagOf(visitorSide.from));
  await Promise.all([o.close()]);
});

test('two owner tabs: both ring, the first 200 wins and the other tab is CANCELled', async () => {
  const o1 = await registeredOwner(edge);
  const o2 = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  v.invite('owner');
  const a = await o1.request('INVITE');
  const b = await o2.request('INVITE');
  o1.reply(a.msg, 180, 'Ringing');
  o2.reply(b.msg, 180, 'Ringing');
  o2.reply(b.msg, 200, 'OK', { body: SDP });
  await v.response(200, 'INVITE');
  const cancel = await o1.request('CANCEL');
  assert.match(header(cancel.msg, 'Reason')!, /completed elsewhere/);
  o1.reply(cancel.msg, 200, 'OK');
  o1.reply(a.msg, 487, 'Request Terminated');
  await o1.request('ACK');
  await Promise.all([o1.close(), o2.close(), v.close()]);
});
