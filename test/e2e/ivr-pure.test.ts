// The widget's menu cores: what each option kind does before a call, the * path, and the
// side-channel MESSAGE (parse and what the in-call panel shows). The menu is the edge's own view
// of the shipped operator tree, so a change of the tree or of the view shows up here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadMenuFile } from '../../server/ivr/menu-load.ts';
import { reachFromConfig } from '../../server/ivr/menu-validate.ts';
import { visitorMenuView } from '../../server/ivr/menu-view.ts';
import { validateConfig } from '../../server/config/load.ts';
import { MenuPath, parseNodeMessage, stepFor, type VisitorMenu } from '../../web/ivr/menu-model.ts';
import { IVR_NODE_CONTENT_TYPE as IVR_CONTENT_TYPE } from '../../contract/ivr.ts';
import { followIvr, shownForMessage } from '../../web/ivr/in-call.ts';
import { strings } from '../../web/button/strings.ts';

const config = validateConfig({});
const menu: VisitorMenu = visitorMenuView(loadMenuFile(config.ivr.menuFile, reachFromConfig(config)).menu);
const option = (node: string, key: string) => menu.nodes[node].options.find((o) => o.key === key)!;

test('the shipped menu: goto shows the node, ring calls the owner, record/callback/collect offer the form', () => {
  assert.deepEqual(stepFor(option('main', '0'), menu), { do: 'node', node: 'contact' });
  assert.deepEqual(stepFor(option('contact', '1'), menu), { do: 'call' });
  assert.deepEqual(stepFor(option('contact', '2'), menu), { do: 'form', why: 'message' });
  assert.deepEqual(stepFor(option('contact', '3'), menu), { do: 'form', why: 'callback' });
  assert.deepEqual(stepFor(option('contact', '4'), menu), { do: 'form', why: 'callback' });
  assert.deepEqual(stepFor(option('main', '6'), menu), { do: 'form', why: 'extension' });
  assert.equal(stepFor(option('emergency', '1'), menu).do, 'say');
});

test('say stays in the menu, hangup ends it; an unknown kind or a dangling goto is shown, not followed', () => {
  const m: VisitorMenu = { ...menu, nodes: { main: { title: 'M', text: 't', options: [] } } };
  assert.deepEqual(stepFor({ key: '1', label: 'x', kind: 'say', text: 'Hello' }, m), { do: 'say', text: 'Hello', end: false });
  assert.deepEqual(stepFor({ key: '1', label: 'x', kind: 'hangup' }, m), { do: 'say', text: undefined, end: true });
  assert.deepEqual(stepFor({ key: '1', label: 'x', kind: 'goto', goto: 'nowhere' }, m), { do: 'say', end: false });
  assert.deepEqual(stepFor({ key: '1', label: 'x', kind: 'teleport' }, m), { do: 'say', text: undefined, end: false });
});

test('* walks back along the path taken and stops at the start node', () => {
  const p = new MenuPath(menu);
  assert.equal(p.current, 'main');
  p.go('emergency');
  p.go('medical');
  p.go('medical'); // the same node again is not a step
  p.go('no-such-node');
  assert.equal(p.current, 'medical');
  p.back();
  assert.equal(p.current, 'emergency');
  p.back();
  p.back();
  assert.equal(p.current, 'main');
  assert.equal(p.atStart, true);
});

const body = (o: Record<string, unknown>) => JSON.stringify({ type: 'ivr-node', node: 'contact', mode: 'menu', title: 'Contact the owner', text: 'To ring…', options: [{ key: '1', label: 'Ring the owner' }, { key: '2', label: 'Let the owner know you called' }], ...o });

test('side channel: a node MESSAGE is read; other types, bad JSON and odd keys are dropped', () => {
  const n = parseNodeMessage(`${IVR_CONTENT_TYPE}; charset=utf-8`, body({}))!;
  assert.equal(n.node, 'contact');
  assert.deepEqual(n.options.map((o) => o.key), ['1', '2']);
  assert.equal(parseNodeMessage('text/plain', body({})), null);
  assert.equal(parseNodeMessage(IVR_CONTENT_TYPE, '{not json'), null);
  assert.equal(parseNodeMessage(IVR_CONTENT_TYPE, body({ type: 'other' })), null);
  assert.equal(parseNodeMessage(IVR_CONTENT_TYPE, undefined), null);
  const odd = parseNodeMessage(IVR_CONTENT_TYPE, body({ options: [{ key: '12', label: 'two keys' }, { key: '<b>', label: 'x' }, { key: '3' }, null, { key: '*', label: 'Back' }] }))!;
  assert.deepEqual(odd.options, [{ key: '*', label: 'Back' }]);
});

test('in the call, options are offered only while the menu waits for a choice; other modes say what to do', () => {
  const S = strings.ivr;
  const menuNode = shownForMessage(parseNodeMessage(IVR_CONTENT_TYPE, body({}))!, S);
  assert.equal(menuNode.options.length, 2);
  assert.equal(menuNode.backRepeat, true);
  const ringing = shownForMessage(parseNodeMessage(IVR_CONTENT_TYPE, body({ mode: 'ringing' }))!, S);
  assert.deepEqual(ringing.options, []);
  assert.equal(ringing.backRepeat, false);
  assert.equal(ringing.hint, S.mode.ringing);
  assert.equal(shownForMessage(parseNodeMessage(IVR_CONTENT_TYPE, body({ mode: 'collect' }))!, S).hint, S.mode.collect);
});

test('in the call, the menu\'s first node offers no Back (nowhere to go back to), the others do', () => {
  const S = strings.ivr;
  const top = parseNodeMessage(IVR_CONTENT_TYPE, body({ node: 'main', top: true }))!;
  assert.equal(top.top, true);
  assert.equal(shownForMessage(top, S).top, true);
  assert.equal(parseNodeMessage(IVR_CONTENT_TYPE, body({ top: 'yes' }))!.top, false, 'only a real true counts');
  assert.equal(shownForMessage(parseNodeMessage(IVR_CONTENT_TYPE, body({}))!, S).top, false);
});

test('status lines start with a capital whatever owner.name is; no default text assumes a gender', () => {
  // undefined: owner.name unset.
  assert.equal(strings.available(undefined), 'The owner is available.');
  assert.equal(strings.dnd('ada'), 'Ada is not taking calls right now.');
  assert.equal(strings.reasons.declined(undefined), 'The owner declined the call.');
  assert.equal(strings.ivr.ownerOffline(undefined), "The owner can't be reached right now. Leave a message instead.");
  const words = JSON.stringify(strings, (_k, v) => (typeof v === 'function' ? v('X') : v));
  assert.doesNotMatch(words, /\b(he|him|his|she|her)\b/i);
});

test('followIvr keeps the latest node from the remote side only, before the call is up', () => {
  const f = followIvr(strings.ivr);
  const latest = () => f.node?.node; // a function: TS would narrow f.node after the first assert
  const req = (b: string, ct = IVR_CONTENT_TYPE) => ({ body: b, getHeader: (n: string) => (n.toLowerCase() === 'content-type' ? ct : undefined) });
  f.onMessage({ originator: 'local', request: req(body({ node: 'main' })) });
  assert.equal(latest(), undefined);
  f.onMessage({ originator: 'remote', request: req(body({ node: 'main' })) });
  f.onMessage({ originator: 'remote', request: req('hello', 'text/plain') });
  assert.equal(latest(), 'main');
  f.onMessage({ originator: 'remote', request: req(body({ node: 'contact' })) });
  assert.equal(latest(), 'contact');
});
