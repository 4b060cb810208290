// The embedded router forking a visitor's INVITE to every registered owner tab, through the real
// edge over real WebSockets: answers racing, tabs and callers going away while it rings, a tab
// that lost the race trying to act in the call, and a retransmitted INVITE.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, registeredOwner, connectedVisitor, type TestEdge } from '../../helpers/edge.ts';
import { SDP, type RawUa } from '../../helpers/raw-ua.ts';
import { header, headerValues } from '../../../server/sip/message.ts';
import { tagOf } from '../../../server/sip/uri.ts';
import { callerDialog } from '../../helpers/call.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge({ limits: { wsPerIp: 50, tokenPerIpPerMinute: 1000 } }); });
after(async () => { await edge.close(); });

/** Sends OPTIONS from `ua` and waits for its 200: everything the edge sent `ua` before is in its inbox. */
async function drained(ua: RawUa): Promise<string[]> {
  ua.sendMsg(ua.newRequest('OPTIONS', 'sip:owner@home.arpa'));
  await ua.response(200, 'OPTIONS');
  return ua.inbox.map((r) => (r.msg.kind === 'request' ? r.msg.method : `${r.msg.status} ${header(r.msg, 'CSeq')}`));
}

/** Two registered owner tabs, both ringing with one visitor's INVITE. */
async function twoTabsRinging() {
  const o1 = await registeredOwner(edge);
  const o2 = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const inv = v.invite('owner');
  const a = await o1.request('INVITE');
  const b = await o2.request('INVITE');
  return { o1, o2, v, inv, a, b };
}

test('two tabs answer in the same instant: the first 200 wins, the loser gets ACK then BYE', async () => {
  const { o1, o2, v, inv, a, b } = await twoTabsRinging();
  // Both answer before either hears of the other (frames sent back to back).
  o1.reply(a.msg, 200, 'OK', { body: SDP, tag: 'tab1' });
  o2.reply(b.msg, 200, 'OK', { body: SDP, tag: 'tab2' });
  const ok = await v.response(200, 'INVITE');
  assert.equal(tagOf(header(ok.msg, 'To')), 'tab1');

  const ack = await o2.request('ACK');
  const bye = await o2.request('BYE');
  for (const m of [ack, bye]) {
    assert.equal(header(m.msg, 'Call-ID'), header(inv, 'Call-ID'));
    assert.equal(tagOf(header(m.msg, 'To')), 'tab2');
  }
  assert.equal(header(ack.msg, 'CSeq'), '1 ACK');
  assert.equal(header(bye.msg, 'CSeq'), '2 BYE');
  o2.reply(bye.msg, 200, 'OK');
  // The visitor saw only the winner: one 200, no second answer and no BYE.
  assert.deepEqual((await drained(v)).filter((l) => !/^1\d\d /.test(l)), []);
  // The winner is really in the call: the visitor's ACK reaches tab 1.
  v.inDialog('ACK', callerDialog(inv, ok));
  await o1.request('ACK');
  await Promise.all([o1.close(), o2.close(), v.close()]);
});

test('a tab that lost the race cannot BYE the call: 481 from the router, the call goes on', async () => {
  const { o1, o2, v, inv, a, b } = await twoTabsRinging();
  o2.reply(b.msg, 200, 'OK', { body: SDP });
  const ok = await v.response(200, 'INVITE');
  const cancel = await o1.request('CANCEL');
  o1.reply(cancel.msg, 200, 'OK');
  o1.reply(a.msg, 487, 'Request Terminated');
  await o1.request('ACK');
  // Tab 1 saw this Call-ID, so the edge's policy lets its BYE through; the router knows the
  // dialog is between the visitor and tab 2 and refuses it.
  o1.inDialog('BYE', { callId: header(inv, 'Call-ID')!, cseq: 2, from: header(ok.msg, 'To')!, to: header(inv, 'From')!, remoteTarget: v.uri });
  const refused = await o1.response(481, 'BYE');
  assert.match(header(refused.msg, 'Warning')!, /HL_NO_DIALOG/);
  // The call is untouched: the visitor's INFO reaches tab 2 and nobody got a BYE.
  const dialog = callerDialog(inv, ok, 2);
  v.inDialog('INFO', dialog, 'Signal=1\r\nDuration=160\r\n');
  const info = await o2.request('INFO');
  assert.ok(!o2.inbox.some((r) => r.msg.kind === 'request' && r.msg.method === 'BYE'));
  o2.reply(info.msg, 200, 'OK');
  await v.response(200, 'INFO');
  assert.ok(!v.inbox.some((r) => r.msg.kind === 'request' && r.msg.method === 'BYE'));
  await Promise.all([o1.close(), o2.close(), v.close()]);
});

test('one of two ringing tabs drops: the other still rings and can answer', async () => {
  const o1 = await registeredOwner(edge);
  const o2 = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  v.invite('owner');
  await o1.request('INVITE');
  const b = await o2.request('INVITE');
  o1.ws.terminate();
  await o1.waitClose();
  // The visitor is not told anything final while tab 2 rings.
  assert.deepEqual((await drained(v)).filter((l) => !/^1\d\d /.test(l)), []);
  o2.reply(b.msg, 200, 'OK', { body: SDP });
  await v.response(200, 'INVITE');
  await Promise.all([o2.close(), v.close()]);
});

test('the only ringing tab drops: the visitor gets 480 and the call log says no-answer', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const inv = v.invite('owner');
  await o.request('INVITE');
  o.ws.terminate();
  const r = await v.response(480, 'INVITE');
  assert.equal(header(r.msg, 'Call-ID'), header(inv, 'Call-ID'));
  assert.equal(edge.app.callLog.list().find((c) => c.visitor === v.user)!.outcome, 'no-answer');
  await v.close();
});

test('the caller drops while the tabs ring: every tab gets a CANCEL', async () => {
  const o1 = await registeredOwner(edge);
  const o2 = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const inv = v.invite('owner');
  await o1.request('INVITE');
  await o2.request('INVITE');
  v.ws.terminate();
  const [c1, c2] = await Promise.all([o1.request('CANCEL'), o2.request('CANCEL')]);
  for (const c of [c1, c2]) {
    assert.equal(header(c.msg, 'Call-ID'), header(inv, 'Call-ID'));
    assert.equal(header(c.msg, 'Reason'), 'SIP;cause=487;text="Request Terminated"');
  }
  const call = edge.app.callLog.list().find((c) => c.visitor === v.user)!;
  assert.equal(call.outcome, 'dropped');
  await Promise.all([o1.close(), o2.close()]);
});

test('a retransmitted INVITE does not ring the tabs again or get a second 100', async () => {
  // The owner calling its own extension from one tab rings the other tab (no visitor one-call rule).
  const caller = await registeredOwner(edge);
  const tab = await registeredOwner(edge);
  const inv = caller.newRequest('INVITE', `sip:${edge.config.owner.extension}@home.arpa`, { body: SDP });
  caller.sendMsg(inv);
  await caller.response(100, 'INVITE');
  await tab.request('INVITE');
  caller.sendMsg(inv); // same branch, same everything
  const cancel = caller.newRequest('CANCEL', inv.uri, { callId: header(inv, 'Call-ID')!, cseq: Number.parseInt(header(inv, 'CSeq')!, 10) });
  cancel.headers[0] = { name: 'Via', value: headerValues(inv, 'Via')[0] };
  caller.sendMsg(cancel);
  await caller.response(200, 'CANCEL');
  await tab.request('CANCEL');
  // The CANCEL came after the retransmission on the same socket: nothing else reached the tab,
  // and the caller got no second 100.
  assert.deepEqual(tab.inbox.map((r) => r.text.split('\r\n')[0]), []);
  assert.deepEqual(caller.inbox.filter((r) => r.msg.kind === 'response' && r.msg.status === 100), []);
  await Promise.all([caller.close(), tab.close()]);
});
