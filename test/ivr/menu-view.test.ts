// What the widget may see of the shipped operator menu: the words a caller needs, no numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../server/config/load.ts';
import { loadMenuFile, DEFAULT_MENU_FILE } from '../../server/ivr/menu-load.ts';
import { reachFromConfig } from '../../server/ivr/menu-validate.ts';
import { visitorMenuView } from '../../server/ivr/menu-view.ts';
import { keypadOrder, screenText } from '../../server/ivr/screen-text.ts';
import { stepFor } from '../../web/ivr/menu-model.ts';

const view = visitorMenuView(loadMenuFile(DEFAULT_MENU_FILE, reachFromConfig(validateConfig({}))).menu);

test('say steps carry their words (the emergency advice), rings say whom they reach', () => {
  const emergency = Object.values(view.nodes).find((n) => /emergency/i.test(n.title))!;
  const gas = emergency.options.find((o) => /gas/i.test(o.label))!;
  assert.equal(gas.kind, 'say');
  assert.match(gas.text!, /gas emergency line/);
  assert.equal(view.nodes.contact.options.find((o) => o.kind === 'ring')!.rings, 'owner');
  assert.doesNotMatch(JSON.stringify(view), /\b60\d\d\b|PJSIP/);
});

test('on the embedded edge a ring of the owner calls, a ring of other extensions offers the form', () => {
  const owner = view.nodes.contact.options.find((o) => o.kind === 'ring')!;
  assert.deepEqual(stepFor(owner, view), { do: 'call' });
  assert.deepEqual(stepFor({ ...owner, rings: 'extension' }, view), { do: 'form', why: 'extension' });
});

test('on screen: the screen texts, never the key instructions the voice needs; choices in keypad order', () => {
  const all = JSON.stringify(view);
  assert.doesNotMatch(all, /press (hash|star|[0-9])/i);
  assert.equal(view.nodes.main.text, 'Welcome. What can I help you with?');
  assert.deepEqual(view.nodes.main.options.map((o) => o.key), ['1', '6', '0']);
  // A node without a screen text shows its prompt less the "press N" sentences: nothing, here.
  assert.equal(view.nodes.medical.text, '');
  assert.match(view.nodes.emergency.options.find((o) => o.key === '1')!.text!, /0800 111 999/);
});

test('screenText drops key instructions and joins digits spelled for the voice', () => {
  assert.equal(screenText('Welcome. For an emergency, press 1. Press hash to hear this again.'), 'Welcome.');
  assert.equal(screenText('If a life is in danger, hang up now and dial 1 1 2. Press star to go back.'), 'If a life is in danger, hang up now and dial 112.');
  assert.equal(screenText('Out of hours, call 1 1 1, or 1 1 2 if a life is in danger.'), 'Out of hours, call 111, or 112 if a life is in danger.');
  assert.equal(screenText('The surgery opens at 8 in the morning.'), 'The surgery opens at 8 in the morning.');
  assert.deepEqual(['0', '6', '1', '9'].sort(keypadOrder), ['1', '6', '9', '0']);
});
