// Every branch of the interpreter, driven as call transcripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Call, menuOf, reach } from './walk-helpers.ts';
import { MenuWalk } from '../../server/ivr/interpreter.ts';

const menu = menuOf({
  version: 1,
  role: 'visitor',
  title: 'Test',
  start: 'main',
  defaults: { invalid: 'Invalid.', tooManyFailures: 'Too many.', maxFailures: 2, maxTimeouts: 2, timeoutSeconds: 5, interDigitSeconds: 2 },
  nodes: {
    main: {
      title: 'Main',
      prompt: 'Main menu.',
      shortPrompt: 'Main again.',
      options: {
        '1': { label: 'Sub', goto: 'sub' },
        '2': { label: 'Info', say: { prompt: 'Some info.' } },
        '6': { label: 'Ext', collect: { digits: 4, pattern: '6XXX', prompt: 'Enter extension.', invalid: 'No such extension.', firstDigitSeconds: 7 } },
        '0': { label: 'Owner', ring: { group: 'owner', timeoutSeconds: 20, prompt: 'Connecting.', noAnswer: { record: { kind: 'message', prompt: 'Leave a message.', maxSeconds: 30, thanks: 'Saved.' } } } },
        '3': { label: 'Cb me', callback: { number: 'caller', thanks: 'Will call.' } },
        '4': { label: 'Cb other', callback: { number: 'ask', prompt: 'Number then hash.', minDigits: 3, maxDigits: 6 } },
        '5': { label: 'Name', record: { kind: 'name', prompt: 'Say name.', maxSeconds: 8 } },
        '9': { label: 'Bye', hangup: { prompt: 'Bye.' } },
      },
    },
    sub: { title: 'Sub', prompt: 'Sub menu.', options: { '1': { label: 'Deeper', goto: 'deep' } } },
    deep: { title: 'Deep', prompt: 'Deep menu.', back: 'main', options: { '1': { label: 'ring 6001', ring: { extensions: ['6001'] } } } },
  },
});

test('start enters the start node, plays its prompt, then listens with the node timeout', () => {
  const c = new Call(menu).start();
  assert.deepEqual(c.heard, ['Main menu.']);
  assert.deepEqual(c.log[0], { type: 'nodeChanged', node: 'main', mode: 'menu' });
  assert.equal(c.last('collect')?.timeoutMs, 5000);
  assert.equal(c.walk.handle({ type: 'start' }).length, 0, 'a second start is ignored');
});

test('no timer runs while the prompt plays; a digit barges in and stops it', () => {
  const c = new Call(menu);
  c.send({ type: 'start' });
  assert.equal(c.last('collect'), undefined);
  const playId = c.last('play')!.playId;
  c.press('1');
  assert.ok(c.log.some((x) => x.type === 'stopPlay' && x.playId === playId));
  assert.equal(c.walk.node, 'sub');
  // The late PlaybackFinished of the stopped prompt changes nothing.
  assert.deepEqual(c.send({ type: 'promptFinished', playId }), []);
});

test('goto pushes; * goes back to the parent, an explicit back overrides, * at start repeats', () => {
  const c = new Call(menu).start().press('1').press('1');
  assert.equal(c.walk.node, 'deep');
  c.press('*');
  assert.equal(c.walk.node, 'main', 'deep.back pins main');
  c.press('1').press('*');
  assert.equal(c.walk.node, 'main', 'sub goes back to its parent');
  c.clear().press('*');
  assert.deepEqual(c.heard, ['Main again.']);
});

test('# repeats the node with its short prompt and keeps the walk in place', () => {
  const c = new Call(menu).start().clear().press('#');
  assert.deepEqual(c.heard, ['Main again.']);
  assert.equal(c.walk.node, 'main');
});

test('an invalid digit plays the invalid prompt and re-prompts; too many failures runs the fallback (default hang up)', () => {
  const c = new Call(menu).start().clear().press('7');
  assert.deepEqual(c.heard, ['Invalid.', 'Main again.']);
  c.clear().press('8');
  assert.deepEqual(c.heard, ['Too many.']);
  assert.equal(c.last('hangup')?.type, 'hangup');
  assert.equal(c.walk.mode, 'ended');
  assert.deepEqual(c.walk.handle({ type: 'digit', digit: '1' }), []);
});

test('timeouts re-prompt, then give up after maxTimeouts; stale timer ids are ignored', () => {
  const c = new Call(menu).start();
  const stale = c.last('collect')!.timerId;
  c.clear().timeout();
  assert.deepEqual(c.heard, ['Main again.']);
  assert.deepEqual(c.walk.handle({ type: 'timeout', timerId: stale }), []);
  c.clear().timeout();
  assert.deepEqual(c.heard, ['Too many.']);
  assert.ok(c.last('hangup'));
});

test('say plays its text and returns to the same node', () => {
  const c = new Call(menu).start().clear().press('2');
  assert.deepEqual(c.heard, ['Some info.', 'Main again.']);
  assert.equal(c.walk.node, 'main');
});

test('collect: four digits of an allowed 6XXX extension ring it, with inter-digit timeouts between digits', () => {
  const c = new Call(menu).start().press('6');
  assert.equal(c.walk.mode, 'collect');
  assert.equal(c.last('collect')?.timeoutMs, 7000, 'collect uses its own first-digit timeout');
  c.press('6');
  assert.equal(c.last('collect')?.timeoutMs, 2000, 'then the inter-digit timeout');
  c.press('001');
  assert.deepEqual(c.last('ring'), { type: 'ring', extensions: ['6001'], timeoutSeconds: 45 });
  assert.equal(c.walk.mode, 'ringing');
  assert.deepEqual(c.last('nodeChanged'), { type: 'nodeChanged', node: 'main', mode: 'ringing', entered: '6001' });
});

test('collect: # restarts the entry', () => {
  const c = new Call(menu).start().press('6').press('60#6002');
  assert.deepEqual(c.last('ring')?.extensions, ['6002']);
});

test('collect: a number outside the pattern or not allowed is invalid; too many ends the call', () => {
  const c = new Call(menu).start().press('6').clear().press('7001');
  assert.deepEqual(c.heard, ['No such extension.', 'Enter extension.']);
  c.clear().press('6999');
  assert.deepEqual(c.heard, ['Too many.'], '6999 matches 6XXX but is not an allowed extension');
  assert.equal(c.last('ring'), undefined);
});

test('collect: a stalled partial entry counts as invalid; * leaves back to the menu', () => {
  const c = new Call(menu).start().press('6').press('60').clear().timeout();
  assert.deepEqual(c.heard, ['No such extension.', 'Enter extension.']);
  c.press('*');
  assert.equal(c.walk.mode, 'menu');
});

test('ring group: no answer falls back to voicemail, recording result thanks and hangs up', () => {
  const c = new Call(menu).start().clear().press('0');
  assert.deepEqual(c.heard, ['Connecting.']);
  assert.deepEqual(c.last('ring'), { type: 'ring', extensions: ['6000', '6001', '6002'], timeoutSeconds: 20 });
  c.clear();
  c.send({ type: 'digit', digit: '5' }); // digits while ringing are not the menu's
  c.send({ type: 'ringResult', outcome: 'noAnswer' });
  c.settle();
  assert.deepEqual(c.heard, ['Leave a message.']);
  assert.deepEqual(c.last('record'), { type: 'record', kind: 'message', maxSeconds: 30 });
  c.clear();
  c.send({ type: 'recordResult', ok: true });
  c.settle();
  assert.deepEqual(c.heard, ['Saved.']);
  assert.ok(c.last('hangup'));
});

test('ring answered ends the walk without hanging up', () => {
  const c = new Call(menu).start().press('11').press('1');
  c.send({ type: 'ringResult', outcome: 'answered' });
  assert.equal(c.walk.mode, 'ended');
  assert.equal(c.last('hangup'), undefined);
});

test('ring busy without a fallback apologises and hangs up (default noAnswer)', () => {
  const c = new Call(menu).start().press('11').press('1').clear();
  c.send({ type: 'ringResult', outcome: 'busy' });
  c.settle();
  assert.deepEqual(c.heard, ['Sorry, nobody answered. Goodbye.']);
  assert.ok(c.last('hangup'));
});

test('callback to the calling number saves it and hangs up', () => {
  const c = new Call(menu).start('v-abc').press('3');
  assert.deepEqual(c.last('saveCallback'), { type: 'saveCallback', number: 'v-abc', source: 'caller' });
  assert.deepEqual(c.heard.slice(-1), ['Will call.']);
  assert.ok(c.last('hangup'));
});

test('callback to another number: digits then #; too short is invalid; max digits saves at once', () => {
  const c = new Call(menu).start().press('4').clear().press('12#');
  assert.deepEqual(c.heard, ['Invalid.', 'Number then hash.']);
  c.press('0123#');
  assert.deepEqual(c.last('saveCallback'), { type: 'saveCallback', number: '0123', source: 'entered' });
  const d = new Call(menu).start().press('4').press('987654');
  assert.equal(d.last('saveCallback')?.number, '987654');
});

test('callback entry accepts a long-enough number on timeout', () => {
  const c = new Call(menu).start().press('4').press('5551').timeout();
  assert.equal(c.last('saveCallback')?.number, '5551');
});

test('record name: prompt, record, a failed recording is said so, then hang up', () => {
  const c = new Call(menu).start().press('5');
  assert.deepEqual(c.last('record'), { type: 'record', kind: 'name', maxSeconds: 8 });
  c.clear();
  c.send({ type: 'recordResult', ok: false });
  c.settle();
  assert.deepEqual(c.heard, ['Sorry, nothing was recorded. Goodbye.']);
  assert.ok(c.last('hangup'));
});

test('hangup action says its prompt; caller hang-up stops everything', () => {
  const c = new Call(menu).start().press('9');
  assert.deepEqual(c.heard.slice(-1), ['Bye.']);
  const d = new Call(menu).start();
  d.send({ type: 'hangup' });
  assert.deepEqual(d.walk.handle({ type: 'digit', digit: '1' }), []);
  assert.equal(d.walk.mode, 'ended');
});

test('too many failures with a goto fallback walks to that node; counters reset there', () => {
  const m = menuOf({
    version: 1, role: 'visitor', title: 'T', start: 'a',
    defaults: { invalid: 'Invalid.', tooManyFailures: 'Too many.', maxFailures: 1 },
    nodes: {
      a: { title: 'A', prompt: 'A.', onTooManyFailures: { goto: 'word' }, options: { '1': { label: 'W', goto: 'word' } } },
      word: { title: 'W', prompt: 'Word.', options: { '1': { label: 'Name', record: { kind: 'name', prompt: 'Say.' } } } },
    },
  });
  const c = new Call(m).start().clear().press('5');
  assert.deepEqual(c.heard, ['Too many.', 'Word.']);
  assert.equal(c.walk.node, 'word');
  c.press('1');
  assert.equal(c.walk.mode, 'recording');
});

test('non-DTMF input is ignored', () => {
  const c = new Call(menu).start().clear();
  assert.deepEqual(c.send({ type: 'digit', digit: 'A' }), []);
});

test('do-not-disturb: ring steps ask the owner\'s availability and take the leave-word branch without ringing', () => {
  let available = false;
  const c = new Call(menu);
  c.walk = new MenuWalk({ menu, allowedExtensions: reach.visitorExtensions, ownerGroup: reach.ownerGroup, ownerAvailable: () => available });
  c.start().clear().press('0');
  c.settle();
  assert.equal(c.last('ring'), undefined, 'the ring group is never dialled');
  assert.deepEqual(c.heard, ['Leave a message.'], 'no "Connecting." either');
  assert.deepEqual(c.last('record'), { type: 'record', kind: 'message', maxSeconds: 30 });

  // A collected extension is a ring step too; without a fallback of its own, the default one.
  const d = new Call(menu);
  d.walk = new MenuWalk({ menu, allowedExtensions: reach.visitorExtensions, ownerGroup: reach.ownerGroup, ownerAvailable: () => available });
  d.start().press('6').press('6001');
  d.settle();
  assert.equal(d.last('ring'), undefined);
  assert.ok(d.last('hangup'), 'the default noAnswer apologises and hangs up');

  // Asked at the step, not at the start: switching DND off lets the next caller ring.
  available = true;
  const e = new Call(menu);
  e.walk = new MenuWalk({ menu, allowedExtensions: reach.visitorExtensions, ownerGroup: reach.ownerGroup, ownerAvailable: () => available });
  e.start().press('0');
  e.settle();
  assert.deepEqual(e.last('ring')?.extensions, reach.ownerGroup);
});

test('the owner\'s ring rules: ringing "the owner" rings the group of the moment; nobody ringing takes the leave-word branch', () => {
  const some = new Call(menu);
  some.walk = new MenuWalk({ menu, allowedExtensions: reach.visitorExtensions, ownerGroup: ['6000'] });
  some.start().clear().press('0');
  some.settle();
  assert.deepEqual(some.last('ring')?.extensions, ['6000']);

  const none = new Call(menu);
  none.walk = new MenuWalk({ menu, allowedExtensions: reach.visitorExtensions, ownerGroup: [] });
  none.start().clear().press('0');
  none.settle();
  assert.equal(none.last('ring'), undefined, 'an empty ring group is never dialled (the dialplan would hang up)');
  assert.deepEqual(none.last('record'), { type: 'record', kind: 'message', maxSeconds: 30 });
});
