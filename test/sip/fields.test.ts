// Every field the edge relies on or relays is fully parsed; one it cannot parse makes the whole
// message a 400 (HL_MALFORMED), so no other stack ever reads it its own way.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseSip } from '../../server/sip/message.ts';
import { parseNameAddr } from '../../server/sip/uri.ts';
import { sip } from './helpers/fixtures.ts';

function msg(over: Record<string, string> = {}, extra: string[] = [], start = 'OPTIONS sip:owner@home.arpa SIP/2.0'): string {
  const h: Record<string, string> = {
    Via: 'SIP/2.0/WSS hlq6cb2nha5q.invalid;branch=z9hG4bK1386540',
    'Max-Forwards': '70',
    To: '<sip:owner@home.arpa>',
    From: '<sip:6000@home.arpa>;tag=i1490h6pcl',
    'Call-ID': 'fields-1',
    CSeq: `1 ${start.split(' ')[0]}`,
    ...over,
  };
  return sip([start, ...Object.entries(h).map(([k, v]) => `${k}: ${v}`), ...extra]);
}
const refused = (text: string, why: RegExp) => assert.throws(() => parseSip(text), { code: 'HL_MALFORMED', message: why });
const parses = (text: string) => assert.doesNotThrow(() => parseSip(text));

describe('name-addr values that reached the owner tab verbatim are now 400s', () => {
  test('unbalanced quote in To', () => refused(msg({ To: '"Mr. J. User <sip:owner@home.arpa>' }), /malformed To/));
  test('addr-spec with spaces inside <…>', () => refused(msg({ To: '"Watson, Thomas" < sip:owner@home.arpa >' }), /malformed To/));
  test('unquoted display name with a comma', () => refused(msg({ From: 'Bell, Alexander <sip:6000@home.arpa>;tag=43' }), /malformed From/));
  test('the same name quoted is fine', () => parses(msg({ From: '"Bell, Alexander" <sip:6000@home.arpa>;tag=43' })));
  test('unquoted multi-token display name is fine', () => parses(msg({ From: 'Alexander  Bell <sip:6000@home.arpa>;tag=43' })));
  test('a parameter value that is neither token, host nor quoted-string', () => refused(msg({ From: '<sip:6000@home.arpa>;tag=a b' }), /malformed From/));
  test('an addr-spec with a ? must be in <…>', () => refused(msg({ To: 'sip:owner@home.arpa?x=y' }), /malformed To/));
  test('a quoted display name must be followed by <…>', () => assert.equal(parseNameAddr('"x" sip:a@b'), undefined));
});

describe('URI headers (?) are refused wherever the edge relays a URI', () => {
  test('owner REGISTER Contact smuggling a Route', () => refused(msg(
    { To: '<sip:6000@home.arpa>', CSeq: '1 REGISTER' },
    ['Contact: <sip:6000@example.com?Route=%3Csip:evil.example%3Blr%3E>;expires=600'],
    'REGISTER sip:home.arpa SIP/2.0',
  ), /URI headers \(\?\) not allowed in Contact/));
  test('Request-URI', () => refused(msg({}, [], 'OPTIONS sip:owner@home.arpa?Route=%3Csip:evil.example%3E SIP/2.0'), /URI headers/));
  test('From', () => refused(msg({ From: '<sip:6000@home.arpa?Subject=x>;tag=1' }), /URI headers \(\?\) not allowed in From/));
  test('Route', () => refused(msg({}, ['Route: <sip:edge.invalid;lr?X=y>']), /URI headers \(\?\) not allowed in Route/));
  test('Record-Route', () => refused(msg({}, ['Record-Route: <sip:edge.invalid;lr?X=y>']), /Record-Route/));
});

describe('other relayed fields', () => {
  test('Via: LWS around the slashes and folded parameters (RFC 4475 wsinv) is fine', () => parses(msg({ Via: 'SIP  /   2.0 /UDP 192.0.2.2 ; branch  =   z9hG4bK30239' })));
  test('Via: no sent-by', () => refused(msg({ Via: 'SIP/2.0/WSS ;branch=z9hG4bK1' }), /malformed Via/));
  test('Via: other version', () => refused(msg({ Via: 'SIP/3.0/WSS a.invalid;branch=z9hG4bK1' }), /malformed Via/));
  test('Via: port out of range', () => refused(msg({ Via: 'SIP/2.0/WSS a.invalid:70000;branch=z9hG4bK1' }), /Via port/));
  test('Contact: not sip:', () => refused(msg({}, ['Contact: <tel:+441234>']), /Contact must be a sip/));
  test('Contact: expires over 2^32-1', () => refused(msg({}, ['Contact: <sip:a@b.invalid>;expires=280297596632815']), /Contact expires/));
  test('Contact: q out of range', () => refused(msg({}, ['Contact: <sip:a@b.invalid>;q=1.5']), /Contact q/));
  test('Contact: * outside a REGISTER', () => refused(msg({}, ['Contact: *']), /Contact \*/));
  test('Route must be a name-addr in <…>', () => refused(msg({}, ['Route: sip:edge.invalid;lr']), /malformed Route/));
  test('Max-Forwards: 300 is refused', () => refused(msg({ 'Max-Forwards': '300' }), /Max-Forwards over 255/));
  test('Max-Forwards: leading zeros are fine (RFC 4475 wsinv)', () => parses(msg({ 'Max-Forwards': '0068' })));
  test('Expires: 10000000000000 is refused', () => refused(msg({}, ['Expires: 10000000000000']), /Expires must be/));
  test('Expires: 4294967295 is the largest accepted', () => {
    parses(msg({}, ['Expires: 4294967295']));
    refused(msg({}, ['Expires: 4294967296']), /Expires/);
  });
});
