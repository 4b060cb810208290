// What the embedded router answers itself, through the real edge: OPTIONS, methods it does not
// route (405), targets it cannot reach without Asterisk (404 HL_NOT_FOUND), and the BYE it makes
// when the owner's connection drops mid-call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, registeredOwner, connectedVisitor, type TestEdge } from '../../helpers/edge.ts';
import { SDP } from '../../helpers/raw-ua.ts';
import { confirmed } from '../../helpers/call.ts';
import { header } from '../../../server/sip/message.ts';
import { tagOf } from '../../../server/sip/uri.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge({ limits: { wsPerIp: 50, tokenPerIpPerMinute: 1000 } }); });
after(async () => { await edge.close(); });

test('OPTIONS out of a dialog is answered 200 by the router with what it supports', async () => {
  // The owner's connection has its upstream channel from the start (a visitor's opens with its
  // first INVITE, and until then the edge answers a visitor's OPTIONS itself).
  const o = await registeredOwner(edge);
  o.sendMsg(o.newRequest('OPTIONS', `sip:${edge.config.owner.extension}@home.arpa`));
  const r = await o.response(200, 'OPTIONS');
  assert.equal(header(r.msg, 'Allow'), 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REGISTER');
  await o.close();
});

test('a method the router does not route out of a dialog gets 405 HL_METHOD_FORBIDDEN with Allow', async () => {
  // The policy lets the owner SUBSCRIBE and MESSAGE (Asterisk takes them); the router does not.
  const o = await registeredOwner(edge);
  for (const method of ['SUBSCRIBE', 'MESSAGE']) {
    o.sendMsg(o.newRequest(method, `sip:${edge.config.owner.extension}@home.arpa`));
    const r = await o.response(405, method);
    assert.equal(header(r.msg, 'Allow'), 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER');
    assert.match(header(r.msg, 'Warning')!, new RegExp(`^399 homeline "HL_METHOD_FORBIDDEN: .*${method} is not supported by the embedded router`));
  }
  await o.close();
});

test('the audio menu target without Asterisk: 100 then 404 HL_NOT_FOUND, and the owner does not ring', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge, { target: '100' });
  v.invite('100');
  await v.response(100, 'INVITE');
  const r = await v.response(404, 'INVITE');
  assert.match(header(r.msg, 'Warning')!, /^399 homeline "HL_NOT_FOUND: .*100 is not reachable without Asterisk/);
  // The first INVITE the owner sees is a later visitor's real call, not the menu's.
  const v2 = await connectedVisitor(edge);
  const real = v2.newRequest('INVITE', 'sip:owner@home.arpa', { body: SDP });
  v2.sendMsg(real);
  const atOwner = await o.request('INVITE');
  assert.equal(header(atOwner.msg, 'Call-ID'), header(real, 'Call-ID'));
  await Promise.all([o.close(), v.close(), v2.close()]);
});

test('the owner\'s connection drops mid-call: the visitor gets a BYE for "Connection lost" and the log says answered', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const { visitorSide } = await confirmed(o, v);
  o.ws.terminate();
  const bye = await v.request('BYE');
  assert.equal(header(bye.msg, 'Call-ID'), visitorSide.callId);
  assert.equal(header(bye.msg, 'Reason'), 'SIP;cause=480;text="Connection lost"');
  // In the visitor's view of the dialog: from the owner's tag, to the visitor's.
  assert.equal(tagOf(header(bye.msg, 'From')), tagOf(visitorSide.to));
  assert.equal(tagOf(header(bye.msg, 'To')), v.tag);
  v.reply(bye.msg, 200, 'OK');
  const call = edge.app.callLog.list().find((c) => c.visitor === v.user)!;
  assert.equal(call.outcome, 'answered');
  assert.equal(edge.app.upstream.ownerOnline(), false);
  await v.close();
});
