// The session cap: a visitor connection lives at most `visitor.sessionMinutes`. At the cap the
// edge ends the visitor's call with real BYEs both ways that name the session cap (not the call
// duration cap), then closes the socket with 4000.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, registeredOwner, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { SDP } from '../helpers/raw-ua.ts';
import { header } from '../../server/sip/message.ts';
import { tagOf } from '../../server/sip/uri.ts';
import { callerDialog } from '../helpers/call.ts';

let edge: TestEdge;
// 3 s sessions, calls capped only after 20 minutes: whatever ends the call here is the session cap.
before(async () => { edge = await startEdge({ visitor: { sessionMinutes: 0.05, callMinutes: 20 } }); });
after(async () => { await edge.close(); });

test('at the session cap the visitor call gets a BYE both ways naming the session cap, then the socket closes 4000', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const inv = v.invite('owner');
  const callId = header(inv, 'Call-ID')!;
  const atOwner = await o.request('INVITE');
  o.reply(atOwner.msg, 200, 'OK', { body: SDP });
  const ok = await v.response(200, 'INVITE');
  v.inDialog('ACK', callerDialog(inv, ok));
  await o.request('ACK');

  const [atV, atO] = await Promise.all([v.request('BYE', 8000), o.request('BYE', 8000)]);
  for (const bye of [atV, atO]) {
    assert.equal(header(bye.msg, 'Call-ID'), callId);
    assert.equal(header(bye.msg, 'Reason'), 'SIP;cause=408;text="homeline session cap"');
  }
  // Each BYE is in the receiver's view of the dialog: to the owner from the visitor, and back.
  assert.equal(tagOf(header(atO.msg, 'From')), v.tag);
  assert.equal(tagOf(header(atV.msg, 'To')), v.tag);
  o.reply(atO.msg, 200, 'OK');

  const closed = await v.waitClose(8000);
  assert.deepEqual(closed, { code: 4000, reason: 'session cap reached' });
  const call = edge.app.callLog.list().find((c) => c.visitor === v.user)!;
  assert.equal(call.outcome, 'capped');
  // The owner's own connection is not capped with the visitor's.
  assert.equal(o.closed, undefined);
  assert.equal(edge.app.upstream.ownerOnline(), true);
  await o.close();
});
