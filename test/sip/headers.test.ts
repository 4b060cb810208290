// Header allow-lists (issue 10, point 3): what a visitor's or the owner's request may carry upstream.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type CallSnapshot, type PolicyIdentity, type Verdict } from '../../server/sip/policy.ts';
import { OWNER_HEADERS, VISITOR_HEADERS } from '../../server/sip/headers.ts';
import { buildRefusal } from '../../server/sip/responses.ts';
import { header, parseSip, serializeSip, type SipRequest } from '../../server/sip/message.ts';
import { fixture, sip } from './helpers/fixtures.ts';

const VISITOR: PolicyIdentity = { role: 'visitor', user: 'v-Ab3dE_fG9hIk', targets: ['owner', '100'], domain: 'home.arpa' };
const OWNER: PolicyIdentity = { role: 'owner', user: '6000', targets: [], domain: 'home.arpa' };
const CALL_ID = 'jsjoiupspgqeqk8djg33';
const state = (over: Partial<CallSnapshot> = {}): CallSnapshot => ({
  dialogs: new Map([[CALL_ID, { remoteTarget: 'sip:9q6hvi1a@df7jal23ls0d.invalid;transport=ws', routeSet: [] }]]),
  knownCallIds: new Set([CALL_ID]), activeCalls: 0, visitorCallsTotal: 0, visitorCallsCap: 2, busyRetryAfterSeconds: 60, pausedTargets: new Set(), ...over,
});

/** The headers issue 10 names: none of them may ever leave the edge, for either role. */
const NEVER_FORWARDED = [
  'Record-Route: <sip:203.0.113.9;lr>',
  'Path: <sip:203.0.113.9;lr>',
  'Replaces: abc@203.0.113.9;to-tag=1;from-tag=2',
  'Join: abc@203.0.113.9;to-tag=1;from-tag=2',
  'Diversion: <sip:+448001234567@203.0.113.9>;reason=unconditional',
  'History-Info: <sip:+449001234567@203.0.113.9>;index=1',
  'Referred-By: <sip:6001@home.arpa>',
  'P-Called-Party-ID: <sip:+449001234567@203.0.113.9>',
  'P-Charge-Info: <sip:+441234567890@203.0.113.9>',
  'Call-Info: <sip:home.arpa>;answer-after=0',
  'Alert-Info: <http://www.example.com/sounds/moo.wav>;info=alert-autoanswer',
];

const requests = {
  visitor: {
    who: VISITOR,
    'initial INVITE': ['INVITE sip:owner@home.arpa SIP/2.0', 'To: <sip:owner@home.arpa>', `From: <sip:${VISITOR.user}@home.arpa>;tag=a`, 'Call-ID: fresh-call'],
    'in-dialog BYE': ['BYE sip:9q6hvi1a@df7jal23ls0d.invalid;transport=ws SIP/2.0', 'To: <sip:owner@home.arpa>;tag=t', `From: <sip:${VISITOR.user}@home.arpa>;tag=a`, `Call-ID: ${CALL_ID}`],
  },
  owner: {
    who: OWNER,
    REGISTER: ['REGISTER sip:home.arpa SIP/2.0', 'To: <sip:6000@home.arpa>', 'From: <sip:6000@home.arpa>;tag=a', 'Call-ID: reg-1', 'Contact: <sip:0v0jp313@hlq6cb2nha5q.invalid;transport=ws>'],
    'initial INVITE': ['INVITE sip:6001@home.arpa SIP/2.0', 'To: <sip:6001@home.arpa>', 'From: <sip:6000@home.arpa>;tag=a', 'Call-ID: fresh-call'],
    'in-dialog BYE': ['BYE sip:9q6hvi1a@df7jal23ls0d.invalid;transport=ws SIP/2.0', 'To: <sip:v-x@home.arpa>;tag=t', 'From: <sip:owner@home.arpa>;tag=a', `Call-ID: ${CALL_ID}`],
  },
} as const;

function build(lines: readonly string[], extra: string): SipRequest {
  const method = lines[0].split(' ')[0];
  return parseSip(sip([lines[0], 'Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1', 'Max-Forwards: 70', ...lines.slice(1), `CSeq: 2 ${method}`, extra])) as SipRequest;
}

/** What would go upstream, as text, if anything: the serialized forwarded request. */
function upstreamText(v: Verdict): string | undefined {
  return v.action === 'forward' ? serializeSip(v.request) : undefined;
}

describe('each header issue 10 names never leaves the edge', () => {
  for (const [role, cases] of Object.entries(requests)) {
    const { who, ...shapes } = cases;
    for (const [shape, lines] of Object.entries(shapes)) {
      for (const line of NEVER_FORWARDED) {
        const name = line.slice(0, line.indexOf(':'));
        test(`${role} ${shape} + ${name}`, () => {
          const req = build(lines as readonly string[], line);
          const v = decide(req, who, state());
          const text = upstreamText(v);
          if (text === undefined) {
            // Refused instead: then the answer goes back to the client, with a code.
            assert.equal(v.action, 'refuse');
            assert.equal((v as { code: string }).code, 'HL_HEADER_FORBIDDEN');
          } else {
            assert.doesNotMatch(text, new RegExp(`^${name}:`, 'im'));
            assert.doesNotMatch(text, /203\.0\.113\.9|answer-after|autoanswer/);
          }
        });
      }
    }
  }
  test('Replaces and Join are refused (403, coded), the rest removed with the call going ahead', () => {
    const lines = requests.visitor['initial INVITE'];
    for (const line of NEVER_FORWARDED) {
      const v = decide(build(lines, line), VISITOR, state());
      const refused = /^(Replaces|Join):/.test(line);
      assert.equal(v.action, refused ? 'refuse' : 'forward', line);
    }
  });
});

describe('JsSIP 3.13 requests keep every header they carry', () => {
  const known = (req: SipRequest, routeSet: string[] = []) => state({
    knownCallIds: new Set([header(req, 'Call-ID')!]),
    dialogs: new Map([[header(req, 'Call-ID')!, { remoteTarget: req.uri, routeSet }]]),
  });
  const cases: [string, PolicyIdentity, (r: SipRequest) => CallSnapshot][] = [
    ['invite', VISITOR, () => state()],
    ['ack', VISITOR, (r) => known(r, ['<sip:edge.home.arpa;transport=ws;lr;hl=c7f2>'])],
    ['bye', VISITOR, (r) => known(r, ['<sip:edge.home.arpa;transport=ws;lr;hl=c7f2>'])],
    ['cancel', VISITOR, (r) => state({ knownCallIds: new Set([header(r, 'Call-ID')!]) })],
    ['options', OWNER, () => state()],
    ['register', OWNER, () => state()],
  ];
  for (const [name, who, snap] of cases) {
    test(name, () => {
      const req = parseSip(fixture(name)) as SipRequest;
      const v = decide(req, who, snap(req));
      assert.equal(v.action, 'forward', JSON.stringify(v));
      const out = (v as Extract<Verdict, { action: 'forward' }>).request;
      const names = (r: SipRequest) => r.headers.map((h) => h.name).filter((n) => !/^x-homeline-/i.test(n));
      assert.deepEqual(names(out), names(req));
    });
  }
  test('session timers, Reason, RAck, Require: timer pass for a visitor', () => {
    const extras = ['Session-Expires: 90;refresher=uac', 'Min-SE: 90', 'Require: timer', 'Reason: SIP ;cause=200; text="Call completed elsewhere"', 'RAck: 1 8664 INVITE'];
    for (const line of extras) {
      const v = decide(build(requests.visitor['in-dialog BYE'], line), VISITOR, state());
      assert.match(upstreamText(v) ?? '', new RegExp(`^${line.split(':')[0]}:`, 'm'), line);
    }
  });
});

describe('the rest of the allow-list', () => {
  test('unknown and X- headers from a visitor are removed', () => {
    const text = upstreamText(decide(build(requests.visitor['initial INVITE'], 'X-Foo: bar'), VISITOR, state()))!;
    assert.doesNotMatch(text, /X-Foo/i);
  });
  test('Event, Expires, Refer-To are owner-only', () => {
    for (const line of ['Event: refer', 'Expires: 60', 'Refer-To: <sip:6001@home.arpa>']) {
      const name = line.split(':')[0];
      assert.doesNotMatch(upstreamText(decide(build(requests.visitor['in-dialog BYE'], line), VISITOR, state()))!, new RegExp(`^${name}:`, 'm'));
      assert.match(upstreamText(decide(build(requests.owner['in-dialog BYE'], line), OWNER, state()))!, new RegExp(`^${name}:`, 'm'));
    }
  });
  test('the owner list is the visitor list plus more, never less', () => {
    for (const h of VISITOR_HEADERS) assert.ok(OWNER_HEADERS.includes(h), h);
  });
  test('header names match case-insensitively, whatever spelling the client used', () => {
    const text = upstreamText(decide(build(requests.visitor['initial INVITE'], 'content-DISPOSITION: session'), VISITOR, state()))!;
    assert.match(text, /^Content-Disposition: session$/m);
  });
  test('Require with an unknown option tag: 420 with Unsupported', () => {
    const req = build(requests.visitor['initial INVITE'], 'Require: timer, foo, nosuch');
    const v = decide(req, VISITOR, state());
    assert.equal(v.action === 'refuse' && v.code, 'HL_EXTENSION_UNSUPPORTED');
    const res = buildRefusal(req, 'HL_EXTENSION_UNSUPPORTED', v as Extract<Verdict, { action: 'refuse' }>);
    assert.equal(res.status, 420);
    assert.equal(header(res, 'Unsupported'), 'foo, nosuch');
    assert.match(header(res, 'Warning')!, /^399 homeline "HL_EXTENSION_UNSUPPORTED: /);
  });
  test('any Proxy-Require tag is a 420 (the edge supports no proxy extensions), Content-Encoding a 403', () => {
    const v = decide(build(requests.owner['initial INVITE'], 'Proxy-Require: timer'), OWNER, state());
    assert.deepEqual(v.action === 'refuse' && [v.code, v.unsupported], ['HL_EXTENSION_UNSUPPORTED', ['timer']]);
    const w = decide(build(requests.owner['initial INVITE'], 'Content-Encoding: gzip'), OWNER, state());
    assert.equal(w.action === 'refuse' && w.code, 'HL_HEADER_FORBIDDEN');
  });
  test('Max-Forwards over 70 is clamped, a missing one added', () => {
    const lines = requests.visitor['initial INVITE'];
    const high = parseSip(sip([lines[0], 'Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1', 'Max-Forwards: 200', ...lines.slice(1), 'CSeq: 2 INVITE'])) as SipRequest;
    const none = parseSip(sip([lines[0], 'Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1', ...lines.slice(1), 'CSeq: 2 INVITE'])) as SipRequest;
    for (const req of [high, none]) {
      const v = decide(req, VISITOR, state());
      assert.equal(v.action === 'forward' && header(v.request, 'Max-Forwards'), '70');
    }
  });
});
