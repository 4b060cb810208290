import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseSip, serializeSip, header, headerValues, splitList, setHeader, removeHeaders, parseCSeq, canonicalName, cloneMessage, type SipRequest, type SipResponse } from '../../server/sip/message.ts';
import { SipParseError } from '../../server/errors.ts';
import { fixture, sip } from './helpers/fixtures.ts';

const FIXTURES = ['register', 'invite', 'ack', 'bye', 'cancel', 'options', 'message', 'ok-invite', 'ringing-via-proxy', 'unauthorized-register'];

const BASE = [
  'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK776',
  'Max-Forwards: 69',
  'To: <sip:owner@home.arpa>',
  'From: <sip:v-Ab3dE_fG9hIk@home.arpa>;tag=f1',
  'Call-ID: c1',
  'CSeq: 1 OPTIONS',
];
const options = (extra: string[] = [], body = '') => sip(['OPTIONS sip:home.arpa SIP/2.0', ...BASE, ...extra], body);

function refuses(text: string, why: RegExp): void {
  assert.throws(() => parseSip(text), (err: unknown) => {
    assert.ok(err instanceof SipParseError, `expected SipParseError, got ${err}`);
    assert.equal(err.code, 'HL_MALFORMED');
    assert.match(err.message, why);
    return true;
  });
}

describe('JsSIP-shaped messages', () => {
  for (const name of FIXTURES) {
    test(`${name} parses and round-trips`, () => {
      const text = fixture(name);
      const msg = parseSip(text);
      const again = parseSip(serializeSip(msg));
      assert.deepEqual(again, msg);
    });
  }

  test('REGISTER: request line, Contact with quoted <urn> parameter, Expires', () => {
    const msg = parseSip(fixture('register')) as SipRequest;
    assert.equal(msg.kind, 'request');
    assert.equal(msg.method, 'REGISTER');
    assert.equal(msg.uri, 'sip:home.arpa');
    assert.equal(header(msg, 'Expires'), '600');
    const contacts = headerValues(msg, 'Contact');
    assert.equal(contacts.length, 1);
    assert.match(contacts[0], /\+sip\.instance="<urn:uuid:[0-9a-f-]+>";expires=600$/);
    assert.deepEqual(headerValues(msg, 'Supported'), ['path', 'gruu', 'outbound']);
    assert.equal(msg.body, '');
  });

  test('INVITE keeps the SDP body byte for byte', () => {
    const text = fixture('invite');
    const msg = parseSip(text) as SipRequest;
    assert.equal(msg.method, 'INVITE');
    assert.equal(header(msg, 'Content-Type'), 'application/sdp');
    assert.ok(msg.body.startsWith('v=0\r\no=- '));
    assert.ok(msg.body.endsWith('cname:Qd4uTZ3tZ1Q0Yx6B\r\n'));
    assert.equal(Number(header(msg, 'Content-Length')), Buffer.byteLength(msg.body));
    assert.equal(serializeSip(msg), text);
  });

  test('ACK and BYE carry the Route set of the dialog', () => {
    for (const name of ['ack', 'bye']) {
      const msg = parseSip(fixture(name)) as SipRequest;
      assert.deepEqual(headerValues(msg, 'Route'), ['<sip:edge.home.arpa;transport=ws;lr;hl=c7f2>']);
      assert.equal(parseCSeq(header(msg, 'CSeq')!)?.method, name.toUpperCase());
    }
  });

  test('MESSAGE body with multi-byte UTF-8 is counted in bytes', () => {
    const msg = parseSip(fixture('message'));
    assert.equal(msg.body, 'hello, are you there? ünïcødé');
    assert.equal(header(msg, 'Content-Length'), '33');
    assert.notEqual(msg.body.length, 33);
  });

  test('response through a proxy: every Via in order, comma-joined ones split', () => {
    const msg = parseSip(fixture('ringing-via-proxy')) as SipResponse;
    assert.equal(msg.kind, 'response');
    assert.equal(msg.status, 180);
    assert.equal(msg.reason, 'Ringing');
    assert.deepEqual(headerValues(msg, 'Via'), [
      'SIP/2.0/WSS edge.home.arpa;branch=z9hG4bK-edge-7c1f;rport=8080;received=127.0.0.1',
      'SIP/2.0/WSS hlq6cb2nha5q.invalid;branch=z9hG4bK1386540',
      'SIP/2.0/TCP 10.0.0.5:5060;branch=z9hG4bK-x;received=10.0.0.5',
    ]);
    assert.deepEqual(headerValues(msg, 'Record-Route'), ['<sip:127.0.0.1:8088;transport=ws;lr>', '<sip:edge.home.arpa;transport=ws;lr;hl=c7f2>']);
    assert.deepEqual(headerValues(msg, 'Contact'), ['"Home, front desk" <sip:owner@127.0.0.1:8088;transport=ws>']);
    assert.equal(headerValues(msg, 'Allow').length, 11);
  });

  test('folded WWW-Authenticate is joined, and its commas are not split', () => {
    const msg = parseSip(fixture('unauthorized-register'));
    const auth = headerValues(msg, 'WWW-Authenticate');
    assert.equal(auth.length, 1);
    assert.equal(auth[0], 'Digest realm="asterisk",nonce="1718028323/6b5c4a8d2e1f", opaque="3f0c1a2b4d5e6f70",algorithm=MD5,qop="auth"');
    assert.equal(header(msg, 'Content-Length'), '0');
  });
});

describe('compact and case-insensitive header names', () => {
  const compact = sip([
    'INVITE sip:owner@home.arpa SIP/2.0',
    'v: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1',
    'f: "Ada" <sip:v-Ab3dE_fG9hIk@home.arpa>;tag=a',
    't: <sip:owner@home.arpa>',
    'i: compact-1',
    'CSEQ: 7 INVITE',
    'm: <sip:x@abc.invalid;transport=ws>',
    'c: application/sdp',
    'k: ice, replaces',
    'max-forwards: 70',
    'l: 4',
  ], 'v=0\n');

  test('compact forms map to canonical names', () => {
    const msg = parseSip(compact);
    assert.deepEqual(msg.headers.map((h) => h.name), ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Content-Type', 'Supported', 'Max-Forwards', 'Content-Length']);
    assert.equal(header(msg, 'Call-ID'), 'compact-1');
    assert.deepEqual(headerValues(msg, 'Supported'), ['ice', 'replaces']);
  });

  test('serialized with long names, re-parsed equal', () => {
    const msg = parseSip(compact);
    const text = serializeSip(msg);
    assert.match(text, /\r\nCall-ID: compact-1\r\n/);
    assert.doesNotMatch(text, /\r\n[a-z]: /);
    assert.deepEqual(parseSip(text), msg);
  });

  test('a compact and a long copy of From count as two From headers', () => {
    refuses(options(['f: <sip:other@home.arpa>;tag=2']), /more than one From/);
  });

  test('whitespace before the colon is allowed (RFC 3261 HCOLON)', () => {
    const msg = parseSip(options(['Subject  : hi']));
    assert.equal(header(msg, 'Subject'), 'hi');
  });
});

describe('splitList', () => {
  test('commas inside quotes and <...> are not separators', () => {
    assert.deepEqual(splitList('"Doe, John" <sip:a@b>;q=0.5, <sip:c@d;x=1,2>, sip:e@f'), ['"Doe, John" <sip:a@b>;q=0.5', '<sip:c@d;x=1,2>', 'sip:e@f']);
  });
  test('escaped quote inside a quoted string does not end it', () => {
    assert.deepEqual(splitList('"a \\", b" <sip:a@b>, <sip:c@d>'), ['"a \\", b" <sip:a@b>', '<sip:c@d>']);
  });
  test('surrounding whitespace trimmed, empty list is empty', () => {
    assert.deepEqual(splitList('  INVITE ,ACK,  BYE  '), ['INVITE', 'ACK', 'BYE']);
    assert.deepEqual(splitList(''), []);
  });
  test('empty elements are kept as empty strings, so the parser can refuse them', () => {
    assert.deepEqual(splitList('a,,b'), ['a', '', 'b']);
    assert.deepEqual(splitList('a,'), ['a', '']);
    assert.deepEqual(splitList(',a'), ['', 'a']);
  });
  test('several Route header lines and comma lists give one flat ordered list', () => {
    const msg = parseSip(options(['Route: <sip:p1;lr>, <sip:p2;lr>', 'Route: <sip:p3;lr>']));
    assert.deepEqual(headerValues(msg, 'Route'), ['<sip:p1;lr>', '<sip:p2;lr>', '<sip:p3;lr>']);
  });
  test('a non-list header is never split', () => {
    const msg = parseSip(options(['Subject: lunch, maybe']));
    assert.deepEqual(headerValues(msg, 'Subject'), ['lunch, maybe']);
  });
});

describe('folding', () => {
  test('continuation lines (space or tab) join with one space', () => {
    const msg = parseSip(options(['Subject: a', '   b', '\tc']));
    assert.equal(header(msg, 'Subject'), 'a b c');
  });
  test('a continuation line before any header is refused', () => {
    refuses(`OPTIONS sip:home.arpa SIP/2.0\r\n folded\r\n${BASE.join('\r\n')}\r\n\r\n`, /continuation line before any header/);
  });
});

describe('header injection and control characters', () => {
  test('bare LF inside a value (smuggling a second header)', () => {
    refuses(options(['Subject: hi\nX-Homeline-Role: owner']), /bare CR or LF/);
  });
  test('bare CR inside a value', () => {
    refuses(options(['Subject: hi\rX-Homeline-Role: owner']), /bare CR or LF/);
  });
  test('NUL anywhere, header or body', () => {
    refuses(options(['Subject: a\0b']), /NUL/);
    refuses(options(['Content-Type: text/plain'], 'ab\0'), /NUL/);
  });
  test('other control characters in a header line', () => {
    refuses(options(['Subject: a\x1bb']), /control character/);
    refuses(options(['Subject: a\x7fb']), /control character/);
  });
  test('a tab inside a value is fine', () => {
    assert.equal(header(parseSip(options(['Subject: a\tb'])), 'Subject'), 'a\tb');
  });
  test('bare LF in the request line', () => {
    refuses(`OPTIONS sip:home.arpa\nSIP/2.0\r\n${BASE.join('\r\n')}\r\n\r\n`, /bare CR or LF/);
  });
  test('a header name that is not a token', () => {
    refuses(options(['X Bad: 1']), /malformed header name/);
    refuses(options(['Sübject: 1']), /malformed header name/);
    refuses(options([': novalue']), /without a name/);
    refuses(options(['NoColonHere']), /without a name/);
  });
  test('an empty line inside the headers cannot happen (it ends them), so the rest becomes a body', () => {
    // Without a Content-Length the "body" would be smuggled headers; with one it fails framing.
    refuses(`OPTIONS sip:home.arpa SIP/2.0\r\n${BASE.join('\r\n')}\r\nContent-Length: 0\r\n\r\nX-Homeline-Role: owner\r\n\r\n`, /Content-Length 0 does not match/);
  });
});

describe('truncated and oversized', () => {
  test('no CRLF CRLF at the end of the headers', () => {
    refuses(options().slice(0, -4), /no empty line/);
    refuses(options().replaceAll('\r\n', '\n'), /no empty line/);
    refuses('', /no empty line/);
  });
  test('truncated body (Content-Length says more)', () => {
    const text = fixture('invite');
    refuses(text.slice(0, -20), /Content-Length 894 does not match the body \(874 bytes\)/);
  });
  test('too many headers', () => {
    const many = Array.from({ length: 100 }, (_, i) => `X-H${i}: ${i}`);
    refuses(options(many), /too many headers/);
    assert.ok(parseSip(options(many.slice(0, 90))));
  });
  test('one huge header line', () => {
    refuses(options([`Subject: ${'a'.repeat(9000)}`]), /header line too long/);
  });
});

describe('Content-Length', () => {
  test('too short', () => {
    refuses(options(['Content-Type: text/plain', 'Content-Length: 2'], 'hello'), /Content-Length 2 does not match/);
  });
  test('too long', () => {
    refuses(options(['Content-Type: text/plain', 'Content-Length: 50'], 'hello'), /Content-Length 50 does not match/);
  });
  test('non-numeric, negative, signed, huge', () => {
    for (const v of ['abc', '-1', '+5', '5 5', '0x5', '12345678', '']) {
      refuses(options(['Content-Type: text/plain', `Content-Length: ${v}`], 'hello'), /Content-Length/);
    }
  });
  test('multi-byte UTF-8 counted in bytes, not characters', () => {
    const body = 'héllo ☎';
    assert.equal(body.length, 7);
    assert.ok(parseSip(options(['Content-Type: text/plain', 'Content-Length: 10'], body)));
    refuses(options(['Content-Type: text/plain', 'Content-Length: 7'], body), /does not match/);
  });
  test('two Content-Length headers', () => {
    refuses(options(['Content-Type: text/plain', 'Content-Length: 5', 'l: 5'], 'hello'), /more than one Content-Length/);
  });
  test('absent Content-Length is accepted (one message per WebSocket frame, RFC 7118)', () => {
    const msg = parseSip(`OPTIONS sip:home.arpa SIP/2.0\r\n${BASE.join('\r\n')}\r\nContent-Type: text/plain\r\n\r\nhi`);
    assert.equal(msg.body, 'hi');
  });
  test('a body needs a Content-Type', () => {
    refuses(options([], 'hello'), /body without Content-Type/);
  });
});

describe('required and single headers', () => {
  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) {
    test(`missing ${name}`, () => {
      const lines = BASE.filter((l) => !l.startsWith(`${name}:`));
      refuses(sip(['OPTIONS sip:home.arpa SIP/2.0', ...lines]), new RegExp(`missing ${name}`));
    });
  }
  for (const [name, line] of [['From', 'From: <sip:x@home.arpa>;tag=2'], ['To', 'To: <sip:x@home.arpa>'], ['Call-ID', 'Call-ID: c2'], ['CSeq', 'CSeq: 2 OPTIONS'], ['Max-Forwards', 'Max-Forwards: 5']]) {
    test(`duplicate ${name}`, () => refuses(options([line]), new RegExp(`more than one ${name}`)));
  }
  test('an empty Via, From, To or Call-ID is refused', () => {
    for (const name of ['Via', 'From', 'To']) {
      const lines = BASE.map((l) => (l.startsWith(`${name}:`) ? `${name}:` : l));
      refuses(sip(['OPTIONS sip:home.arpa SIP/2.0', ...lines]), new RegExp(`empty ${name}|malformed`));
    }
    refuses(sip(['OPTIONS sip:home.arpa SIP/2.0', ...BASE.map((l) => (l.startsWith('Call-ID:') ? 'Call-ID:' : l))]), /Call-ID/);
  });
  test('an empty element in a Via or Route list is refused', () => {
    refuses(options(['Route: <sip:p1;lr>,,<sip:p2;lr>']), /empty Route/);
    refuses(options(['Route:']), /empty Route/);
    refuses(sip(['OPTIONS sip:home.arpa SIP/2.0', ...BASE.map((l) => (l.startsWith('Via:') ? `${l},` : l))]), /empty Via/);
  });
});

describe('CSeq, Call-ID, Max-Forwards', () => {
  test('CSeq method must match the request method', () => {
    refuses(sip(['INVITE sip:owner@home.arpa SIP/2.0', ...BASE]), /CSeq method does not match/);
  });
  test('a response may carry any CSeq method', () => {
    const msg = parseSip(sip(['SIP/2.0 200 OK', ...BASE]));
    assert.equal(msg.kind, 'response');
  });
  test('malformed CSeq', () => {
    for (const v of ['OPTIONS', '1', 'x OPTIONS', '1 options', '-1 OPTIONS', '99999999999 OPTIONS', '2147483648 OPTIONS']) {
      refuses(sip(['OPTIONS sip:home.arpa SIP/2.0', ...BASE.map((l) => (l.startsWith('CSeq:') ? `CSeq: ${v}` : l))]), /CSeq/);
    }
  });
  test('Call-ID with spaces or over 256 chars', () => {
    for (const v of ['a b', 'x'.repeat(257)]) {
      refuses(sip(['OPTIONS sip:home.arpa SIP/2.0', ...BASE.map((l) => (l.startsWith('Call-ID:') ? `Call-ID: ${v}` : l))]), /malformed Call-ID/);
    }
  });
  test('Max-Forwards must be a small number', () => {
    for (const v of ['abc', '-1', '1000']) {
      refuses(sip(['OPTIONS sip:home.arpa SIP/2.0', ...BASE.map((l) => (l.startsWith('Max-Forwards:') ? `Max-Forwards: ${v}` : l))]), /Max-Forwards/);
    }
  });
});

describe('start lines', () => {
  const withStart = (start: string) => sip([start, ...BASE]);
  test('bad request lines', () => {
    for (const start of [
      'OPTIONS sip:home.arpa',
      'OPTIONS  sip:home.arpa SIP/2.0',
      'OPTIONS sip:home.arpa SIP/2.0 extra',
      ' OPTIONS sip:home.arpa SIP/2.0',
      'options sip:home.arpa SIP/2.0',
      'OPTIONS <sip:home.arpa> SIP/2.0',
      'OPTIONS home.arpa SIP/2.0',
      'OPT"IONS sip:home.arpa SIP/2.0',
    ]) refuses(withStart(start), /request line|method|Request-URI/);
  });
  test('bad SIP versions', () => {
    for (const v of ['SIP/1.0', 'SIP/3.0', 'HTTP/1.1', 'SIP/2.00', 'SIP/2']) refuses(withStart(`OPTIONS sip:home.arpa ${v}`), /unsupported SIP version/);
  });
  test('bad status lines', () => {
    for (const start of ['SIP/2.0 200', 'SIP/2.0 99 Odd', 'SIP/2.0 700 Huh', 'SIP/2.0 2000 OK', 'SIP/3.0 200 OK', 'SIP/2.0  200 OK']) {
      refuses(withStart(start), /status line/);
    }
  });
  test('an HTTP request sent to the SIP socket', () => {
    refuses('GET / HTTP/1.1\r\nHost: x\r\n\r\n', /unsupported SIP version|missing/);
  });
  test('an empty reason phrase is allowed', () => {
    const msg = parseSip(withStart('SIP/2.0 200 ')) as SipResponse;
    assert.equal(msg.reason, '');
  });
});

describe('editing helpers', () => {
  test('setHeader replaces every copy with one, in place of the first', () => {
    const msg = parseSip(options(['Subject: a', 'Subject: b']));
    setHeader(msg, 'Subject', 'c');
    assert.deepEqual(headerValues(msg, 'Subject'), ['c']);
    setHeader(msg, 'Priority', 'urgent');
    assert.equal(header(msg, 'Priority'), 'urgent');
  });
  test('removeHeaders counts what it removed', () => {
    const msg = parseSip(options(['X-A: 1', 'x-a: 2']));
    assert.equal(removeHeaders(msg, (n) => n.toLowerCase() === 'x-a'), 2);
  });
  test('serializeSip rewrites a stale Content-Length from the body', () => {
    const msg = parseSip(fixture('message'));
    msg.body = 'ünï';
    const again = parseSip(serializeSip(msg));
    assert.equal(header(again, 'Content-Length'), '5');
  });
});

describe('names, CSeq and clones', () => {
  test('canonicalName: compact, any case, unknown names kept as written', () => {
    assert.equal(canonicalName('v'), 'Via');
    assert.equal(canonicalName('V'), 'Via');
    assert.equal(canonicalName('cAlL-iD'), 'Call-ID');
    assert.equal(canonicalName('x-homeline-role'), 'x-homeline-role');
  });
  test('parseCSeq bounds', () => {
    assert.deepEqual(parseCSeq('0 INVITE'), { seq: 0, method: 'INVITE' });
    assert.deepEqual(parseCSeq('2147483647 BYE'), { seq: 2147483647, method: 'BYE' });
    assert.equal(parseCSeq('2147483648 BYE'), undefined);
    assert.deepEqual(parseCSeq('1\tACK'), { seq: 1, method: 'ACK' });
  });
  test('cloneMessage: editing the clone leaves the original alone', () => {
    const msg = parseSip(fixture('invite'));
    const copy = cloneMessage(msg);
    setHeader(copy, 'Max-Forwards', '68');
    copy.headers[0].value = 'changed';
    assert.equal(header(msg, 'Max-Forwards'), '69');
    assert.notEqual(msg.headers[0].value, 'changed');
  });
});
