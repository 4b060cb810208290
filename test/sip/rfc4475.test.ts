// RFC 4475 torture messages (test/sip/fixtures/rfc4475/, one per RFC section name, written from the
// RFC's text; mpart01's binary S/MIME part is replaced by a text part) through what the edge does
// with a frame from a client: strict parse, else salvage a 400, else close; then the policy.
//
// Every invalid message gets a 400 when a response can be built, a close only when it cannot
// (no unambiguous From/To/Call-ID/CSeq to copy, or it is itself a response). No valid message a
// browser could send is refused by the parser. The valid ones refused, and why:
//
// | fixture | edge answer | why a browser never sends it |
// |---|---|---|
// | intmeth | close | NUL and other control characters (quoted-pairs in To) and a `!…%…'~` method: the parser refuses every control character, and the `?` in the Request-URI user part reads as URI headers |
// | esc02   | close | `%` in the method name (RE%47IST%45R): methods are `[A-Z][A-Z0-9_-]`, no salvage of an unknown method shape |
// | longreq | 400   | Call-ID over 256 characters (JsSIP's are 20) |
// | dblreq  | 400   | octets after Content-Length: a WebSocket frame is exactly one message (RFC 7118 §5), trailing octets are not ignored as on UDP |
// | unksm2  | 400   | non-sip: Contact in a REGISTER (`name:John_Smith`): a binding must be a sip:/sips: URI |
// Valid but refused by the policy, with a specific code: esc01 (escaped Request-URI user, 403
// HL_TARGET_FORBIDDEN: escaped digits are how trunk numbers are smuggled), unkscm/novelsc (non-sip
// Request-URI, 403 HL_TARGET_FORBIDDEN), bext01 (unknown Require/Proxy-Require tags, 420),
// cparam01/cparam02 (a Contact naming a real gateway host instead of a browser's `.invalid`, 403).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fixture } from './helpers/fixtures.ts';
import { header, parseSip, serializeSip, type SipMessage } from '../../server/sip/message.ts';
import { decide, type PolicyIdentity, type Verdict } from '../../server/sip/policy.ts';
import { buildRefusal } from '../../server/sip/responses.ts';
import { salvageRequest } from '../../server/relay/salvage.ts';

type Answer =
  | { kind: 'parsed'; msg: SipMessage }
  | { kind: 'refused'; status: number; warning: string; reason: string }
  | { kind: 'close'; reason: string };

/** What the relay does with a client frame before the policy (session.ts fromClient/malformed). */
function edge(text: string): Answer {
  try {
    return { kind: 'parsed', msg: parseSip(text) };
  } catch (err) {
    const req = salvageRequest(text);
    if (!req || req.method === 'ACK') return { kind: 'close', reason: (err as Error).message };
    const res = buildRefusal(req, 'HL_MALFORMED', { detail: (err as Error).message });
    return { kind: 'refused', status: res.status, warning: header(res, 'Warning')!, reason: (err as Error).message };
  }
}

const VALID = ['wsinv', 'intmeth', 'esc01', 'escnull', 'esc02', 'lwsdisp', 'longreq', 'dblreq', 'semiuri', 'transports', 'mpart01', 'unreason', 'noreason'];
const INVALID = ['badinv01', 'clerr', 'ncl', 'scalar02', 'scalarlg', 'quotbal', 'ltgtruri', 'lwsruri', 'lwsstart', 'trws', 'escruri', 'baddate', 'regbadct', 'badaspec', 'baddn', 'badvers', 'mismatch01', 'mismatch02', 'bigcode'];
const SEMANTIC = ['badbranch', 'insuf', 'unkscm', 'novelsc', 'unksm2', 'bext01', 'invut', 'regaut01', 'multi01', 'mcl01', 'bcast', 'zeromf', 'cparam01', 'cparam02', 'regescrt', 'sdp01', 'inv2543'];

/** Expected parser-stage answer per fixture: parsed, 400 (with the reason's gist) or close. */
const TABLE: Record<string, 'parsed' | 'close' | RegExp> = {
  // 3.1.1 valid
  wsinv: 'parsed', esc01: 'parsed', escnull: 'parsed', lwsdisp: 'parsed', semiuri: 'parsed', transports: 'parsed',
  mpart01: 'parsed', unreason: 'parsed', noreason: 'parsed',
  intmeth: 'close', esc02: 'close', longreq: /Call-ID/, dblreq: /Content-Length 0 does not match/,
  // 3.1.2 invalid
  badinv01: /empty Via list element/, clerr: /Content-Length 9999/, ncl: /malformed Content-Length/,
  scalar02: 'close', // CSeq 36893488147419103232: no CSeq JsSIP could match to copy into a 400
  scalarlg: 'close', bigcode: 'close', // responses: never answered
  quotbal: /malformed To/, ltgtruri: /malformed Request-URI/, lwsruri: /request line/, lwsstart: /request line/,
  trws: /request line/, escruri: /URI headers/, regbadct: /malformed Contact/, badaspec: /malformed To/,
  baddn: /malformed From/, badvers: /unsupported SIP version/, mismatch01: /CSeq method/, mismatch02: /CSeq method/,
  baddate: 'parsed', // RFC: tolerate the bad Date; the edge never relays Date (not on the allow-lists)
  // 3.2-3.4 semantics
  badbranch: 'parsed', insuf: 'close', // no From/To/Call-ID to answer with
  unkscm: 'parsed', novelsc: 'parsed', unksm2: /Contact must be a sip/, bext01: 'parsed', invut: 'parsed',
  regaut01: 'parsed', multi01: 'close', // two From, two Call-ID, two CSeq: which one would the 400 copy?
  mcl01: /more than one Content-Length/, bcast: 'parsed', zeromf: 'parsed', cparam01: 'parsed', cparam02: 'parsed',
  regescrt: /URI headers \(\?\) not allowed in Contact/, sdp01: 'parsed', inv2543: 'parsed',
};

describe('RFC 4475: every section has a fixture and an expectation', () => {
  test('49 fixtures, named by section, all in the table', () => {
    const files = readdirSync(new URL('./fixtures/rfc4475/', import.meta.url)).map((f) => f.replace(/\.sip$/, '')).sort();
    assert.deepEqual(files, [...VALID, ...INVALID, ...SEMANTIC].sort());
    assert.deepEqual(Object.keys(TABLE).sort(), files);
  });
});

describe('RFC 4475 through the edge parser', () => {
  for (const [name, expected] of Object.entries(TABLE)) {
    test(`${name}: ${expected instanceof RegExp ? `400 (${expected.source})` : expected}`, () => {
      const answer = edge(fixture(`rfc4475/${name}`));
      if (expected === 'parsed') {
        assert.equal(answer.kind, 'parsed', JSON.stringify(answer));
      } else if (expected === 'close') {
        assert.equal(answer.kind, 'close', JSON.stringify(answer).slice(0, 300));
      } else {
        assert.equal(answer.kind, 'refused', JSON.stringify(answer).slice(0, 300));
        const r = answer as Extract<Answer, { kind: 'refused' }>;
        assert.equal(r.status, 400);
        assert.match(r.reason, expected);
        assert.match(r.warning, /^399 homeline "HL_MALFORMED: /);
      }
    });
  }
  test('every invalid message (3.1.2) is refused, none parsed except the tolerated baddate', () => {
    for (const name of INVALID.filter((n) => n !== 'baddate')) assert.notEqual(edge(fixture(`rfc4475/${name}`)).kind, 'parsed', name);
  });
});

describe('RFC 4475 through the policy (an owner whose domain and AOR fit the message)', () => {
  const verdict = (name: string, domain: string, user: string): Verdict => {
    const answer = edge(fixture(`rfc4475/${name}`));
    assert.equal(answer.kind, 'parsed');
    const msg = (answer as { msg: SipMessage }).msg;
    assert.equal(msg.kind, 'request');
    const who: PolicyIdentity = { role: 'owner', user, targets: [], domain };
    return decide(msg as Extract<SipMessage, { kind: 'request' }>, who, {
      dialogs: new Map(), knownCallIds: new Set(), activeCalls: 0, visitorCallsTotal: 0, visitorCallsCap: 2, busyRetryAfterSeconds: 60, pausedTargets: new Set(),
    });
  };
  const code = (v: Verdict) => (v.action === 'forward' ? 'forward' : v.code);
  test('zeromf: Max-Forwards 0 is a 483', () => assert.equal(code(verdict('zeromf', 'example.net', 'caller')), 'HL_LOOP'));
  test('bext01: unknown Require and Proxy-Require tags are a 420 listing all four', () => {
    const v = verdict('bext01', 'example.net', 'caller');
    assert.equal(code(v), 'HL_EXTENSION_UNSUPPORTED');
    assert.deepEqual(v.action === 'refuse' && v.unsupported, ['nothingsupportsthis', 'nothingsupportsthiseither', 'noproxiessupportthis', 'nordoanyproxiessupportthis']);
  });
  test('unkscm, novelsc: a non-sip Request-URI is a 403', () => {
    assert.equal(code(verdict('unkscm', 'example.net', 'caller')), 'HL_TARGET_FORBIDDEN');
    assert.equal(code(verdict('novelsc', 'example.net', 'caller')), 'HL_TARGET_FORBIDDEN');
  });
  test('esc01: escaped Request-URI user is a 403', () => assert.equal(code(verdict('esc01', 'example.net', 'I%20have%20spaces')), 'HL_TARGET_FORBIDDEN'));
  test('cparam01/cparam02: REGISTER binding a gateway (real host, unknown URI parameter) is a 403', () => {
    assert.equal(code(verdict('cparam01', 'example.com', 'watson')), 'HL_TARGET_FORBIDDEN');
    assert.equal(code(verdict('cparam02', 'example.com', 'watson')), 'HL_TARGET_FORBIDDEN');
  });
  test('regaut01: forwarded without the client\'s Authorization (not on any allow-list)', () => {
    const v = verdict('regaut01', 'example.com', 'j.user');
    assert.equal(v.action, 'forward');
    assert.doesNotMatch(serializeSip((v as Extract<Verdict, { action: 'forward' }>).request), /Authorization/i);
  });
  test('inv2543: an RFC 2543 INVITE (From with ;user=phone, Record-Route with maddr) is a 403', () => {
    assert.equal(code(verdict('inv2543', 'ift.client.example.net', '+13035551111')), 'HL_FROM_FORBIDDEN');
  });
  test('lwsdisp: no space between display name and <…> is fine', () => assert.equal(code(verdict('lwsdisp', 'example.com', 'caller')), 'forward'));
});
