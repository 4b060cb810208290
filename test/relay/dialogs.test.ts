// Issue 10, the attacks observed on the real edge, reproduced through it (embedded upstream, real
// WebSockets): the edge's books must follow dialogs (Call-ID + both tags), not Call-IDs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEdge, registeredOwner, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { rid } from '../helpers/raw-ua.ts';
import { establish } from '../helpers/call.ts';
import { header, type SipMessage } from '../../server/sip/message.ts';
import type { UpstreamChannel } from '../../server/upstreams/types.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge({ limits: { wsPerIp: 50, tokenPerIpPerMinute: 1000 } }); });
after(async () => { await edge.close(); });

const readyz = async () => (await (await fetch(`${edge.url}/readyz`)).json()) as { visitorCalls: number };
const settle = () => new Promise((r) => setTimeout(r, 100));

/** What each connection opened from now on sends upstream (the edge's side of the channel). */
function spyUpstream(): SipMessage[] {
  const sent: SipMessage[] = [];
  const upstream = edge.app.upstream;
  const open = upstream.open.bind(upstream);
  upstream.open = async (info) => {
    const ch: UpstreamChannel = await open(info);
    const send = ch.send.bind(ch);
    ch.send = (msg, text) => { sent.push(msg); send(msg, text); };
    return ch;
  };
  after(() => { upstream.open = open; });
  return sent;
}

test('(1) a BYE with a made-up To tag gets 481 from the edge; the call goes on in its books', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const { visitorSide, ownerSide } = await establish(o, v);
  v.inDialog('ACK', visitorSide);
  await o.request('ACK');
  assert.equal((await readyz()).visitorCalls, 1);

  v.inDialog('BYE', { ...visitorSide, to: visitorSide.to.replace(/tag=[^;]+/, 'tag=made-up'), cseq: 2 });
  const r = await v.response(481, 'BYE');
  assert.match(header(r.msg, 'Warning')!, /HL_NO_DIALOG/);
  await assert.rejects(o.request('BYE', 300), 'the forged BYE never reached the owner');
  assert.equal((await readyz()).visitorCalls, 1, 'still one visitor call');
  // Before issue 10 the books said 0 here, and a second call was let through.
  v.invite('owner');
  const second = await v.response(486, 'INVITE');
  assert.match(header(second.msg, 'Warning')!, /HL_ONE_CALL/);

  // The real hang-up still works, and ends the call when the far end says 200.
  v.inDialog('BYE', { ...visitorSide, cseq: 3 });
  const bye = await o.request('BYE');
  o.reply(bye.msg, 200, 'OK');
  await v.response(200, 'BYE');
  await settle();
  assert.equal((await readyz()).visitorCalls, 0);
  assert.ok(ownerSide);
  await Promise.all([o.close(), v.close()]);
});

test('(2) a new INVITE under the Call-ID of an ended call is refused; each call has its own log row', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  const { inv, visitorSide } = await establish(o, v);
  v.inDialog('ACK', visitorSide);
  v.inDialog('BYE', { ...visitorSide, cseq: 2 });
  const bye = await o.request('BYE');
  o.reply(bye.msg, 200, 'OK');
  await v.response(200, 'BYE');
  await o.request('ACK').catch(() => {});

  const callId = header(inv, 'Call-ID')!;
  const again = v.newRequest('INVITE', 'sip:owner@home.arpa', { callId, body: 'v=0\r\n' });
  again.headers = again.headers.map((h) => (h.name === 'From' ? { ...h, value: `<${v.uri}>;tag=${rid(5)}` } : h));
  v.sendMsg(again);
  const r = await v.response(400, 'INVITE');
  assert.match(header(r.msg, 'Warning')!, /HL_CALL_ID_REUSED/);
  await assert.rejects(o.request('INVITE', 300), 'the re-used Call-ID never rang the owner');
  assert.equal((await readyz()).visitorCalls, 0);

  // Another visitor choosing the same Call-ID gets a call (and a row) of its own.
  const v2 = await connectedVisitor(edge);
  const inv2 = v2.newRequest('INVITE', 'sip:owner@home.arpa', { callId, body: 'v=0\r\n' });
  v2.sendMsg(inv2);
  const atOwner = await o.request('INVITE');
  o.reply(atOwner.msg, 486, 'Busy Here');
  await v2.response(486, 'INVITE');
  await settle();
  const rows = edge.app.callLog.list().filter((c) => c.visitor === v.user || c.visitor === v2.user);
  assert.deepEqual(rows.map((c) => [c.visitor, c.outcome]).sort(), [[v.user, 'answered'], [v2.user, 'busy']].sort());
  assert.notEqual(rows[0].id, callId, 'the log is keyed by an id the edge made');
  await Promise.all([o.close(), v.close(), v2.close()]);
});

test('(7) a response from the visitor that answers nothing is dropped, never relayed', async () => {
  const sent = spyUpstream();
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  v.send([
    'SIP/2.0 200 OK', `Via: SIP/2.0/WSS ${v.host};branch=z9hG4bK${rid(6)}`, `To: <sip:owner@home.arpa>;tag=${rid(4)}`,
    `From: <${v.uri}>;tag=${v.tag}`, `Call-ID: ${rid(10)}`, 'CSeq: 1 INVITE', 'Content-Length: 0', '', '',
  ].join('\r\n'));
  await settle();
  assert.deepEqual(sent.filter((m) => m.kind === 'response'), [], 'nothing went upstream');
  assert.ok(edge.logs.some((l) => l.includes('unsolicited response dropped')));

  // A response that does answer a relayed request still goes through: the owner hangs up.
  const { visitorSide, ownerSide } = await establish(o, v);
  v.inDialog('ACK', visitorSide);
  o.inDialog('BYE', { ...ownerSide, cseq: 1 });
  const bye = await v.request('BYE');
  v.reply(bye.msg, 200, 'OK');
  await o.response(200, 'BYE');
  assert.ok(sent.some((m) => m.kind === 'response' && m.status === 200));
  await Promise.all([o.close(), v.close()]);
});
