// Every bad input at the WebSocket gets its specific answer, and changes nothing for anyone else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, importJWK } from 'jose';
import { startEdge, visitorToken, ownerToken, registeredOwner, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { RawUa, SDP, rid } from '../helpers/raw-ua.ts';
import { header } from '../../server/sip/message.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge({ limits: { wsPerIp: 50, tokenPerIpPerMinute: 1000, visitorCallsTotal: 1, busyRetryAfterSeconds: 42 } }); });
after(async () => { await edge.close(); });

async function upgradeStatus(url: string, opts: { origin?: string; protocol?: string } = {}): Promise<number> {
  try {
    const ua = await RawUa.connect(url, 'x', 'home.arpa', opts);
    await ua.close();
    return 101;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode ?? -1;
  }
}

test('a token opens one connection only: the replay is refused with 401', async () => {
  const tok = await visitorToken(edge);
  const ua = await RawUa.connect(tok.body.wsUrl, 'x');
  assert.equal(await upgradeStatus(tok.body.wsUrl), 401);
  await ua.close();
});

test('missing, forged, expired and alg:none tokens are refused before the upgrade', async () => {
  assert.equal(await upgradeStatus(edge.wsBase), 401);
  const tok = await visitorToken(edge);
  const [h, p, s] = tok.body.token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  const forged = Buffer.from(JSON.stringify({ ...payload, role: 'owner', jti: rid() })).toString('base64url');
  assert.equal(await upgradeStatus(`${edge.wsBase}?token=${h}.${forged}.${s}`), 401);
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${forged}.`;
  assert.equal(await upgradeStatus(`${edge.wsBase}?token=${none}`), 401);
  const key = await importJWK(edge.app.secrets.signingKey.privateJwk, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const expired = await new SignJWT({ role: 'visitor', targets: ['owner'], cap: 60 }).setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer('homeline-edge').setAudience('homeline-sip').setSubject('v-x').setJti(rid()).setIssuedAt(now - 100).setExpirationTime(now - 70).sign(key);
  assert.equal(await upgradeStatus(`${edge.wsBase}?token=${expired}`), 401);
  const wrongAud = await new SignJWT({ role: 'visitor', targets: ['owner'], cap: 60 }).setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer('homeline-edge').setAudience('someone-else').setSubject('v-x').setJti(rid()).setIssuedAt(now).setExpirationTime(now + 30).sign(key);
  assert.equal(await upgradeStatus(`${edge.wsBase}?token=${wrongAud}`), 401);
  assert.ok(edge.logs.some((l) => l.includes('"reason":"replayed"') || l.includes('"reason":"expired"')));
});

test('a foreign Origin is refused with 403 at the upgrade and at the token route', async () => {
  const tok = await visitorToken(edge);
  assert.equal(await upgradeStatus(tok.body.wsUrl, { origin: 'https://evil.example' }), 403);
  const refused = await visitorToken(edge, {}, { origin: 'https://evil.example' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'HL_ORIGIN_FORBIDDEN');
});

test('without the sip subprotocol the upgrade is refused with 400', async () => {
  const tok = await visitorToken(edge);
  assert.equal(await upgradeStatus(tok.body.wsUrl, { protocol: 'chat' }), 400);
});

test('visitor REGISTER, REFER, MESSAGE, SUBSCRIBE, PUBLISH, NOTIFY get 405 with Allow', async () => {
  const v = await connectedVisitor(edge);
  for (const method of ['REGISTER', 'REFER', 'MESSAGE', 'SUBSCRIBE', 'PUBLISH', 'NOTIFY']) {
    v.sendMsg(v.newRequest(method, 'sip:owner@home.arpa'));
    const r = await v.response(405, method);
    assert.match(header(r.msg, 'Allow')!, /INVITE/);
    assert.doesNotMatch(header(r.msg, 'Allow')!, /REGISTER/);
    assert.match(header(r.msg, 'Warning')!, /HL_METHOD_FORBIDDEN/);
  }
  await v.close();
});

test('forbidden targets get 403: a home phone, a trunk number, another domain, maddr, escaped digits', async () => {
  const v = await connectedVisitor(edge);
  for (const uri of ['sip:6001@home.arpa', 'sip:+441234567890@home.arpa', 'sip:owner@evil.example', 'sip:owner@home.arpa;maddr=10.0.0.1', 'sip:%6fwner@home.arpa', 'tel:+441234567890']) {
    v.sendMsg(v.newRequest('INVITE', uri, { body: SDP }));
    const r = await v.response(403, 'INVITE');
    assert.match(header(r.msg, 'Warning')!, /HL_TARGET_FORBIDDEN/, uri);
  }
  await v.close();
});

test('the owner may REGISTER only its own extension', async () => {
  const { body } = await ownerToken(edge);
  const o = await RawUa.connect(body.wsUrl, '6001');
  o.register();
  const r = await o.response(403, 'REGISTER');
  assert.match(header(r.msg, 'Warning')!, /HL_AOR_FORBIDDEN/);
  await o.close();
});

test('malformed SIP gets 400 when a response can be built, else the socket closes 1007', async () => {
  const v = await connectedVisitor(edge);
  const req = v.newRequest('OPTIONS', 'sip:owner@home.arpa');
  v.send(`OPTIONS sip:owner@home.arpa SIP/2.0\r\n${req.headers.map((h) => `${h.name}: ${h.value}`).join('\r\n')}\r\nContent-Length: 99\r\n\r\n`);
  const r = await v.response(400, 'OPTIONS');
  assert.match(header(r.msg, 'Warning')!, /HL_MALFORMED.*Content-Length/);
  v.send('HELLO THERE\r\n\r\n');
  const closed = await v.waitClose();
  assert.equal(closed.code, 1007);
});

test('an oversized frame closes the socket with 1009', async () => {
  const v = await connectedVisitor(edge);
  v.send('X'.repeat(edge.config.sip.maxMessageBytes + 1));
  assert.equal((await v.waitClose()).code, 1009);
});

test('a visitor flood is cut off with 1008 while the owner stays registered and answering', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  for (let i = 0; i < 200 && !v.closed; i++) v.sendMsg(v.newRequest('OPTIONS', 'sip:home.arpa'));
  assert.equal((await v.waitClose()).code, 1008);
  o.sendMsg(o.newRequest('OPTIONS', 'sip:home.arpa'));
  await o.response(200, 'OPTIONS');
  assert.equal(edge.app.upstream.ownerOnline(), true);
  await o.close();
});

test('one call at a time per visitor (486) and the visitor-call cap (503 with Retry-After)', async () => {
  const o = await registeredOwner(edge);
  const v1 = await connectedVisitor(edge);
  v1.invite('owner');
  await o.request('INVITE');
  v1.invite('owner');
  const one = await v1.response(486, 'INVITE');
  assert.match(header(one.msg, 'Warning')!, /HL_ONE_CALL/);
  const v2 = await connectedVisitor(edge);
  v2.invite('owner');
  const busy = await v2.response(503, 'INVITE');
  assert.equal(header(busy.msg, 'Retry-After'), '42');
  assert.match(header(busy.msg, 'Warning')!, /HL_LINES_BUSY/);
  await Promise.all([o.close(), v1.close(), v2.close()]);
});

test('in-dialog requests into somebody else\'s call get 481; client-sent identity headers are stripped', async () => {
  const o = await registeredOwner(edge);
  const v = await connectedVisitor(edge);
  v.sendMsg(v.newRequest('BYE', 'sip:owner@home.arpa', { to: `<sip:owner@home.arpa>;tag=abc`, callId: 'someone-elses-call' }));
  await v.response(481, 'BYE');
  v.invite('owner', [['X-Homeline-Role', 'owner'], ['x-homeline-visitor', 'v-forged'], ['X-HOMELINE-EDGE', 'owner-guess']]);
  const inv = await o.request('INVITE');
  assert.equal(inv.msg.headers.filter((h) => h.name.toLowerCase() === 'x-homeline-role').length, 1);
  assert.equal(header(inv.msg, 'X-Homeline-Role'), 'visitor');
  assert.equal(header(inv.msg, 'X-Homeline-Visitor'), v.user);
  assert.ok(!/owner-guess|v-forged/i.test(inv.text));
  await Promise.all([o.close(), v.close()]);
});

test('do-not-disturb: visitors get 480 HL_OWNER_DND and /api/status says so', async () => {
  const o = await registeredOwner(edge);
  edge.app.presence.set(false);
  try {
    const status = await (await fetch(`${edge.url}/api/status`)).json() as any;
    assert.deepEqual(status.owner.reason, 'dnd');
    const v = await connectedVisitor(edge);
    v.invite('owner');
    const r = await v.response(480, 'INVITE');
    assert.match(header(r.msg, 'Warning')!, /HL_OWNER_DND/);
    await v.close();
  } finally {
    edge.app.presence.set(true);
    await o.close();
  }
});

test('connections per address are capped: the next upgrade gets 429', async () => {
  const small = await startEdge({ limits: { wsPerIp: 2 } });
  try {
    const open: RawUa[] = [];
    for (let i = 0; i < 2; i++) {
      const t = await visitorToken(small);
      open.push(await RawUa.connect(t.body.wsUrl, 'x'));
    }
    const t = await visitorToken(small);
    assert.equal(await upgradeStatus(t.body.wsUrl), 429);
    await Promise.all(open.map((u) => u.close()));
  } finally {
    await small.close();
  }
});

test('the call-duration cap ends a visitor call with a BYE to both sides', async () => {
  const capped = await startEdge({ visitor: { callMinutes: 0.05 } });
  try {
    const { body } = await ownerToken(capped);
    const o = await RawUa.connect(body.wsUrl, '6000');
    o.register();
    await o.response(200, 'REGISTER');
    const t = await visitorToken(capped);
    const v = await RawUa.connect(t.body.wsUrl, t.body.sip.uri.slice(4).split('@')[0]);
    v.invite('owner');
    const inv = await o.request('INVITE');
    o.reply(inv.msg, 200, 'OK', { body: SDP });
    await v.response(200, 'INVITE');
    const [atV, atO] = await Promise.all([v.request('BYE', 6000), o.request('BYE', 6000)]);
    assert.match(header(atV.msg, 'Reason')!, /duration cap/);
    assert.match(header(atO.msg, 'Reason')!, /duration cap/);
    await Promise.all([o.close(), v.close()]);
  } finally {
    await capped.close();
  }
});

test('no secret ever reaches the log', async () => {
  const s = edge.app.secrets;
  const all = edge.logs.join('');
  for (const secret of [s.edgeSecret, s.ariPassword, s.ownerPasswordHash, String(s.signingKey.privateJwk.d), edge.ownerPassword]) {
    assert.ok(!all.includes(secret));
  }
  assert.ok(!/token=eyJ/.test(all), 'tokens must be redacted from logged URLs');
});
