// Every bad input at the WebSocket gets its specific answer, and changes nothing for anyone else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, importJWK } from 'jose';
import { startEdge, visitorToken, ownerToken, registeredOwner, connectedVisitor, type TestEdge } from '../helpers/edge.ts';
import { RawUa, SDP, rid, serialize } from '../helpers/raw-ua.ts';
import { header } from '../../server/sip/message.ts';

let edge: TestEdge;
before(async () => { edge = await startEdge({ limits: { wsPerIp: 50, tokenPerIpPerMinute: 1000, visitorCallsTotal: 1, busyRetryAfterSeconds: 42 } }); });
after(async () => { await closeChecked(edge); });

/** No secret of this edge, and no connect token, appears anywhere in what it logged. */
function assertNoSecretLogged(e: TestEdge): void {
  const s = e.app.secrets;
  const all = e.logs.join('');
  assert.ok(all.includes('connection opened'), 'the edge logged its connections (the check below is not vacuous)');
  for (const [name, secret] of Object.entries({ edgeSecret: s.edgeSecret, ariPassword: s.ariPassword, ownerPasswordHash: s.ownerPasswordHash, signingKey: String(s.signingKey.privateJwk.d), ownerPassword: e.ownerPassword })) {
    assert.ok(secret.length >= 8 && !all.includes(secret), `${name} reached the log`);
  }
  assert.ok(!/eyJ[A-Za-z0-9_-]{8,}/.test(all), 'connect tokens must never be logged');
}

async function closeChecked(e: TestEdge): Promise<void> {
  try { assertNoSecretLogged(e); } finally { await e.close(); }
}

async function upgradeStatus(url: string, opts: { origin?: string; protocol?: string } = {}): Promise<number> {
  try {
    const ua = await RawUa.connect(url, 'x', 'home.arpa', opts);
    await ua.close();
    return 101;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode ?? -1;
  }
}

/**
 * Tries an upgrade that must be refused for its token, and returns the reason the edge logged
 * for exactly this refusal (the one `websocket refused` line the attempt added).
 */
async function tokenRefusal(e: TestEdge, url: string): Promise<string> {
  const from = e.logs.length;
  assert.equal(await upgradeStatus(url), 401);
  const lines = e.logs.slice(from).map((l) => JSON.parse(l)).filter((l) => l.msg === 'websocket refused: bad token');
  assert.equal(lines.length, 1, 'one refusal logged per refused upgrade');
  return lines[0].reason;
}

test('a token opens one connection only: the replay is refused with 401, reason replayed', async () => {
  const tok = await visitorToken(edge);
  const ua = await RawUa.connect(tok.body.wsUrl, 'x');
  assert.equal(await tokenRefusal(edge, tok.body.wsUrl), 'replayed');
  await ua.close();
});

test('missing, forged, alg:none, expired and wrong-audience tokens are refused before the upgrade, each with its reason', async () => {
  assert.equal(await tokenRefusal(edge, edge.wsBase), 'missing');
  const tok = await visitorToken(edge);
  const [h, p, s] = tok.body.token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  const forged = Buffer.from(JSON.stringify({ ...payload, role: 'owner', jti: rid() })).toString('base64url');
  assert.equal(await tokenRefusal(edge, `${edge.wsBase}?token=${h}.${forged}.${s}`), 'bad-signature');
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${forged}.`;
  assert.equal(await tokenRefusal(edge, `${edge.wsBase}?token=${none}`), 'bad-signature');
  const key = await importJWK(edge.app.secrets.signingKey.privateJwk, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const expired = await new SignJWT({ role: 'visitor', targets: ['owner'], cap: 60 }).setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer('homeline-edge').setAudience('homeline-sip').setSubject('v-x').setJti(rid()).setIssuedAt(now - 40).setExpirationTime(now - 10).sign(key);
  assert.equal(await tokenRefusal(edge, `${edge.wsBase}?token=${expired}`), 'expired');
  const wrongAud = await new SignJWT({ role: 'visitor', targets: ['owner'], cap: 60 }).setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer('homeline-edge').setAudience('someone-else').setSubject('v-x').setJti(rid()).setIssuedAt(now).setExpirationTime(now + 30).sign(key);
  assert.equal(await tokenRefusal(edge, `${edge.wsBase}?token=${wrongAud}`), 'wrong-audience');
  // None of the refusals spent the good token.
  const ua = await RawUa.connect(tok.body.wsUrl, 'x');
  await ua.close();
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

test('the ACK for a 400 the edge gave a malformed INVITE is dropped, and the session goes on', async () => {
  const v = await connectedVisitor(edge);
  const invite = v.newRequest('INVITE', 'sip:owner@home.arpa');
  const uri = 'sip:owner@home.arpa?Route=%3Csip:127.0.0.1%3E';
  const lines = (method: string) => [`${method} ${uri} SIP/2.0`, ...invite.headers.filter((h) => h.name !== 'CSeq').map((h) => `${h.name}: ${h.value}`), `CSeq: 1 ${method}`, 'Content-Length: 0', '', ''].join('\r\n');
  v.send(lines('INVITE'));
  const refused = await v.response(400, 'INVITE');
  assert.match(header(refused.msg, 'Warning')!, /HL_MALFORMED: URI headers/);
  v.send(lines('ACK'));
  // Answered after the ACK, on the same socket: the ACK neither closed it nor drew a response.
  v.send(serialize(v.newRequest('OPTIONS', 'sip:owner@home.arpa')));
  await v.response(200, 'OPTIONS');
  assert.equal(v.closed, undefined);
  assert.deepEqual(v.inbox, []);
  await v.close();
});

test('an oversized frame closes the socket with 1009, logged once as a warning naming the connection (a client\'s fault, not an edge error with a stack)', async () => {
  const v = await connectedVisitor(edge);
  const from = edge.logs.length;
  v.send('X'.repeat(edge.config.sip.maxMessageBytes + 1));
  assert.equal((await v.waitClose()).code, 1009);
  const lines = edge.logs.slice(from).map((l) => JSON.parse(l)).filter((l) => /payload/i.test(JSON.stringify(l)));
  assert.equal(lines.length, 1, JSON.stringify(lines));
  assert.equal(lines[0].level, 40);
  assert.equal(lines[0].user, v.user);
  assert.equal(JSON.stringify(lines[0]).includes('"stack"'), false);
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
    await closeChecked(small);
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
    assert.equal(header(atV.msg, 'Reason'), 'SIP;cause=408;text="homeline call duration cap"');
    assert.equal(header(atO.msg, 'Reason'), 'SIP;cause=408;text="homeline call duration cap"');
    await Promise.all([o.close(), v.close()]);
  } finally {
    await closeChecked(capped);
  }
});

test('no secret ever reaches the log: login, tokens, upgrades, a refusal and a call on a fresh edge', async () => {
  // Its own edge, so the check does not depend on what other tests ran before it.
  const fresh = await startEdge();
  try {
    const o = await registeredOwner(fresh); // owner login (password, cookie) and a token in the URL
    const v = await connectedVisitor(fresh, { name: 'Grace' });
    const replayed = await visitorToken(fresh);
    await (await RawUa.connect(replayed.body.wsUrl, 'x')).close();
    assert.equal(await tokenRefusal(fresh, replayed.body.wsUrl), 'replayed');
    v.invite('owner');
    const inv = await o.request('INVITE');
    o.reply(inv.msg, 486, 'Busy Here');
    await v.response(486, 'INVITE');
    await Promise.all([o.close(), v.close()]);
  } finally {
    await closeChecked(fresh);
  }
});
