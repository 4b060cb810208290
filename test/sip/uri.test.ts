import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseSipUri, parseNameAddr, tagOf } from '../../server/sip/uri.ts';

describe('parseSipUri', () => {
  test('user, host, port, params', () => {
    const u = parseSipUri('sip:6001@Home.ARPA:5061;transport=ws;lr')!;
    assert.equal(u.scheme, 'sip');
    assert.equal(u.user, '6001');
    assert.equal(u.host, 'home.arpa');
    assert.equal(u.port, 5061);
    assert.deepEqual([...u.params], [['transport', 'ws'], ['lr', '']]);
    assert.equal(u.headers, undefined);
  });
  test('sips, scheme case-insensitive', () => {
    assert.equal(parseSipUri('SIPS:owner@home.arpa')!.scheme, 'sips');
  });
  test('no user part', () => {
    const u = parseSipUri('sip:home.arpa')!;
    assert.equal(u.user, undefined);
    assert.equal(u.host, 'home.arpa');
  });
  test('JsSIP contact with a random .invalid host', () => {
    const u = parseSipUri('sip:9q6hvi1a@hlq6cb2nha5q.invalid;transport=ws;ob')!;
    assert.equal(u.user, '9q6hvi1a');
    assert.ok(u.params.has('ob'));
  });
  test('IPv6 host', () => {
    const u = parseSipUri('sip:6001@[2001:db8::1]:5060')!;
    assert.equal(u.host, '[2001:db8::1]');
    assert.equal(u.port, 5060);
  });
  test('the password part is dropped, never used as user', () => {
    assert.equal(parseSipUri('sip:6001:secret@home.arpa')!.user, '6001');
  });
  test('escaped user kept as written (still encoded)', () => {
    assert.equal(parseSipUri('sip:%36%30%30%31@home.arpa')!.user, '%36%30%30%31');
  });
  test('?headers are separated out', () => {
    const u = parseSipUri('sip:owner@home.arpa?Route=%3Csip:evil.example%3E')!;
    assert.equal(u.host, 'home.arpa');
    assert.equal(u.headers, 'Route=%3Csip:evil.example%3E');
  });
  test('a semicolon in the user part is the user\'s, not a URI parameter', () => {
    const u = parseSipUri('sip:6001;phone-context=+44@home.arpa')!;
    assert.equal(u.user, '6001;phone-context=+44');
    assert.equal(u.params.size, 0);
  });
  test('an @ smuggled into a parameter does not move the host', () => {
    assert.equal(parseSipUri('sip:owner@home.arpa;maddr=evil@example.com'), undefined);
    assert.equal(parseSipUri('sip:owner@evil.example;x=a@home.arpa'), undefined);
  });
  for (const bad of [
    'tel:+441234567890', 'sip:', 'sip:@home.arpa', 'sip:owner@', 'sip:owner@home.arpa:0', 'sip:owner@home.arpa:65536',
    'sip:owner@home.arpa:port', 'sip:owner@home arpa', 'sip:own er@home.arpa', 'sip:owner@-home.arpa', 'sip:owner@home.arpa;',
    'sip:owner@home.arpa;lr;lr', 'sip:owner@home.arpa;;lr', 'sip:<owner>@home.arpa', 'http://home.arpa/', 'sip:owner@home.arpa;a b=1',
    'sip:owner@[::1', 'sip:owner@home_arpa',
  ]) {
    test(`refuses ${JSON.stringify(bad)}`, () => assert.equal(parseSipUri(bad), undefined));
  }
});

describe('parseNameAddr', () => {
  test('quoted display name with escapes and comma', () => {
    const n = parseNameAddr('"Doe, \\"JD\\" John" <sip:v-1@home.arpa>;tag=abc')!;
    assert.equal(n.display, 'Doe, "JD" John');
    assert.equal(n.uri, 'sip:v-1@home.arpa');
    assert.equal(n.params.get('tag'), 'abc');
  });
  test('unquoted display name', () => {
    const n = parseNameAddr('Ada Lovelace <sip:v-1@home.arpa>')!;
    assert.equal(n.display, 'Ada Lovelace');
  });
  test('bracketed URI params stay in the URI, header params after >', () => {
    const n = parseNameAddr('<sip:x@abc.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:37d5266b-dd3a-4c77-b504-72e452162474>";expires=600')!;
    assert.equal(n.uri, 'sip:x@abc.invalid;transport=ws');
    assert.equal(n.params.get('expires'), '600');
    assert.equal(n.params.get('+sip.instance'), '"<urn:uuid:37d5266b-dd3a-4c77-b504-72e452162474>"');
    assert.equal(n.params.get('+sip.ice'), '');
  });
  test('bare addr-spec: params belong to the header (RFC 3261 §20.10)', () => {
    const n = parseNameAddr('sip:v-1@home.arpa;tag=xyz')!;
    assert.equal(n.uri, 'sip:v-1@home.arpa');
    assert.equal(n.params.get('tag'), 'xyz');
  });
  test('parameter names are case-insensitive', () => {
    assert.equal(parseNameAddr('<sip:a@b>;TAG=Q1')!.params.get('tag'), 'Q1');
  });
  for (const bad of [
    '', '"unterminated <sip:a@b>', '<sip:a@b', '"Name" sip:a@b', '"A" junk <sip:a@b>', '<sip:a@b> junk;tag=1',
    '<sip:a @b>', '<>', '<sip:a@b>;=1', '<sip:a@b>;tag=1;tag=2', '<sip:a@b>;tag=1;TAG=2',
  ]) {
    test(`refuses ${JSON.stringify(bad)}`, () => assert.equal(parseNameAddr(bad), undefined));
  }
});

describe('tagOf', () => {
  test('reads the tag of To/From', () => {
    assert.equal(tagOf('<sip:owner@home.arpa>;tag=8f2c1a9d'), '8f2c1a9d');
    assert.equal(tagOf('"A" <sip:owner@home.arpa;tag=inside>;tag=outside'), 'outside');
  });
  test('a tag inside the URI is not the header tag', () => {
    assert.equal(tagOf('<sip:owner@home.arpa;tag=inside>'), undefined);
  });
  test('no tag, empty tag, unparseable value, undefined', () => {
    assert.equal(tagOf('<sip:owner@home.arpa>'), undefined);
    assert.equal(tagOf('<sip:owner@home.arpa>;tag='), undefined);
    assert.equal(tagOf('<sip:owner@home.arpa'), undefined);
    assert.equal(tagOf(undefined), undefined);
  });
});

describe('parseNameAddr quoted parameter values', () => {
  test('a semicolon inside a quoted parameter value does not start a new parameter', () => {
    const n = parseNameAddr('<sip:a@b>;+sip.instance="<urn:x;y>";expires=60')!;
    assert.equal(n.params.get('+sip.instance'), '"<urn:x;y>"');
    assert.equal(n.params.get('expires'), '60');
    assert.equal(n.params.size, 2);
  });
});
