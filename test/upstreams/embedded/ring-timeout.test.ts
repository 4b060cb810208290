// Nobody answers: after owner.ringSeconds the embedded router CANCELs the ringing tab and gives
// the visitor 480 with HL_NO_ANSWER (RFC 3261 §16.7 timer C), and the call log says no-answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, registeredOwner, connectedVisitor, type TestEdge } from '../../helpers/edge.ts';
import { header } from '../../../server/sip/message.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge({ owner: { ringSeconds: 5 } }); });
after(async () => { await edge.close(); });

test('an unanswered call: the tab is CANCELled and the visitor gets 480 HL_NO_ANSWER', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const inv = v.invite('owner');
  const atOwner = await o.request('INVITE');
  o.reply(atOwner.msg, 180, 'Ringing');
  await v.response(180, 'INVITE');

  const cancel = await o.request('CANCEL', 8000);
  assert.equal(header(cancel.msg, 'Call-ID'), header(inv, 'Call-ID'));
  assert.equal(header(cancel.msg, 'Reason'), 'SIP;cause=487;text="Request Terminated"');
  const r = await v.response(480, 'INVITE', 8000);
  assert.equal(header(r.msg, 'Warning'), '399 homeline "HL_NO_ANSWER: the owner did not answer"');
  assert.equal(header(r.msg, 'Call-ID'), header(inv, 'Call-ID'));
  // The tab's late 487 is ACKed and goes no further: the visitor already has its final answer.
  o.reply(cancel.msg, 200, 'OK');
  o.reply(atOwner.msg, 487, 'Request Terminated');
  await o.request('ACK');
  const call = edge.app.callLog.list().find((c) => c.visitor === v.user)!;
  assert.equal(call.outcome, 'no-answer');
  v.sendMsg(v.newRequest('OPTIONS', 'sip:owner@home.arpa'));
  await v.response(200, 'OPTIONS');
  assert.deepEqual(v.inbox.filter((x) => x.msg.kind === 'response' && x.msg.status === 487), []);
  await Promise.all([o.close(), v.close()]);
});
