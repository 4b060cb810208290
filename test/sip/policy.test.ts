import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decide, stamp, VISITOR_METHODS, type CallSnapshot, type PolicyIdentity, type Verdict } from '../../server/sip/policy.ts';
import { parseSip, serializeSip, header, headerValues, type SipRequest } from '../../server/sip/message.ts';
import { fixture, sip } from './helpers/fixtures.ts';

const VISITOR: PolicyIdentity = { role: 'visitor', user: 'v-Ab3dE_fG9hIk', targets: ['owner', '100'], domain: 'home.arpa', callerName: 'Ada%20Lovelace' };
const OWNER: PolicyIdentity = { role: 'owner', user: '6000', targets: [], domain: 'home.arpa' };

function snapshot(over: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    dialogs: new Map(),
    knownCallIds: new Set(),
    activeCalls: 0,
    visitorCallsTotal: 0,
    visitorCallsCap: 2,
    busyRetryAfterSeconds: 60,
    pausedTargets: new Set(),
    ...over,
  };
}

interface ReqOpts {
  method?: string;
  uri?: string;
  from?: string;
  to?: string;
  callId?: string;
  extra?: string[];
}
function request(o: ReqOpts = {}): SipRequest {
  const method = o.method ?? 'INVITE';
  return parseSip(sip([
    `${method} ${o.uri ?? 'sip:owner@home.arpa'} SIP/2.0`,
    'Via: SIP/2.0/WSS hlq6cb2nha5q.invalid;branch=z9hG4bK1386540',
    'Max-Forwards: 69',
    `To: ${o.to ?? '<sip:owner@home.arpa>'}`,
    `From: ${o.from ?? '"Ada Lovelace" <sip:v-Ab3dE_fG9hIk@home.arpa>;tag=i1490h6pcl'}`,
    `Call-ID: ${o.callId ?? 'jsjoiupspgqeqk8djg33'}`,
    `CSeq: 8664 ${method}`,
    ...(o.extra ?? []),
  ])) as SipRequest;
}
/** A snapshot in which this connection has one dialog, with what the edge learned about it. */
function inDialog(callId = 'jsjoiupspgqeqk8djg33', remoteTarget = 'sip:9q6hvi1a@df7jal23ls0d.invalid;transport=ws', routeSet: string[] = []): CallSnapshot {
  return snapshot({ knownCallIds: new Set([callId]), dialogs: new Map([[callId, { remoteTarget, routeSet }]]) });
}
const visitorSays = (o: ReqOpts, state = snapshot()) => decide(request(o), VISITOR, state);
const ownerFrom = '"Owner" <sip:6000@home.arpa>;tag=tut6mjg7or';

function assertRefused(v: Verdict, code: string): void {
  assert.equal(v.action, 'refuse', `expected refusal ${code}, got ${JSON.stringify(v).slice(0, 200)}`);
  assert.equal((v as { code: string }).code, code);
}
function assertForwarded(v: Verdict): SipRequest {
  assert.equal(v.action, 'forward', `expected forward, got ${JSON.stringify(v)}`);
  return (v as Extract<Verdict, { action: 'forward' }>).request;
}

describe('visitor: forbidden methods get 405 with Allow', () => {
  for (const method of ['REGISTER', 'REFER', 'SUBSCRIBE', 'MESSAGE', 'PUBLISH', 'NOTIFY', 'FOOBAR']) {
    test(method, () => {
      const v = visitorSays({ method, uri: 'sip:home.arpa' });
      assertRefused(v, 'HL_METHOD_FORBIDDEN');
      assert.equal(v.action === 'refuse' && v.allow?.join(','), VISITOR_METHODS.join(','));
    });
  }
  test('also inside a known dialog (REFER to transfer the call elsewhere)', () => {
    const v = visitorSays({ method: 'REFER', to: '<sip:owner@home.arpa>;tag=x', extra: ['Refer-To: <sip:+449001234567@home.arpa>'] }, snapshot({ knownCallIds: new Set(['jsjoiupspgqeqk8djg33']) }));
    assertRefused(v, 'HL_METHOD_FORBIDDEN');
  });
  test('the real JsSIP REGISTER fixture from a visitor', () => {
    const reg = parseSip(fixture('register')) as SipRequest;
    assertRefused(decide(reg, { ...VISITOR, user: '6000' }, snapshot()), 'HL_METHOD_FORBIDDEN');
  });
});

describe('visitor: allowed targets', () => {
  test('the JsSIP INVITE fixture to sip:owner@home.arpa is forwarded as an initial INVITE', () => {
    const v = decide(parseSip(fixture('invite')) as SipRequest, VISITOR, snapshot());
    assert.equal(v.action, 'forward');
    assert.equal(v.action === 'forward' && v.initialInvite, true);
  });
  test('the IVR target 100', () => {
    assertForwarded(visitorSays({ uri: 'sip:100@home.arpa', to: '<sip:100@home.arpa>' }));
  });
  test('transport=ws is harmless, host is case-insensitive', () => {
    assertForwarded(visitorSays({ uri: 'sip:owner@HOME.arpa;transport=ws' }));
  });
  test('OPTIONS to the bare domain (keep-alive)', () => {
    assertForwarded(visitorSays({ method: 'OPTIONS', uri: 'sip:home.arpa' }));
  });
});

describe('visitor: Request-URI tricks get 403', () => {
  const tricks: Record<string, string> = {
    'other domain': 'sip:owner@evil.example',
    'subdomain': 'sip:owner@x.home.arpa',
    'trailing dot': 'sip:owner@home.arpa.',
    'explicit port': 'sip:owner@home.arpa:5060',
    'maddr': 'sip:owner@home.arpa;maddr=203.0.113.9',
    'user=phone': 'sip:owner@home.arpa;user=phone',
    'escaped digits': 'sip:%36%30%30%31@home.arpa',
    'escaped letter': 'sip:%6fwner@home.arpa',
    'escaped target': 'sip:%31%30%30@home.arpa',
    'tel: URI': 'tel:+441234567890',
    'international number': 'sip:+441234567890@home.arpa',
    'national number': 'sip:01234567890@home.arpa',
    'premium number': 'sip:09001234567@home.arpa',
    'home extension not in the token': 'sip:6001@home.arpa',
    'the owner browser extension': 'sip:6000@home.arpa',
    'sips: other host': 'sips:owner@evil.example',
    'lr parameter': 'sip:owner@home.arpa;lr',
    'transport with a smuggled parameter': 'sip:owner@home.arpa;transport=ws%3bmaddr=evil',
    'user with phone-context': 'sip:100;phone-context=+44@home.arpa',
    'password part': 'sip:owner:x@evil.example',
    'case-changed target': 'sip:OWNER@home.arpa',
    'no user': 'sip:home.arpa',
    'IP host': 'sip:owner@127.0.0.1',
  };
  for (const [what, uri] of Object.entries(tricks)) {
    test(what, () => assertRefused(visitorSays({ uri }), 'HL_TARGET_FORBIDDEN'));
  }
  test('URI headers in the Request-URI: refused by the parser (400) before any policy', () => {
    assert.throws(() => visitorSays({ uri: 'sip:owner@home.arpa?Route=%3Csip:evil.example%3Bl%3E' }), { code: 'HL_MALFORMED', message: /URI headers/ });
  });
  test('a target from the config that is not in this token', () => {
    const v = decide(request({ uri: 'sip:100@home.arpa' }), { ...VISITOR, targets: ['owner'] }, snapshot());
    assertRefused(v, 'HL_TARGET_FORBIDDEN');
  });
  test('Route header pointing elsewhere', () => {
    assertRefused(visitorSays({ extra: ['Route: <sip:trunk.evil.example;lr>'] }), 'HL_ROUTE_FORBIDDEN');
  });
  test('Route header in any case or spelling', () => {
    assertRefused(visitorSays({ extra: ['ROUTE: <sip:trunk.evil.example;lr>'] }), 'HL_ROUTE_FORBIDDEN');
    assertRefused(visitorSays({ extra: ['route :<sip:trunk.evil.example;lr>'] }), 'HL_ROUTE_FORBIDDEN');
  });
  test('Route header pointing at our own domain is still refused on an initial request', () => {
    assertRefused(visitorSays({ extra: ['Route: <sip:home.arpa;lr>'] }), 'HL_ROUTE_FORBIDDEN');
  });
  test('the refusal explains itself without echoing control characters', () => {
    const v = visitorSays({ uri: 'sip:6001@home.arpa' });
    assert.equal(v.action, 'refuse');
    assert.match((v as { detail: string }).detail, /6001 is not a target/);
  });
});

describe('From spoofing', () => {
  test('visitor claiming to be the owner', () => {
    assertRefused(visitorSays({ from: '<sip:6000@home.arpa>;tag=1' }), 'HL_FROM_FORBIDDEN');
  });
  test('visitor claiming another visitor', () => {
    assertRefused(visitorSays({ from: '<sip:v-zzzzzzzzzzzz@home.arpa>;tag=1' }), 'HL_FROM_FORBIDDEN');
  });
  test('right user, other domain', () => {
    assertRefused(visitorSays({ from: '<sip:v-Ab3dE_fG9hIk@evil.example>;tag=1' }), 'HL_FROM_FORBIDDEN');
  });
  test('unparseable From: refused by the parser (400), never reaches the policy', () => {
    assert.throws(() => visitorSays({ from: 'garbage <' }), { code: 'HL_MALFORMED', message: /malformed From/ });
  });
  test('display name is free, the address is not', () => {
    assertForwarded(visitorSays({ from: '"The Owner" <sip:v-Ab3dE_fG9hIk@home.arpa>;tag=1' }));
  });
  test('visitor BYE inside its own call with a spoofed From', () => {
    const v = visitorSays({ method: 'BYE', to: '<sip:owner@home.arpa>;tag=t', from: '<sip:6000@home.arpa>;tag=1' }, snapshot({ knownCallIds: new Set(['jsjoiupspgqeqk8djg33']) }));
    assertRefused(v, 'HL_FROM_FORBIDDEN');
  });
  test('owner out-of-dialog INVITE with another From', () => {
    const v = decide(request({ uri: 'sip:6001@home.arpa', from: '<sip:6001@home.arpa>;tag=1' }), OWNER, snapshot());
    assertRefused(v, 'HL_FROM_FORBIDDEN');
  });
  test('owner answering a visitor: its BYE has the dialog\'s local URI (the visitor\'s target) as From', () => {
    const bye = request({
      method: 'BYE', uri: 'sip:9q6hvi1a@hlq6cb2nha5q.invalid;transport=ws',
      from: '<sip:owner@home.arpa>;tag=8f2c1a9d', to: '"Ada Lovelace" <sip:v-Ab3dE_fG9hIk@home.arpa>;tag=i1490h6pcl',
    });
    assertForwarded(decide(bye, OWNER, inDialog('jsjoiupspgqeqk8djg33', 'sip:9q6hvi1a@hlq6cb2nha5q.invalid;transport=ws')));
  });
});

describe('owner', () => {
  const reg = (to: string, uri = 'sip:home.arpa', extra: string[] = []) => request({ method: 'REGISTER', uri, to, from: ownerFrom, extra });
  test('the JsSIP REGISTER fixture for its own AOR is forwarded', () => {
    assertForwarded(decide(parseSip(fixture('register')) as SipRequest, OWNER, snapshot()));
  });
  test('REGISTER for another AOR', () => {
    assertRefused(decide(reg('<sip:6001@home.arpa>'), OWNER, snapshot()), 'HL_AOR_FORBIDDEN');
    assertRefused(decide(reg('<sip:6000@evil.example>'), OWNER, snapshot()), 'HL_AOR_FORBIDDEN');
    assertRefused(decide(reg('<sip:%36000@home.arpa>'), OWNER, snapshot()), 'HL_AOR_FORBIDDEN');
  });
  test('REGISTER to a registrar in another domain or for another user', () => {
    assertRefused(decide(reg('<sip:6000@home.arpa>', 'sip:evil.example'), OWNER, snapshot()), 'HL_AOR_FORBIDDEN');
    assertRefused(decide(reg('<sip:6000@home.arpa>', 'sip:6001@home.arpa'), OWNER, snapshot()), 'HL_AOR_FORBIDDEN');
  });
  test('REGISTER with a To tag is still checked as a registration', () => {
    assertRefused(decide(reg('<sip:6001@home.arpa>;tag=x'), OWNER, snapshot({ knownCallIds: new Set(['jsjoiupspgqeqk8djg33']) })), 'HL_AOR_FORBIDDEN');
  });
  test('REGISTER for another AOR answers with the AOR code even when From matches it', () => {
    const v = decide(request({ method: 'REGISTER', uri: 'sip:home.arpa', to: '<sip:6001@home.arpa>', from: '<sip:6001@home.arpa>;tag=1' }), OWNER, snapshot());
    assertRefused(v, 'HL_AOR_FORBIDDEN');
  });
  test('REGISTER of its own AOR with someone else\'s From', () => {
    const v = decide(request({ method: 'REGISTER', uri: 'sip:home.arpa', to: '<sip:6000@home.arpa>', from: '<sip:6001@home.arpa>;tag=1' }), OWNER, snapshot());
    assertRefused(v, 'HL_FROM_FORBIDDEN');
  });
  test('REGISTER with a Route elsewhere', () => {
    assertRefused(decide(reg('<sip:6000@home.arpa>', 'sip:home.arpa', ['Route: <sip:evil.example;lr>']), OWNER, snapshot()), 'HL_ROUTE_FORBIDDEN');
  });
  test('may call a home extension, not an outside number', () => {
    assertForwarded(decide(request({ uri: 'sip:6001@home.arpa', from: ownerFrom }), OWNER, snapshot()));
    assertRefused(decide(request({ uri: 'sip:+441234567890@home.arpa', from: ownerFrom }), OWNER, snapshot()), 'HL_TARGET_FORBIDDEN');
    assertRefused(decide(request({ uri: 'tel:+441234567890', from: ownerFrom }), OWNER, snapshot()), 'HL_TARGET_FORBIDDEN');
  });
  test('unknown method', () => {
    const v = decide(request({ method: 'PUBLISH', uri: 'sip:home.arpa', from: ownerFrom }), OWNER, snapshot());
    assertRefused(v, 'HL_METHOD_FORBIDDEN');
    assert.ok(v.action === 'refuse' && v.allow?.includes('REGISTER'));
  });
  test('is never held to the visitor call limits', () => {
    const v = decide(request({ uri: 'sip:6001@home.arpa', from: ownerFrom }), OWNER, snapshot({ activeCalls: 3, visitorCallsTotal: 9, pausedTargets: new Set(['6001']) }));
    assertForwarded(v);
  });
});

describe('dialogs', () => {
  const known = inDialog();
  for (const method of ['BYE', 'INFO', 'UPDATE', 'PRACK']) {
    test(`${method} with an unknown Call-ID gets 481`, () => {
      assertRefused(visitorSays({ method, to: '<sip:owner@home.arpa>;tag=t', callId: 'someone-elses-call' }, known), 'HL_NO_DIALOG');
    });
    test(`${method} in a known dialog is forwarded`, () => {
      const v = visitorSays({ method, uri: 'sip:9q6hvi1a@df7jal23ls0d.invalid;transport=ws', to: '<sip:owner@home.arpa>;tag=t' }, known);
      assert.equal(assertForwarded(v).method, method);
      assert.equal(v.action === 'forward' && v.initialInvite, false);
    });
  }
  test('re-INVITE (To tag) with an unknown Call-ID gets 481', () => {
    assertRefused(visitorSays({ to: '<sip:owner@home.arpa>;tag=t', callId: 'guess' }, known), 'HL_NO_DIALOG');
  });
  test('CANCEL of an unknown INVITE gets 481, of a known one is forwarded', () => {
    assertRefused(visitorSays({ method: 'CANCEL', callId: 'guess' }, known), 'HL_NO_DIALOG');
    assertForwarded(decide(parseSip(fixture('cancel')) as SipRequest, VISITOR, known));
  });
  test('ACK of an unknown dialog is dropped, never answered', () => {
    const v = visitorSays({ method: 'ACK', to: '<sip:owner@home.arpa>;tag=t', callId: 'guess' }, known);
    assert.deepEqual(v, { action: 'drop', code: 'HL_NO_DIALOG' });
  });
  test('ACK from the JsSIP fixture in its dialog is forwarded, Route set and all', () => {
    const ack = parseSip(fixture('ack')) as SipRequest;
    const v = decide(ack, VISITOR, inDialog(header(ack, 'Call-ID')!, ack.uri, ['<sip:edge.home.arpa;transport=ws;lr;hl=c7f2>']));
    assert.deepEqual(headerValues(assertForwarded(v), 'Route'), ['<sip:edge.home.arpa;transport=ws;lr;hl=c7f2>']);
  });
  test('any refused ACK is dropped (spoofed From)', () => {
    const v = visitorSays({ method: 'ACK', to: '<sip:owner@home.arpa>;tag=t', from: '<sip:6000@home.arpa>;tag=1' }, known);
    assert.equal(v.action, 'drop');
  });
});

describe('limits', () => {
  test('one call at a time per visitor: 486', () => {
    assertRefused(visitorSays({ callId: 'second-call' }, snapshot({ activeCalls: 1 })), 'HL_ONE_CALL');
  });
  test('global visitor-call cap: 503 with Retry-After', () => {
    const v = visitorSays({}, snapshot({ visitorCallsTotal: 2, visitorCallsCap: 2, busyRetryAfterSeconds: 45 }));
    assertRefused(v, 'HL_LINES_BUSY');
    assert.equal(v.action === 'refuse' && v.retryAfterSeconds, 45);
  });
  test('below the cap is fine', () => {
    assertForwarded(visitorSays({}, snapshot({ visitorCallsTotal: 1, visitorCallsCap: 2 })));
  });
  test('paused target: 480', () => {
    assertRefused(visitorSays({}, snapshot({ pausedTargets: new Set(['owner']) })), 'HL_OWNER_DND');
    assertForwarded(visitorSays({ uri: 'sip:100@home.arpa' }, snapshot({ pausedTargets: new Set(['owner']) })));
  });
  test('limits apply to INVITE only: OPTIONS while busy is fine', () => {
    assertForwarded(visitorSays({ method: 'OPTIONS', uri: 'sip:home.arpa' }, snapshot({ activeCalls: 1, visitorCallsTotal: 5 })));
  });
  test('Max-Forwards 0: 483, also in a dialog', () => {
    const r = request();
    r.headers = r.headers.map((h) => (h.name === 'Max-Forwards' ? { ...h, value: '0' } : h));
    assertRefused(decide(r, VISITOR, snapshot()), 'HL_LOOP');
  });
});

describe('stamping identity headers', () => {
  const spoofs = ['X-Homeline-Role: owner', 'x-homeline-role: owner', 'X-HOMELINE-EDGE: owner-guessed', 'X-Homeline-Visitor: v-other', 'x-HomeLine-Caller: Boss'];
  test('client copies removed in any case, real ones added before Content-Length', () => {
    const out = assertForwarded(visitorSays({ extra: spoofs }));
    const identity = out.headers.filter((h) => h.name.toLowerCase().startsWith('x-homeline-'));
    assert.deepEqual(identity, [
      { name: 'X-Homeline-Role', value: 'visitor' },
      { name: 'X-Homeline-Visitor', value: 'v-Ab3dE_fG9hIk' },
      { name: 'X-Homeline-Caller', value: 'Ada%20Lovelace' },
    ]);
    assert.equal(out.headers.at(-1)!.name, 'Content-Length');
  });
  test('the stamped request serializes to a message the parser reads back the same', () => {
    const out = assertForwarded(decide(parseSip(fixture('invite')) as SipRequest, VISITOR, snapshot()));
    const again = parseSip(serializeSip(out));
    assert.deepEqual(again, out);
    assert.equal(again.body, (parseSip(fixture('invite')) as SipRequest).body);
  });
  test('the original request is left untouched', () => {
    const req = request({ extra: spoofs });
    const before = structuredClone(req);
    decide(req, VISITOR, snapshot());
    assert.deepEqual(req, before);
  });
  test('in-dialog requests are stamped too', () => {
    const out = assertForwarded(visitorSays({ method: 'BYE', to: '<sip:owner@home.arpa>;tag=t', extra: spoofs }, snapshot({ knownCallIds: new Set(['jsjoiupspgqeqk8djg33']) })));
    assert.equal(out.headers.filter((h) => /^x-homeline-role$/i.test(h.name)).length, 1);
    assert.equal(header(out, 'X-Homeline-Role'), 'visitor');
    assert.equal(header(out, 'X-Homeline-Caller'), undefined);
  });
  test('owner gets Role only, never a Visitor header', () => {
    const out = assertForwarded(decide(request({ uri: 'sip:6001@home.arpa', from: ownerFrom, extra: spoofs }), OWNER, snapshot()));
    assert.deepEqual(out.headers.filter((h) => h.name.toLowerCase().startsWith('x-homeline-')), [{ name: 'X-Homeline-Role', value: 'owner' }]);
  });
  test('a caller name with CR/LF or quotes cannot inject a header', () => {
    const out = stamp(request(), { ...VISITOR, callerName: 'Eve\r\nX-Homeline-Role: owner' });
    const caller = header(out, 'X-Homeline-Caller')!;
    assert.doesNotMatch(caller, /[\r\n :]/);
    assert.equal(decodeURIComponent(caller), 'Eve\r\nX-Homeline-Role: owner');
  });
  test('a visitor cannot assert a caller identity to the PBX', () => {
    const out = assertForwarded(visitorSays({ extra: ['P-Asserted-Identity: <sip:6001@home.arpa>', 'p-preferred-identity: <sip:6001@home.arpa>', 'Remote-Party-ID: <sip:6001@home.arpa>;party=calling'] }));
    assert.equal(out.headers.some((h) => /identity|remote-party/i.test(h.name)), false);
  });
});

describe('in-dialog requests are re-targeted, not trusted (issue 10)', () => {
  const learned = 'sip:9q6hvi1a@df7jal23ls0d.invalid;transport=ws';
  const routeSet = ['<sip:edge.invalid;transport=ws;lr>'];
  const evilUris = {
    'trunk number, user=phone, maddr': 'sip:+441234567890@203.0.113.9;user=phone;maddr=203.0.113.9',
    'tel: URI': 'tel:+441234567890',
    'another host': 'sip:owner@evil.example',
    'our domain with maddr': 'sip:owner@home.arpa;maddr=203.0.113.9',
  };
  for (const method of ['INVITE', 'INFO', 'UPDATE', 'OPTIONS', 'ACK', 'BYE', 'PRACK']) {
    for (const [what, uri] of Object.entries(evilUris)) {
      test(`${method} to ${what} with Route elsewhere: sent to the learned target via the learned route set`, () => {
        const v = decide(request({ method, uri, to: '<sip:owner@home.arpa>;tag=t', extra: ['Route: <sip:203.0.113.9;lr>'] }), VISITOR, inDialog(undefined, learned, routeSet));
        const out = assertForwarded(v);
        assert.equal(out.uri, learned);
        assert.deepEqual(headerValues(out, 'Route'), routeSet);
        assert.doesNotMatch(serializeSip(out), /203\.0\.113\.9|\+44|tel:/);
      });
      test(`${method} to ${what} before a target is learned: refused, never relayed`, () => {
        const snap = snapshot({ knownCallIds: new Set(['jsjoiupspgqeqk8djg33']), dialogs: new Map([['jsjoiupspgqeqk8djg33', { routeSet: [] }]]) });
        const v = decide(request({ method, uri, to: '<sip:owner@home.arpa>;tag=t' }), VISITOR, snap);
        assert.notEqual(v.action, 'forward');
        assert.equal((v as { code: string }).code, 'HL_TARGET_FORBIDDEN');
      });
    }
  }
  test('the owner is re-targeted the same way', () => {
    const bye = request({ method: 'BYE', uri: 'sip:+441234567890@203.0.113.9;user=phone', from: '<sip:owner@home.arpa>;tag=8f2c', to: '<sip:v-x@home.arpa>;tag=i14', extra: ['Route: <sip:203.0.113.9;lr>'] });
    const out = assertForwarded(decide(bye, OWNER, inDialog(undefined, learned, [])));
    assert.equal(out.uri, learned);
    assert.deepEqual(headerValues(out, 'Route'), []);
  });
  test('no learned target yet and a Route: refused (nothing to check it against)', () => {
    const snap = snapshot({ knownCallIds: new Set(['jsjoiupspgqeqk8djg33']) });
    assertRefused(visitorSays({ method: 'PRACK', to: '<sip:owner@home.arpa>;tag=t', extra: ['Route: <sip:203.0.113.9;lr>'] }, snap), 'HL_ROUTE_FORBIDDEN');
  });
  test('CANCEL keeps its INVITE\'s Request-URI and gets the initial checks', () => {
    const known = inDialog(undefined, learned, routeSet);
    assert.equal(assertForwarded(visitorSays({ method: 'CANCEL' }, known)).uri, 'sip:owner@home.arpa');
    assertRefused(visitorSays({ method: 'CANCEL', uri: 'sip:+441234567890@home.arpa;user=phone' }, known), 'HL_TARGET_FORBIDDEN');
  });
  test('ACK for a failed INVITE (no dialog learned) goes to the INVITE\'s checked target', () => {
    const snap = snapshot({ knownCallIds: new Set(['jsjoiupspgqeqk8djg33']) });
    assert.equal(assertForwarded(visitorSays({ method: 'ACK', to: '<sip:owner@home.arpa>;tag=t' }, snap)).uri, 'sip:owner@home.arpa');
    assert.equal(visitorSays({ method: 'ACK', uri: 'sip:owner@evil.example', to: '<sip:owner@home.arpa>;tag=t' }, snap).action, 'drop');
  });
  test('owner REGISTER with maddr in the Request-URI is refused', () => {
    const reg = request({ method: 'REGISTER', uri: 'sip:home.arpa;maddr=203.0.113.9', to: '<sip:6000@home.arpa>', from: ownerFrom });
    assertRefused(decide(reg, OWNER, snapshot()), 'HL_TARGET_FORBIDDEN');
  });
});

describe('Contact: the remote target the client hands the PBX', () => {
  const bad = {
    'maddr': '<sip:me@a.invalid;transport=ws;maddr=203.0.113.9>',
    'user=phone': '<sip:+441234567890@a.invalid;user=phone>',
    'a real host': '<sip:me@203.0.113.9;transport=ws>',
    'a real name': '<sip:me@evil.example;transport=ws>',
  };
  for (const [what, contact] of Object.entries(bad)) {
    test(`${what}: 403 for a visitor INVITE and an owner REGISTER`, () => {
      assertRefused(visitorSays({ extra: [`Contact: ${contact}`] }), 'HL_TARGET_FORBIDDEN');
      const reg = request({ method: 'REGISTER', uri: 'sip:home.arpa', to: '<sip:6000@home.arpa>', from: ownerFrom, extra: [`Contact: ${contact};expires=600`] });
      assertRefused(decide(reg, OWNER, snapshot()), 'HL_TARGET_FORBIDDEN');
    });
  }
  test('JsSIP\'s own Contacts pass (;transport=ws;ob, GRUU ;gr, REGISTER header params)', () => {
    assertForwarded(visitorSays({ extra: ['Contact: <sip:9q6hvi1a@hlq6cb2nha5q.invalid;transport=ws;ob>'] }));
    assertForwarded(visitorSays({ extra: ['Contact: <sip:9q6hvi1a@hlq6cb2nha5q.invalid;transport=ws;gr=urn:uuid:1>'] }));
    assertForwarded(decide(parseSip(fixture('register')) as SipRequest, OWNER, snapshot()));
  });
});

describe('From and To of out-of-dialog requests carry nothing a PBX could misread', () => {
  test('From with URI parameters (;maddr, ;user=phone) or a port: 403', () => {
    for (const from of ['<sip:v-Ab3dE_fG9hIk@home.arpa;maddr=203.0.113.9>;tag=1', '<sip:v-Ab3dE_fG9hIk@home.arpa;user=phone>;tag=1', '<sip:v-Ab3dE_fG9hIk@home.arpa:5060>;tag=1']) {
      assertRefused(visitorSays({ from }), 'HL_FROM_FORBIDDEN');
    }
  });
  test('To that is tel:, another host, has parameters or escapes: 403', () => {
    for (const to of ['<tel:+441234567890>', '<sip:owner@evil.example>', '<sip:owner@home.arpa;maddr=203.0.113.9>', '<sip:%6fwner@home.arpa>']) {
      assertRefused(visitorSays({ to }), 'HL_TARGET_FORBIDDEN');
      assertRefused(decide(request({ uri: 'sip:6001@home.arpa', from: ownerFrom, to }), OWNER, snapshot()), 'HL_TARGET_FORBIDDEN');
    }
  });
  test('inside a dialog the To is the upstream\'s own choice and is left alone', () => {
    const bye = request({ method: 'BYE', uri: 'sip:9q6hvi1a@hlq6cb2nha5q.invalid', from: '<sip:owner@home.arpa>;tag=8f2c', to: '<sip:v-x@127.0.0.1:5060>;tag=i14' });
    assertForwarded(decide(bye, OWNER, inDialog(undefined, 'sip:9q6hvi1a@hlq6cb2nha5q.invalid', [])));
  });
});
