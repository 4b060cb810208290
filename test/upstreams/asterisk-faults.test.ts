// The `asterisk` upstream when the phone system misbehaves. The far end is a real WebSocket
// server on loopback that the test scripts frame by frame (Kamailio cannot be made to refuse the
// subprotocol, answer the upgrade with an HTTP error or send broken SIP); the edge, its upstream
// client and its relay are the real ones.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { startFarEnd, type FarEnd, type FarEndMode } from '../helpers/far-end.ts';
import { startEdge, ownerToken, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { RawUa, SDP, serialize } from '../helpers/raw-ua.ts';
import { parseSip, header, headerValues, type SipRequest } from '../../server/sip/message.ts';
import { callerDialog } from '../helpers/call.ts';

const cleanups: Array<() => Promise<void>> = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

async function farEnd(mode: FarEndMode): Promise<FarEnd> {
  const fe = await startFarEnd(mode);
  cleanups.push(fe.close);
  return fe;
}

async function edgeOn(fe: FarEnd, overrides: Record<string, unknown> = {}): Promise<TestEdge> {
  const edge = await startEdge({ upstream: { kind: 'asterisk', asteriskWsUrl: fe.url }, ...overrides });
  cleanups.push(() => edge.close());
  return edge;
}

/** The next SIP request the far end receives on `ws`. */
function nextRequest(ws: WebSocket, method: string): Promise<SipRequest> {
  return new Promise((resolve) => {
    const on = (data: Buffer) => {
      const m = parseSip(data.toString());
      if (m.kind === 'request' && m.method === method) { ws.off('message', on); resolve(m); }
    };
    ws.on('message', on);
  });
}

/** A response the far end sends to a request it received, with its own tag and Contact. */
function answer(ws: WebSocket, req: SipRequest, status: number, reason: string, body = ''): void {
  const to = header(req, 'To')!;
  ws.send(serialize({
    kind: 'response', status, reason, body,
    headers: [
      ...headerValues(req, 'Via').map((value) => ({ name: 'Via', value })),
      { name: 'From', value: header(req, 'From')! },
      { name: 'To', value: /;tag=/.test(to) ? to : `${to};tag=far1` },
      { name: 'Call-ID', value: header(req, 'Call-ID')! },
      { name: 'CSeq', value: header(req, 'CSeq')! },
      { name: 'Contact', value: '<sip:asterisk@127.0.0.1:8088;transport=ws>' },
      ...(body ? [{ name: 'Content-Type', value: 'application/sdp' }] : []),
    ],
  }));
}

/** An out-of-dialog MESSAGE from the far end to the visitor: a positive event to wait for. */
function farMessage(ws: WebSocket, to: RawUa, text: string): void {
  ws.send([
    `MESSAGE ${to.uri} SIP/2.0`, 'Via: SIP/2.0/WS 127.0.0.1:8088;branch=z9hG4bKfar' + text.length, 'Max-Forwards: 70',
    `To: <${to.uri}>`, 'From: <sip:asterisk@home.arpa>;tag=far2', `Call-ID: far-${text}`, 'CSeq: 1 MESSAGE',
    'Content-Type: text/plain', `Content-Length: ${Buffer.byteLength(text)}`, '', text,
  ].join('\r\n'));
}

/** The owner's upgrade opens its upstream channel at once (a visitor's waits for its first INVITE). */
async function upgradeRefusal(edge: TestEdge): Promise<number | undefined> {
  const t = await ownerToken(edge);
  try {
    await (await RawUa.connect(t.body.wsUrl, 'x')).close();
    return 101;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode;
  }
}

/** A visitor's first INVITE is where its upstream channel opens: refused 503 HL_UPSTREAM_DOWN. */
async function visitorInviteRefusal(edge: TestEdge): Promise<string | undefined> {
  const v = await connectedVisitor(edge);
  v.send(serialize(v.newRequest('INVITE', 'sip:owner@home.arpa', { body: SDP })));
  const r = await v.response(503, 'INVITE');
  await v.close();
  return header(r.msg, 'Warning');
}

test('a phone system that refuses the sip subprotocol: the upgrade gets 503 and readiness says why', async () => {
  const fe = await farEnd('no-subprotocol');
  const edge = await edgeOn(fe);
  assert.equal(await upgradeRefusal(edge), 503);
  assert.match((await visitorInviteRefusal(edge))!, /HL_UPSTREAM_DOWN/);
  assert.deepEqual(await edge.app.upstream.readiness(), { ready: false, detail: 'asterisk: Server sent no subprotocol' });
  const ready = await fetch(`${edge.url}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(((await ready.json()) as { detail: string }).detail, /asterisk: Server sent no subprotocol/);
});

test('a phone system that answers the upgrade with HTTP 500: the upgrade gets 503 and readiness says why', async () => {
  const fe = await farEnd({ httpStatus: 500 });
  const edge = await edgeOn(fe);
  assert.equal(await upgradeRefusal(edge), 503);
  assert.match((await visitorInviteRefusal(edge))!, /HL_UPSTREAM_DOWN/);
  assert.deepEqual(await edge.app.upstream.readiness(), { ready: false, detail: 'asterisk: Asterisk answered HTTP 500' });
  assert.ok(edge.logs.some((l) => l.includes('websocket refused: upstream unreachable') && l.includes('Asterisk answered HTTP 500')));
});

test('malformed SIP from the phone system is dropped and logged; the next good message still arrives', async () => {
  const fe = await farEnd('sip');
  const edge = await edgeOn(fe);
  const up = fe.nextSocket();
  // The owner's connection opens its upstream channel at the upgrade (a visitor's at its first INVITE).
  const v = await RawUa.connect((await ownerToken(edge)).body.wsUrl, edge.config.owner.extension);
  const ws = await up;
  ws.send('THIS IS NOT SIP\r\n\r\n');
  farMessage(ws, v, 'after');
  const msg = await v.request('MESSAGE');
  assert.equal(msg.msg.body, 'after');
  // Whatever arrived before the MESSAGE is in the inbox: the garbage must not be there.
  assert.deepEqual(v.inbox, []);
  assert.equal(v.closed, undefined);
  assert.ok(edge.logs.some((l) => l.includes('malformed SIP from upstream; dropped')));
  await v.close();
});

test('the response to a BYE the edge sent itself stops at the edge', async () => {
  const fe = await farEnd('sip');
  const edge = await edgeOn(fe, { visitor: { callMinutes: 0.05 } });
  const v = await connectedVisitor(edge);
  // The visitor's upstream channel opens with its first INVITE.
  const up = fe.nextSocket();
  const inv = v.invite('owner');
  const ws = await up;
  const gotInvite = nextRequest(ws, 'INVITE');
  answer(ws, await gotInvite, 200, 'OK', SDP);
  const ok = await v.response(200, 'INVITE');
  v.inDialog('ACK', callerDialog(inv, ok));
  // The call-duration cap: the edge sends a BYE upstream in the visitor's name and one to the visitor.
  const upBye = await nextRequest(ws, 'BYE');
  assert.equal(header(upBye, 'Reason'), 'SIP;cause=408;text="homeline call duration cap"');
  const bye = await v.request('BYE', 6000);
  v.reply(bye.msg, 200, 'OK');
  answer(ws, upBye, 200, 'OK');
  farMessage(ws, v, 'barrier');
  await v.request('MESSAGE');
  // The far end's 200 for the edge's BYE came before the MESSAGE on the same socket: it was not relayed.
  assert.deepEqual(v.inbox.map((r) => r.text.split('\r\n')[0]), []);
  await v.close();
});
