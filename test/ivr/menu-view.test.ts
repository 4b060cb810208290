// What the widget may see of the shipped operator menu: the words a caller needs, no numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../server/config/load.ts';
import { loadMenuFile, DEFAULT_MENU_FILE } from '../../server/ivr/menu-load.ts';
import { reachFromConfig } from '../../server/ivr/menu-validate.ts';
import { visitorMenuView } from '../../server/ivr/menu-view.ts';
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
