import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { buildRefusal, buildResponse, refusalText } from '../../server/sip/responses.ts';
import { decide, type CallSnapshot, type PolicyIdentity } from '../../server/sip/policy.ts';
import { parseSip, serializeSip, header, headerValues, type SipRequest, type SipResponse } from '../../server/sip/message.ts';
import { tagOf } from '../../server/sip/uri.ts';
import { SipRefusals, type SipRefusalCode } from '../../server/errors.ts';
import { fixture, sip } from './helpers/fixtures.ts';
import { startAgent, nextSent, type Agent } from './helpers/jssip-harness.ts';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const JsSIPParser: any = require('jssip/lib/Parser.js');

const invite = () => parseSip(fixture('invite')) as SipRequest;
const twoVias = () => parseSip(sip([
  'INVITE sip:owner@home.arpa SIP/2.0',
  'Via: SIP/2.0/WSS edge.home.arpa;branch=z9hG4bK-edge-1, SIP/2.0/WSS hlq6cb2nha5q.invalid;branch=z9hG4bK1386540',
  'Via: SIP/2.0/TCP 10.0.0.5:5060;branch=z9hG4bK-x',
  'Max-Forwards: 68',
  'To: "Front desk" <sip:owner@home.arpa>',
  'From: "Ada" <sip:v-Ab3dE_fG9hIk@home.arpa>;tag=i1490h6pcl',
  'Call-ID: abc@def',
  'CSeq: 12 INVITE',
])) as SipRequest;

describe('buildResponse', () => {
  test('Vias copied in order, one per header, From/Call-ID/CSeq copied, To tag added', () => {
    const req = twoVias();
    const res = parseSip(serializeSip(buildResponse(req, 486, 'Busy Here'))) as SipResponse;
    assert.equal(res.status, 486);
    assert.deepEqual(headerValues(res, 'Via'), headerValues(req, 'Via'));
    assert.equal(res.headers.filter((h) => h.name === 'Via').length, 3);
    assert.equal(header(res, 'From'), header(req, 'From'));
    assert.equal(header(res, 'Call-ID'), 'abc@def');
    assert.equal(header(res, 'CSeq'), '12 INVITE');
    assert.match(header(res, 'To')!, /^"Front desk" <sip:owner@home\.arpa>;tag=[0-9a-f]{12}$/);
    assert.equal(header(res, 'Content-Length'), '0');
    assert.equal(res.body, '');
  });
  test('an existing To tag is kept, not doubled', () => {
    const req = parseSip(fixture('bye')) as SipRequest;
    const res = buildResponse(req, 481, 'Call/Transaction Does Not Exist');
    assert.equal(header(res, 'To'), header(req, 'To'));
    assert.equal(tagOf(header(res, 'To')), '8f2c1a9d');
  });
  test('100 Trying gets no To tag; a given tag is used', () => {
    assert.equal(tagOf(header(buildResponse(invite(), 100, 'Trying'), 'To')), undefined);
    assert.equal(tagOf(header(buildResponse(invite(), 180, 'Ringing', [], 'fixedtag'), 'To')), 'fixedtag');
  });
  test('two refusals of different requests get different tags', () => {
    const a = tagOf(header(buildResponse(invite(), 486, 'Busy Here'), 'To'));
    const b = tagOf(header(buildResponse(invite(), 486, 'Busy Here'), 'To'));
    assert.notEqual(a, b);
  });
});

describe('buildRefusal', () => {
  for (const code of Object.keys(SipRefusals) as SipRefusalCode[]) {
    test(`${code}: status, reason and a Warning carrying the code`, () => {
      const text = refusalText(invite(), code);
      const res = parseSip(text) as SipResponse;
      assert.equal(res.status, SipRefusals[code].status);
      assert.equal(res.reason, SipRefusals[code].reason);
      assert.equal(header(res, 'Warning'), `399 homeline "${code}: ${SipRefusals[code].text}"`);
    });
  }
  test('405 carries Allow, 503 carries Retry-After', () => {
    const r405 = buildRefusal(invite(), 'HL_METHOD_FORBIDDEN', { allow: ['INVITE', 'ACK', 'BYE'] });
    assert.equal(header(r405, 'Allow'), 'INVITE, ACK, BYE');
    const r503 = buildRefusal(invite(), 'HL_LINES_BUSY', { retryAfterSeconds: 60 });
    assert.equal(header(r503, 'Retry-After'), '60');
  });
  test('detail text cannot break out of the quoted warn-text or the header', () => {
    const res = buildRefusal(invite(), 'HL_TARGET_FORBIDDEN', { detail: 'x" \\ \r\nX-Evil: 1' });
    const warning = header(res, 'Warning')!;
    assert.match(warning, /^399 homeline "HL_TARGET_FORBIDDEN: [^"\\\r\n]*"$/);
    assert.ok(parseSip(serializeSip(res)));
  });
  test('JsSIP\'s own parser reads the refusal and its headers', () => {
    const text = refusalText(twoVias(), 'HL_LINES_BUSY', { retryAfterSeconds: 30 });
    const msg = JsSIPParser.parseMessage(text, undefined);
    assert.ok(msg, 'JsSIP could not parse the refusal');
    assert.equal(msg.status_code, 503);
    assert.equal(msg.via_branch, 'z9hG4bK-edge-1');
    assert.equal(msg.call_id, 'abc@def');
    assert.equal(msg.cseq, 12);
    assert.equal(msg.method, 'INVITE');
    assert.ok(msg.to_tag);
    assert.equal(msg.from_tag, 'i1490h6pcl');
    assert.equal(msg.getHeader('Retry-After'), '30');
    assert.equal(msg.getHeaders('Via').length, 3);
  });
});

describe('a real JsSIP user agent accepts the edge\'s refusals', () => {
  const VISITOR: PolicyIdentity = { role: 'visitor', user: 'v-Ab3dE_fG9hIk', targets: ['owner', '100'], domain: 'home.arpa' };
  const agents: Agent[] = [];
  after(() => agents.forEach((a) => a.stop()));

  /** Plays the edge: every message JsSIP sends goes through decide(); refusals are answered. */
  async function visitor(state: Partial<CallSnapshot> = {}) {
    const agent = await startAgent(`sip:${VISITOR.user}@home.arpa`, 'Ada Lovelace');
    agents.push(agent);
    const snap: CallSnapshot = { dialogs: new Map(), knownCallIds: new Set(), activeCalls: 0, visitorCallsTotal: 0, visitorCallsCap: 2, busyRetryAfterSeconds: 60, pausedTargets: new Set(), ...state };
    const verdicts: string[] = [];
    agent.socket.onsend = (text) => {
      const req = parseSip(text) as SipRequest;
      const v = decide(req, VISITOR, snap);
      verdicts.push(`${req.method}:${v.action}${'code' in v ? `:${v.code}` : ''}`);
      if (v.action === 'refuse') setImmediate(() => agent.socket.deliver(refusalText(req, v.code, v)));
    };
    return { agent, verdicts };
  }

  test('REGISTER from a visitor: JsSIP reports 405 registrationFailed', async () => {
    const { agent, verdicts } = await visitor();
    const failed = new Promise<{ response: { status_code: number; getHeader(n: string): string } }>((res) => agent.ua.once('registrationFailed', res));
    agent.ua.register();
    const e = await failed;
    assert.equal(e.response.status_code, 405);
    assert.match(e.response.getHeader('Allow'), /INVITE/);
    assert.match(e.response.getHeader('Warning'), /HL_METHOD_FORBIDDEN/);
    assert.deepEqual(verdicts, ['REGISTER:refuse:HL_METHOD_FORBIDDEN']);
  });

  test('MESSAGE from a visitor: JsSIP reports 405 failed', async () => {
    const { agent } = await visitor();
    const failed = new Promise<{ cause: string; response: { status_code: number } }>((res) => {
      agent.ua.sendMessage('sip:owner@home.arpa', 'hi', { eventHandlers: { failed: res } });
    });
    assert.equal((await failed).response.status_code, 405);
  });

  async function callFails(target: string, state: Partial<CallSnapshot>) {
    const { agent, verdicts } = await visitor(state);
    const ack = new Promise<string>((resolve) => {
      const prev = agent.socket.onsend!;
      agent.socket.onsend = (text) => { prev(text); if (text.startsWith('ACK ')) resolve(text); };
    });
    const failed = new Promise<{ originator: string; cause: string; message: { status_code: number; getHeader(n: string): string } }>((res) => {
      agent.ua.call(target, { mediaConstraints: { audio: false, video: false }, eventHandlers: { failed: res } });
    });
    const e = await failed;
    return { e, ack: await ack, verdicts };
  }

  test('INVITE to a forbidden number: 403, JsSIP fails the session and ACKs our To tag', async () => {
    const { e, ack, verdicts } = await callFails('sip:+441234567890@home.arpa', {});
    assert.equal(e.originator, 'remote');
    assert.equal(e.message.status_code, 403);
    assert.match(e.message.getHeader('Warning'), /^399 homeline "HL_TARGET_FORBIDDEN: /);
    // The ACK for a non-2xx is hop-by-hop (RFC 3261 §17.1.1.3): JsSIP only sends it when the
    // response matched its transaction, and copies the To tag we made up.
    assert.ok(tagOf(header(parseSip(ack), 'To')));
    assert.deepEqual(verdicts, ['INVITE:refuse:HL_TARGET_FORBIDDEN', 'ACK:drop:HL_NO_DIALOG']);
  });

  test('INVITE while in a call: 486 Busy', async () => {
    const { e } = await callFails('sip:owner@home.arpa', { activeCalls: 1 });
    assert.equal(e.message.status_code, 486);
    assert.equal(e.cause, 'Busy');
  });

  test('INVITE over the global cap: 503 with Retry-After', async () => {
    const { e } = await callFails('sip:owner@home.arpa', { visitorCallsTotal: 2 });
    assert.equal(e.message.status_code, 503);
    assert.equal(e.message.getHeader('Retry-After'), '60');
    assert.match(e.message.getHeader('Warning'), /HL_LINES_BUSY/);
  });

  test('INVITE to a paused owner: 480 Unavailable', async () => {
    const { e } = await callFails('sip:owner@home.arpa', { pausedTargets: new Set(['owner']) });
    assert.equal(e.message.status_code, 480);
    assert.equal(e.cause, 'Unavailable');
  });

  test('owner REGISTERing another extension: JsSIP reports 403 registrationFailed', async () => {
    const agent = await startAgent('sip:6001@home.arpa', 'Owner');
    agents.push(agent);
    const OWNER: PolicyIdentity = { role: 'owner', user: '6000', targets: [], domain: 'home.arpa' };
    agent.socket.onsend = (text) => {
      const req = parseSip(text) as SipRequest;
      const v = decide(req, OWNER, { dialogs: new Map(), knownCallIds: new Set(), activeCalls: 0, visitorCallsTotal: 0, visitorCallsCap: 2, busyRetryAfterSeconds: 60, pausedTargets: new Set() });
      assert.equal(v.action, 'refuse');
      if (v.action === 'refuse') setImmediate(() => agent.socket.deliver(serializeSip(buildRefusal(req, v.code, v))));
    };
    const failed = new Promise<{ response: { status_code: number; getHeader(n: string): string } }>((res) => agent.ua.once('registrationFailed', res));
    agent.ua.register();
    const e = await failed;
    assert.equal(e.response.status_code, 403);
    assert.match(e.response.getHeader('Warning'), /HL_AOR_FORBIDDEN/);
  });

  test('an allowed INVITE is forwarded, not answered', async () => {
    const { agent, verdicts } = await visitor();
    const sent = nextSent(agent.socket);
    const session = agent.ua.call('sip:owner@home.arpa', { mediaConstraints: { audio: false, video: false } });
    await sent;
    assert.deepEqual(verdicts, ['INVITE:forward']);
    session.terminate();
  });
});
