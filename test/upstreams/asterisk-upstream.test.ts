// The `asterisk` upstream speaks plain RFC 7118, so it is exercised here against a real SIP
// server: Kamailio on loopback, configured to demand the edge secret as Asterisk's
// identify_by=header does. The owner registers and a visitor calls, through the edge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { homelineWarningCode } from '../../contract/codes.ts';
import { startEdge, visitorToken, ownerToken, type TestEdge } from '../helpers/edge.ts';
import { RawUa, SDP } from '../helpers/raw-ua.ts';
import { header } from '../../server/sip/message.ts';
import { kamailioAvailable, startKamailio, freePort, type Kamailio } from './kamailio.ts';
import WebSocket from 'ws';
import { callerDialog } from '../helpers/call.ts';

const skip = kamailioAvailable() ? false : 'kamailio is not installed (apt-get install kamailio kamailio-websocket-modules)';
let edge: TestEdge;
let kam: Kamailio;

before(async () => {
  if (skip) return;
  // The edge's secret is generated in startEdge, so Kamailio starts second with that secret.
  const port = await freePort();
  edge = await startEdge({ upstream: { kind: 'asterisk', asteriskWsUrl: `ws://127.0.0.1:${port}/ws` }, limits: { tokenPerIpPerMinute: 1000, wsPerIp: 50 } });
  kam = await startKamailio(edge.app.secrets.edgeSecret, edge.config.owner.extension, port);
});
after(async () => {
  await edge?.close();
  await kam?.stop();
});

test('owner registers and a visitor calls through the edge to a real SIP server', { skip }, async () => {
  const { body } = await ownerToken(edge);
  const o = await RawUa.connect(body.wsUrl, '6000');
  o.register();
  await o.response(200, 'REGISTER');

  const t = await visitorToken(edge, { name: 'Grace' });
  const v = await RawUa.connect(t.body.wsUrl, t.body.sip.uri.slice(4).split('@')[0]);
  const inv = v.invite('owner');
  const atOwner = await o.request('INVITE', 5000);
  // What the SIP server saw and passed on: the edge's stamps, and it let the request through
  // only because the secret was right. The owner's browser must still never see the secret.
  assert.equal(header(atOwner.msg, 'X-Homeline-Role'), 'visitor');
  assert.equal(header(atOwner.msg, 'X-Homeline-Edge'), undefined);
  assert.ok(!atOwner.text.includes(edge.app.secrets.edgeSecret));
  o.reply(atOwner.msg, 180, 'Ringing');
  await v.response(180, 'INVITE', 5000);
  o.reply(atOwner.msg, 200, 'OK', { body: SDP });
  const ok = await v.response(200, 'INVITE', 5000);
  const dialog = callerDialog(inv, ok);
  v.inDialog('ACK', dialog);
  await o.request('ACK', 5000);
  v.inDialog('BYE', { ...dialog, cseq: 2 });
  const bye = await o.request('BYE', 5000);
  o.reply(bye.msg, 200, 'OK');
  await v.response(200, 'BYE', 5000);
  await Promise.all([o.close(), v.close()]);
});

test('without the edge the SIP server refuses: a direct client lacks the secret', { skip }, async () => {
  const ws = new WebSocket(kam.url, 'sip');
  await new Promise((r) => ws.once('open', r));
  const got = new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
  ws.send([
    'INVITE sip:owner@home.arpa SIP/2.0', 'Via: SIP/2.0/WSS x.invalid;branch=z9hG4bKdirect', 'Max-Forwards: 70',
    'To: <sip:owner@home.arpa>', 'From: <sip:v-attacker@home.arpa>;tag=1', 'Call-ID: direct1', 'CSeq: 1 INVITE',
    'X-Homeline-Edge: visitor-guess', 'Content-Length: 0', '', '',
  ].join('\r\n'));
  assert.match(await got, /^SIP\/2\.0 403/);
  ws.close();
});

test('when the SIP server goes away a calling client is closed with 1011 and /readyz says why', { skip }, async () => {
  const { body } = await ownerToken(edge);
  const o = await RawUa.connect(body.wsUrl, '6000');
  o.register();
  await o.response(200, 'REGISTER');
  const t = await visitorToken(edge);
  const v = await RawUa.connect(t.body.wsUrl, t.body.sip.uri.slice(4).split('@')[0]);
  // A visitor's channel opens at its first INVITE (an idle visitor holds none).
  v.invite('owner');
  await o.request('INVITE', 5000);
  await kam.stop();
  const closed = await v.waitClose(5000);
  assert.equal(closed.code, 1011);
  const ready = await fetch(`${edge.url}/readyz`);
  assert.equal(ready.status, 503);
  const rb = await ready.json() as { detail: string };
  assert.match(rb.detail, /asterisk/);
  // A new visitor connects (it costs the upstream nothing) but its call gets 503 HL_UPSTREAM_DOWN.
  const t2 = await visitorToken(edge);
  const v2 = await RawUa.connect(t2.body.wsUrl, t2.body.sip.uri.slice(4).split('@')[0]);
  v2.invite('owner');
  const down = await v2.response(503, 'INVITE', 10_000);
  assert.equal(homelineWarningCode(header(down.msg, 'Warning')), 'HL_UPSTREAM_DOWN');
  await v2.close();
  // The owner's connection opens its channel at once: refused before the upgrade with 503.
  const again = await ownerToken(edge);
  await assert.rejects(RawUa.connect(again.body.wsUrl, '6000'), (e: { statusCode?: number }) => e.statusCode === 503);
  o.ws.terminate();
});
