// Property-based fuzzing (fast-check) of what the edge does with a client frame: strict parser,
// then the role policy with a snapshot from the real call tracker (server/relay/calls.ts), then the
// tracker again with whatever was forwarded. Generated JsSIP-shaped requests and responses are
// mixed with the same messages mutated at the byte level. For both roles:
//   - nothing throws except the parser's own SipParseError, and salvage/refusal never throw;
//   - whatever is forwarded re-parses, and keeps the invariants below (allowed target, allowed
//     headers only, identity stamped by the edge, no URI headers, Max-Forwards 1…70).
// FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> changes its size (default 10 000 per role).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SipParseError } from '../../server/errors.ts';
import { header, headerValues, parseSip, serializeSip, type SipMessage, type SipRequest } from '../../server/sip/message.ts';
import { decide, MAX_FORWARDS_CAP, type PolicyIdentity } from '../../server/sip/policy.ts';
import { isAllowedHeader } from '../../server/sip/headers.ts';
import { buildRefusal } from '../../server/sip/responses.ts';
import { parseNameAddr, parseSipUri, tagOf } from '../../server/sip/uri.ts';
import { salvageRequest } from '../../server/relay/salvage.ts';
import { CallTracker, type TrackedCall } from '../../server/relay/calls.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 100_000));
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const DOMAIN = 'home.arpa';
const VISITOR: PolicyIdentity = { role: 'visitor', user: 'v-Ab3dE_fG9hIk', targets: ['owner', '100'], domain: DOMAIN, callerName: 'Ada%20Lovelace' };
const OWNER: PolicyIdentity = { role: 'owner', user: '6000', targets: [], domain: DOMAIN };

/** The dialog the tracker learns before each run: its target and route set are the only ones allowed in it. */
const CONFIRMED = { callId: 'known-call', target: 'sip:9q6hvi1a@df7jal23ls0d.invalid;transport=ws', route: '<sip:edge.invalid;transport=ws;lr>' };
const EARLY = 'early-call';

const crlf = (lines: string[], body = '') => `${lines.join('\r\n')}\r\n\r\n${body}`;

function trackerFor(who: PolicyIdentity): CallTracker {
  const t = new CallTracker();
  const me = `<sip:${who.user}@${DOMAIN}>;tag=mine`;
  const common = (callId: string, method: string, to: string) => ['Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1', 'Max-Forwards: 70', `To: ${to}`, `From: ${me}`, `Call-ID: ${callId}`, `CSeq: 1 ${method}`];
  if (who.role === 'visitor') {
    // An answered call (INVITE out, 200 in with Contact and Record-Route) and one still ringing.
    for (const id of [CONFIRMED.callId, EARLY]) t.fromClient(parseSip(crlf([`INVITE sip:owner@${DOMAIN} SIP/2.0`, ...common(id, 'INVITE', `<sip:owner@${DOMAIN}>`), 'Contact: <sip:me@a.invalid;transport=ws>'])));
    t.toClient(parseSip(crlf(['SIP/2.0 200 OK', 'Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1', `To: <sip:owner@${DOMAIN}>;tag=far`, `From: ${me}`, `Call-ID: ${CONFIRMED.callId}`, 'CSeq: 1 INVITE', `Contact: <${CONFIRMED.target}>`, `Record-Route: ${CONFIRMED.route}`])));
    // The ringing call is an early dialog with the same far tag (a 180 carried it).
    t.toClient(parseSip(crlf(['SIP/2.0 180 Ringing', 'Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1', `To: <sip:owner@${DOMAIN}>;tag=far`, `From: ${me}`, `Call-ID: ${EARLY}`, 'CSeq: 1 INVITE'])));
  } else {
    // An incoming call from a visitor: the INVITE from upstream carries its target and route set.
    t.toClient(parseSip(crlf([`INVITE sip:6000@a.invalid;transport=ws SIP/2.0`, 'Via: SIP/2.0/WSS edge.invalid;branch=z9hG4bK2', 'Max-Forwards: 69', `To: <sip:owner@${DOMAIN}>`, `From: <sip:v-x@${DOMAIN}>;tag=far`, `Call-ID: ${CONFIRMED.callId}`, 'CSeq: 1 INVITE', `Contact: <${CONFIRMED.target}>`, `Record-Route: ${CONFIRMED.route}`])));
    t.fromClient(parseSip(crlf(['SIP/2.0 200 OK', 'Via: SIP/2.0/WSS edge.invalid;branch=z9hG4bK2', `To: <sip:owner@${DOMAIN}>;tag=mine`, `From: <sip:v-x@${DOMAIN}>;tag=far`, `Call-ID: ${CONFIRMED.callId}`, 'CSeq: 1 INVITE', 'Contact: <sip:me@a.invalid;transport=ws>'])));
    t.fromClient(parseSip(crlf([`INVITE sip:6001@${DOMAIN} SIP/2.0`, ...common(EARLY, 'INVITE', `<sip:6001@${DOMAIN}>`), 'Contact: <sip:me@a.invalid;transport=ws>'])));
    t.fromClient(parseSip(crlf([`REGISTER sip:${DOMAIN} SIP/2.0`, ...common('reg-call', 'REGISTER', `<sip:6000@${DOMAIN}>`), 'Contact: <sip:me@a.invalid;transport=ws>', 'Expires: 600'])));
  }
  return t;
}

// ---- generators -------------------------------------------------------------------------------

/** Mostly pieces a real client sends, sometimes hostile ones: so most messages reach the policy. */
const pick = <T>(good: readonly T[], bad: readonly T[], badWeight = 1) =>
  fc.oneof({ weight: 16, arbitrary: fc.constantFrom(...good) }, { weight: badWeight, arbitrary: fc.constantFrom(...bad) });

const METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'INFO', 'UPDATE', 'PRACK', 'REGISTER', 'MESSAGE', 'REFER', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH'];
const GOOD_URIS = [`sip:owner@${DOMAIN}`, `sip:100@${DOMAIN}`, `sip:6001@${DOMAIN}`, `sip:${DOMAIN}`, `sips:owner@${DOMAIN}`, CONFIRMED.target, `sip:owner@${DOMAIN};transport=ws`];
const BAD_URIS = [
  'sip:+441234567890@203.0.113.9;user=phone;maddr=203.0.113.9', `sip:owner@${DOMAIN};maddr=203.0.113.9`, `sip:owner@${DOMAIN};user=phone`,
  'tel:+441234567890', 'sip:owner@evil.example', `sip:owner@${DOMAIN}:5060`, `sip:%36%30%30%31@${DOMAIN}`, `sip:owner@${DOMAIN}?Route=%3Csip:evil.example%3E`,
  `sip:09001234567@${DOMAIN}`, 'sip:owner@127.0.0.1', `SIP:OWNER@${DOMAIN.toUpperCase()}`, 'sip:6001@203.0.113.9',
];
const GOOD_NAMES = ['', '"Ada Lovelace" ', 'Ada ', '"Bell, Alexander" ', '"x\\"y" '];
const BAD_NAMES = ['Bell, Alexander ', '"Mr. J. User ', '< '];
const CALL_IDS = [CONFIRMED.callId, EARLY, 'reg-call', 'someone-elses', 'fresh-1'];
const GOOD_HEADERS = [
  'Contact: <sip:me@a.invalid;transport=ws;ob>', 'Contact: <sip:me@203.0.113.9;transport=ws>', 'Contact: <sip:me@a.invalid;maddr=203.0.113.9>', 'Supported: timer, 100rel, replaces', 'Require: timer', 'Session-Expires: 90;refresher=uac', 'Min-SE: 90',
  'Expires: 600', 'Allow: INVITE, ACK, BYE', 'User-Agent: JsSIP 3.13', 'Reason: SIP ;cause=200; text="done"', 'RAck: 1 1 INVITE', 'Subject: hi',
  `Route: ${CONFIRMED.route}`, 'Event: refer', 'Refer-To: <sip:+449001234567@home.arpa>',
  // Hostile but well-formed: each must be removed, refused or re-targeted.
  'Record-Route: <sip:203.0.113.9;lr>', 'Path: <sip:203.0.113.9;lr>', 'Replaces: abc@h;to-tag=1;from-tag=2', 'Join: abc@h;to-tag=1;from-tag=2',
  'Diversion: <sip:+448001234567@203.0.113.9>', 'History-Info: <sip:+449001234567@203.0.113.9>;index=1', 'Referred-By: <sip:6001@home.arpa>',
  'P-Called-Party-ID: <sip:+449001234567@203.0.113.9>', 'P-Charge-Info: <sip:+441234567890@203.0.113.9>', 'P-Asserted-Identity: <sip:6001@home.arpa>',
  'Call-Info: <sip:home.arpa>;answer-after=0', 'Alert-Info: <http://x.example/a.wav>;info=alert-autoanswer', 'X-Homeline-Role: owner',
  'X-Homeline-Edge: owner-secret', 'x-homeline-visitor: v-other', 'Route: <sip:203.0.113.9;lr>', 'Require: foo', 'Proxy-Require: x',
  'Content-Encoding: gzip', 'Privacy: id', 'X-Foo: bar', 'Date: Fri, 01 Jan 2010 16:00:00 EST',
];
const BAD_HEADERS = [
  'Route: <sip:edge.invalid;lr?X=1>', 'Contact: <sip:6000@example.com?Route=%3Csip:evil%3E>', 'Contact: *', 'Contact: <sip:a@b.invalid>;expires=280297596632815',
  'Expires: 10000000000000', 'Contact: < sip:a@b.invalid >', 'Via: SIP/2.0/WSS ;branch=x',
];

const request = (who: PolicyIdentity) => fc.record({
  method: fc.constantFrom(...METHODS),
  uri: pick(GOOD_URIS, BAD_URIS, 3),
  fromName: pick(GOOD_NAMES, BAD_NAMES),
  fromUser: pick([who.user], ['owner', '6001', who.role === 'visitor' ? OWNER.user : VISITOR.user]),
  toUri: pick([`sip:owner@${DOMAIN}`, `sip:6000@${DOMAIN}`, `sip:${VISITOR.user}@${DOMAIN}`], ['tel:+441234567890']),
  // Made-up tags and a guessed From tag: in-dialog requests must name a dialog exactly (issue 10).
  toTag: pick(['', ';tag=far', ';tag=far'], [';tag=a;tag=b', ';tag=made-up', ';tag=mine'], 2),
  fromTag: pick(['mine'], ['far', 'guessed']),
  callId: fc.constantFrom(...CALL_IDS),
  cseq: fc.integer({ min: 0, max: 2 ** 31 }),
  maxForwards: fc.oneof({ weight: 16, arbitrary: fc.integer({ min: 0, max: 255 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom(undefined, '300', '0068', '-1', 'x') }),
  extra: fc.uniqueArray(pick(GOOD_HEADERS, BAD_HEADERS), { maxLength: 5 }),
  body: fc.constantFrom('', 'v=0\r\n', 'Signal=1\r\nDuration=100\r\n'),
}).map((r) => {
  const lines = [`${r.method} ${r.uri} SIP/2.0`, 'Via: SIP/2.0/WSS hlq6cb2nha5q.invalid;branch=z9hG4bK1386540'];
  if (r.maxForwards !== undefined) lines.push(`Max-Forwards: ${r.maxForwards}`);
  lines.push(`To: <${r.toUri}>${r.toTag}`, `From: ${r.fromName}<sip:${r.fromUser}@${DOMAIN}>;tag=${r.fromTag}`, `Call-ID: ${r.callId}`, `CSeq: ${r.cseq} ${r.method}`, ...r.extra);
  if (r.body) lines.push('Content-Type: application/dtmf-relay');
  lines.push(`Content-Length: ${Buffer.byteLength(r.body)}`);
  return crlf(lines, r.body);
});

const response = fc.record({
  status: fc.constantFrom(100, 180, 183, 200, 202, 401, 486, 487, 603, 999),
  method: fc.constantFrom('INVITE', 'BYE', 'MESSAGE', 'OPTIONS'),
  callId: fc.constantFrom(...CALL_IDS),
  extra: fc.uniqueArray(pick(GOOD_HEADERS, BAD_HEADERS), { maxLength: 3 }),
}).map((r) => crlf([`SIP/2.0 ${r.status} X`, 'Via: SIP/2.0/WSS edge.invalid;branch=z9hG4bK2', `To: <sip:owner@${DOMAIN}>;tag=mine`, `From: <sip:v-x@${DOMAIN}>;tag=far`, `Call-ID: ${r.callId}`, `CSeq: 1 ${r.method}`, ...r.extra, 'Content-Length: 0']));

/** Byte-level mutations of a well-formed message: what a scanner or a broken client sends. */
const NASTY = ['\r', '\n', '\r\n', '\0', '"', '<', '>', ',', ';', '?', '@', ':', ' ', '\t', '%00', '\\', 'é', '\u2028', 'SIP/2.0', '\r\n\r\n', '\r\n ', ';maddr=203.0.113.9', '?Route=x'];
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
interface Mutation { kind: 'insert' | 'delete' | 'dupLine' | 'truncate'; at: number; text?: string; len?: number }
function mutate(text: string, ms: Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length ? m.at % t.length : 0;
    if (m.kind === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + (m.len ?? 1));
    else if (m.kind === 'truncate') t = t.slice(0, at);
    else {
      const lines = t.split('\r\n');
      const i = at % lines.length;
      lines.splice(i, 0, lines[i]);
      t = lines.join('\r\n');
    }
  }
  return t;
}
const message = (who: PolicyIdentity) => fc.oneof(
  { weight: 5, arbitrary: request(who) },
  { weight: 1, arbitrary: response },
  { weight: 4, arbitrary: fc.tuple(fc.oneof(request(who), response), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([t, ms]) => mutate(t, ms)) },
);

// ---- the pipeline and its invariants ----------------------------------------------------------

const uriOf = (v: string) => parseNameAddr(v)?.uri;

function checkForwarded(out: SipRequest, who: PolicyIdentity, tracker: CallTracker): void {
  const text = serializeSip(out);
  const again = parseSip(text) as SipRequest; // what leaves the edge is itself strictly parseable
  for (const h of again.headers) {
    if (/^x-homeline-/i.test(h.name)) continue;
    assert.ok(isAllowedHeader(h.name, who.role), `header ${h.name} left the edge for a ${who.role}`);
  }
  const stamped = again.headers.filter((h) => /^x-homeline-/i.test(h.name));
  assert.deepEqual(stamped.find((h) => /^x-homeline-role$/i.test(h.name)), { name: 'X-Homeline-Role', value: who.role });
  assert.equal(stamped.filter((h) => /^x-homeline-role$/i.test(h.name)).length, 1);
  assert.equal(stamped.some((h) => /^x-homeline-edge$/i.test(h.name)), false);
  const visitorStamp = stamped.filter((h) => /^x-homeline-visitor$/i.test(h.name));
  assert.deepEqual(visitorStamp.map((h) => h.value), who.role === 'visitor' ? [who.user] : []);

  const mf = header(again, 'Max-Forwards');
  assert.ok(mf !== undefined && Number(mf) >= 1 && Number(mf) <= MAX_FORWARDS_CAP, `Max-Forwards ${mf}`);

  // Target: the dialog's learned one, or a URI in the edge's domain with nothing clever in it.
  const call = tracker.get(header(again, 'Call-ID')!);
  if (call?.remoteTarget && again.uri === call.remoteTarget) {
    assert.deepEqual(headerValues(again, 'Route'), call.routeSet);
  } else {
    const u = parseSipUri(again.uri);
    assert.ok(u, `Request-URI ${again.uri}`);
    assert.equal(u.host, DOMAIN, again.uri);
    assert.equal(u.port, undefined);
    assert.deepEqual([...u.params.keys()].filter((k) => k !== 'transport'), [], again.uri);
    assert.equal(headerValues(again, 'Route').length, 0, 'a Route that nothing checked');
    if (who.role === 'visitor' && again.method === 'INVITE' && !call) assert.ok(who.targets.includes(u.user ?? ''), again.uri);
  }
  assert.doesNotMatch(again.uri, /[?]/);
  for (const name of ['Contact', 'Route', 'From', 'To']) {
    for (const v of headerValues(again, name)) if (v !== '*') assert.doesNotMatch(uriOf(v) ?? '', /\?/, `${name} with URI headers`);
  }
  for (const v of headerValues(again, 'Contact')) {
    if (v === '*') continue;
    const c = parseSipUri(uriOf(v)!)!;
    assert.deepEqual([...c.params.keys()].filter((k) => !['transport', 'ob', 'gr'].includes(k)), [], `Contact ${v}`);
    assert.match(c.host, /\.invalid$/, `Contact ${v}`);
  }
  if (who.role === 'visitor') assert.equal(parseSipUri(uriOf(header(again, 'From')!)!)?.user, who.user);
  // The hostile address the generator plants must not be anywhere a SIP element routes by
  // (free text such as Subject may quote it: nothing reads that as an address).
  // From and To of an out-of-dialog request too; inside a dialog they are the upstream's own.
  const outOfDialog = !call && !/;\s*tag=/i.test(header(again, 'To')!);
  const routing = [again.uri, ...['Route', 'Contact', ...(outOfDialog ? ['From', 'To'] : [])].flatMap((n) => headerValues(again, n))];
  assert.doesNotMatch(routing.join('\n'), /203\.0\.113\.9/);
}

/**
 * An in-dialog request (a To tag, or ACK/BYE/INFO/UPDATE/PRACK/CANCEL) leaves the edge only
 * inside a live dialog of that connection: its Call-ID and both tags name one the tracker learned
 * (issue 10), whatever Call-ID guesses or made-up tags the generator tried.
 */
function checkInsideDialog(out: SipRequest, tracker: CallTracker): void {
  const toTag = tagOf(header(out, 'To'));
  const inDialog = toTag !== undefined || ['ACK', 'BYE', 'INFO', 'UPDATE', 'PRACK', 'CANCEL'].includes(out.method);
  if (!inDialog || out.method === 'REGISTER') return;
  const m = tracker.match(out);
  assert.equal(m.kind, 'dialog', `${out.method} with To tag ${toTag} forwarded outside any dialog`);
  const call = (m as { call: TrackedCall }).call;
  assert.equal(header(out, 'Call-ID'), call.callId);
  assert.equal(tagOf(header(out, 'From')), call.localTag, `${out.method}: From tag is not the dialog's local tag`);
  if (out.method === 'ACK') return; // the ACK of a failed INVITE carries the failure's tag
  if (toTag !== undefined) assert.ok(toTag === call.remoteTag || call.earlyTags.has(toTag), `${out.method}: To tag ${toTag} is not the dialog's`);
  if (out.method !== 'ACK' && out.method !== 'CANCEL') assert.notEqual(call.state, 'ended', `${out.method} into an ended dialog`);
}

type Outcome = 'malformed' | 'response' | 'refuse' | 'drop' | 'forward';
function throughTheEdge(text: string, who: PolicyIdentity): Outcome {
  const tracker = trackerFor(who);
  let msg: SipMessage;
  try {
    msg = parseSip(text);
  } catch (err) {
    assert.ok(err instanceof SipParseError, `parser threw ${(err as Error)?.stack}`);
    const req = salvageRequest(text);
    if (req) buildRefusal(req, 'HL_MALFORMED', { detail: err.message });
    return 'malformed';
  }
  if (msg.kind === 'response') {
    tracker.fromClient(msg);
    return 'response';
  }
  const v = decide(msg, who, {
    ...tracker.viewFor(msg), activeCalls: tracker.active,
    visitorCallsTotal: 0, visitorCallsCap: 2, busyRetryAfterSeconds: 60, pausedTargets: new Set(),
  });
  if (v.action === 'refuse') {
    buildRefusal(msg, v.code, v);
    return 'refuse';
  }
  if (v.action === 'drop') return 'drop';
  checkForwarded(v.request, who, tracker);
  checkInsideDialog(v.request, tracker);
  tracker.fromClient(v.request);
  return 'forward';
}

for (const who of [VISITOR, OWNER]) {
  test(`fuzz: ${RUNS} generated and mutated messages from a ${who.role} (seed ${SEED})`, (t) => {
    const seen: Record<Outcome, number> = { malformed: 0, response: 0, refuse: 0, drop: 0, forward: 0 };
    const started = Date.now();
    fc.assert(fc.property(message(who), (text) => { seen[throughTheEdge(text, who)]++; }), { seed: SEED + (who.role === 'owner' ? 1 : 0), numRuns: RUNS });
    t.diagnostic(`seed ${SEED}: ${JSON.stringify(seen)} in ${Date.now() - started} ms`);
    // The generator must reach every stage, not only the parser's refusals (counts include shrinking).
    assert.ok(seen.forward > RUNS / 50 && seen.refuse > RUNS / 10 && seen.malformed > RUNS / 10, JSON.stringify(seen));
  });
}
