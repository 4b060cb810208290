// The operator menu in the widget, on the embedded edge (no voice IVR there, so the page walks
// the menu before any call): ring the owner from the menu, leave word through it, keyboard only,
// and the in-call side channel (the MESSAGE an Asterisk edge sends, made by the edge's own code)
// injected into a real call.
import { expect, test, type Page } from '@playwright/test';
import { launchParty, type Party } from './support/party.ts';
import { answer, artifact, bothEnded, callButton, openButton, ownerSignIn, visitorStatus } from './support/flows.ts';
import { edgeSideChannel, type SideChannel } from './support/edge-side-channel.ts';
import { IVR_NODE_CONTENT_TYPE } from '../../contract/ivr.ts';

const EDGE = process.env.HL_E2E_EDGE!;
const PASSWORD = process.env.HL_E2E_PASSWORD!;
const MENU_PAGE = `${EDGE}/demo/menu.html`;

let owner: Party;
let visitor: Party;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  [owner, visitor] = await Promise.all([launchParty({ toneHz: 1000 }), launchParty({ toneHz: 620 })]);
  await ownerSignIn(owner.page, EDGE, PASSWORD);
});

test.afterAll(async () => {
  await Promise.all([owner?.close(), visitor?.close()]);
});

const widget = (p: Page) => p.locator('homeline-call');
const option = (p: Page, key: string, label: string) => widget(p).getByRole('button', { name: `${key}: ${label}`, exact: true });

async function openMenu(p: Page) {
  await openButton(p, MENU_PAGE);
  await expect(widget(p)).toHaveAttribute('data-state', 'ready');
  await callButton(p).click();
  await expect(widget(p)).toHaveAttribute('data-state', 'menu');
  await expect(widget(p)).toHaveAttribute('data-node', 'main');
}

async function ownerMessages() {
  const r = await owner.context.request.get(`${EDGE}/api/owner/messages`);
  expect(r.status()).toBe(200);
  return (await r.json()) as { messages: { name: string; number: string | null; text?: string; message?: string }[]; callbacks: { caller: string; number: string }[] };
}

test('a. main → contact the owner → ring the owner: the owner console rings and answers', async () => {
  const v = visitor.page, o = owner.page;
  await openMenu(v);
  await expect(widget(v).locator('.ivr-title')).toHaveText('Operator');
  // Words written for a screen, not the voice script; choices in keypad order; no Back where
  // there is nothing to go back to.
  await expect(widget(v).locator('.ivr-text')).toHaveText('Welcome. What can I help you with?');
  await expect(widget(v).locator('.ivr [aria-live]')).not.toContainText(/press|hash|star/i);
  await expect(widget(v).locator('.ivr-options button')).toHaveText([/1\s*Emergency/, /6\s*Internal extension/, /0\s*Contact the owner/]);
  await expect(widget(v).getByRole('button', { name: 'Back', exact: true })).toHaveCount(0);
  await expect(widget(v).locator('.ivr > .ivr-hint')).toHaveText('Press a number key to choose, # to repeat.');
  await v.screenshot({ path: artifact('ivr-main') });
  await v.setViewportSize({ width: 375, height: 800 });
  await v.screenshot({ path: artifact('ivr-main-375') });
  await v.setViewportSize({ width: 1280, height: 720 });
  await option(v, '0', 'Contact the owner').click();
  await expect(widget(v)).toHaveAttribute('data-node', 'contact');
  await expect(widget(v).locator('.ivr-title')).toHaveText('Contact the owner');
  await expect(widget(v).locator('.ivr-text')).toHaveText('Ring the owner now, or leave word and be called back.');
  await expect(widget(v).getByRole('button', { name: 'Back', exact: true })).toBeVisible();
  await v.screenshot({ path: artifact('ivr-contact') });
  await option(v, '1', 'Ring the owner').click();
  await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
  await expect(widget(v)).toHaveAttribute('data-state', 'ringing');
  // The menu gave way to the call.
  await expect(widget(v).locator('.ivr')).toHaveCount(0);
  await v.screenshot({ path: artifact('ivr-ringing-owner') });
  await answer(v, o);
  await expect(visitorStatus(v)).toContainText('In call');
  await widget(v).getByRole('button', { name: 'Hang up' }).click();
  await bothEnded(v, o);
});

test('b. main → contact → "let the owner know you called" and a callback request: the form reaches the owner', async () => {
  const v = visitor.page;
  await openMenu(v);
  await option(v, '0', 'Contact the owner').click();
  await option(v, '2', 'Let the owner know you called').click();
  const form = widget(v).locator('form');
  await expect(form).toBeVisible();
  await expect(form).toContainText('so the owner knows you called');
  await form.getByLabel('Your name').fill('Ada Lovelace');
  await form.getByLabel('Message').fill('Called about the engine, menu walk test.');
  await v.screenshot({ path: artifact('ivr-message-form') });
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(widget(v)).toHaveAttribute('data-state', 'message-sent');
  await expect(visitorStatus(v)).toContainText('your message was sent');
  await expect(callButton(v)).toBeVisible();

  let got = await ownerMessages();
  expect(got.messages.some((m) => m.name === 'Ada Lovelace' && /engine, menu walk test/.test(m.text ?? m.message ?? ''))).toBe(true);

  // 4: call back on another number: the number is required, and lands among the callbacks.
  await openMenu(v);
  await option(v, '0', 'Contact the owner').click();
  await option(v, '4', 'Call me back on another number').click();
  await expect(form.getByLabel('Phone number to call you back on')).toHaveAttribute('required', '');
  await form.getByLabel('Your name').fill('Charles Babbage');
  await form.getByLabel('Message').fill('Please call back after six.');
  await form.getByRole('button', { name: 'Send' }).click();
  // An empty required number stops the form in the browser: nothing sent yet.
  await expect(widget(v)).not.toHaveAttribute('data-state', 'message-sent');
  await form.getByLabel('Phone number to call you back on').fill('+44 20 7946 0000');
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(widget(v)).toHaveAttribute('data-state', 'message-sent');
  got = await ownerMessages();
  expect(got.callbacks.some((c) => c.caller === 'Charles Babbage' && c.number === '+44 20 7946 0000')).toBe(true);

  // The owner console lists it too (it reads the same route on load).
  await owner.page.reload();
  await expect(owner.page.locator('#reg-status')).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
  await expect(owner.page.locator('#messages')).toContainText('Ada Lovelace');
  await expect(owner.page.locator('#messages')).toContainText('Please call back after six.');
  await owner.page.screenshot({ path: artifact('ivr-owner-messages'), fullPage: true });
});

test('c. keyboard only: Tab and Enter choose, typed digits choose, * goes back, # repeats', async () => {
  const v = visitor.page;
  await openMenu(v);
  // Opening the menu puts focus on its first choice.
  await expect(option(v, '1', 'Emergency')).toBeFocused();
  await v.keyboard.press('Enter');
  await expect(widget(v)).toHaveAttribute('data-node', 'emergency');
  await expect(widget(v).locator('[aria-live] .ivr-title')).toHaveText('Emergency');
  // Focus followed the node change to its first choice.
  await expect(option(v, '1', 'Gas leak')).toBeFocused();
  await v.keyboard.press('3');
  await expect(widget(v)).toHaveAttribute('data-node', 'medical');
  await v.keyboard.press('*');
  await expect(widget(v)).toHaveAttribute('data-node', 'emergency');
  await v.keyboard.press('*');
  await expect(widget(v)).toHaveAttribute('data-node', 'main');
  await v.keyboard.press('*'); // at the start node, * has nowhere to go
  await expect(widget(v)).toHaveAttribute('data-node', 'main');
  await v.keyboard.press('#');
  await expect(widget(v).locator('.ivr-title')).toHaveText('Operator');
  // Back and Repeat are buttons too, reachable with Tab.
  await v.keyboard.press('0');
  await expect(widget(v)).toHaveAttribute('data-node', 'contact');
  const back = widget(v).getByRole('button', { name: 'Back', exact: true });
  for (let i = 0; i < 8 && !(await back.evaluate((b) => (b.getRootNode() as ShadowRoot).activeElement === b)); i++) await v.keyboard.press('Tab');
  await expect(back).toBeFocused();
  await v.screenshot({ path: artifact('ivr-keyboard-back') });
  await v.keyboard.press('Enter');
  await expect(widget(v)).toHaveAttribute('data-node', 'main');
  // A said option (emergency → gas leak) shows in place; * returns to its node.
  await v.keyboard.press('1');
  await v.keyboard.press('1');
  await expect(widget(v).locator('.ivr-title')).toHaveText('Gas leak');
  await v.keyboard.press('*');
  await expect(widget(v).locator('.ivr-title')).toHaveText('Emergency');
  // Close hands back the button.
  await widget(v).getByRole('button', { name: 'Close the menu' }).click();
  await expect(widget(v)).toHaveAttribute('data-state', 'ready');
  await expect(callButton(v)).toBeFocused();
  // Escape closes it too, and focus is back on the button that opened it.
  await v.keyboard.press('Enter');
  await expect(widget(v)).toHaveAttribute('data-state', 'menu');
  await v.keyboard.press('Escape');
  await expect(widget(v)).toHaveAttribute('data-state', 'ready');
  await expect(callButton(v)).toBeFocused();
});

test('d. in a call, the side-channel MESSAGE shows the node and a tap sends its digit', async () => {
  const v = visitor.page, o = owner.page;
  // The embedded edge has no voice menu to report nodes: the edge's own notify() makes each
  // MESSAGE for this visitor and it is handed to the visitor's socket (the real JsSIP UA receives
  // it); everything else passes through to the real edge.
  let inject: ((frame: string) => void) | undefined;
  let visitorUri = '';
  const replies: string[] = [];
  let side: SideChannel | undefined;
  const node = (n: Record<string, unknown>) => side!.frame(IVR_NODE_CONTENT_TYPE, JSON.stringify({ type: 'ivr-node', ...n }));
  await v.routeWebSocket(/\/sip\?/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const text = String(m);
      if (/^SIP\/2\.0 /.test(text) && /^CSeq:\s*\d+ MESSAGE/im.test(text)) { replies.push(text); return; }
      visitorUri ||= /^(?:From|f):[^<\r\n]*<(sip:[^>]+)>/im.exec(text)?.[1] ?? '';
      server.send(m);
    });
    server.onMessage((m) => ws.send(m));
    inject = (frame) => ws.send(frame);
  });
  try {
    await openButton(v, `${EDGE}/demo/`);
    await callButton(v).click();
    await expect(o.locator('#call')).toHaveAttribute('data-state', 'ringing', { timeout: 15_000 });
    // A node reported before the call is up is kept for it.
    expect(visitorUri).toMatch(/^sip:v-/);
    side = await edgeSideChannel(visitorUri);
    inject!(await node({ node: 'contact', mode: 'menu', title: 'Contact the owner', text: 'To ring the owner, press 1.', options: [{ key: '1', label: 'Ring the owner' }, { key: '2', label: 'Let the owner know you called' }] }));
    await answer(v, o);
    await expect(widget(v).locator('.ivr')).toHaveAttribute('data-node', 'contact');
    await expect(widget(v).locator('.ivr-text')).toHaveText('To ring the owner, press 1.');
    expect(replies.some((r) => /^SIP\/2\.0 200/.test(r))).toBe(true);
    await v.screenshot({ path: artifact('ivr-in-call-node') });
    await option(v, '2', 'Let the owner know you called').click();
    await widget(v).getByRole('button', { name: 'Back', exact: true }).click();
    await expect(o.locator('#dtmf-received')).toHaveText('2*');

    inject!(await node({ node: 'contact', mode: 'ringing', title: 'Contact the owner', text: 'To ring the owner, press 1.', options: [{ key: '1', label: 'Ring the owner' }] }));
    await expect(widget(v).locator('.ivr')).toContainText('Ringing, please hold');
    await expect(option(v, '1', 'Ring the owner')).toHaveCount(0);
    // Not a node message: ignored, still answered 200 by JsSIP.
    inject!(await side.frame('text/plain', 'hello'));
    await expect.poll(() => replies.length).toBe(3);
    await expect(widget(v).locator('.ivr')).toContainText('Ringing, please hold');

    await widget(v).getByRole('button', { name: 'Hang up' }).click();
    await bothEnded(v, o);
  } finally {
    await v.unrouteAll({ behavior: 'ignoreErrors' });
    await side?.close();
  }
});

test('d2. do-not-disturb switched on after the menu opened: "ring the owner" leaves word, nothing rings (issue 10 (6))', async () => {
  const v = visitor.page;
  const calls = async () => ((await (await owner.context.request.get(`${EDGE}/api/owner/calls`)).json()) as { calls: unknown[] }).calls.length;
  const setAvailable = (available: boolean) => owner.context.request.put(`${EDGE}/api/owner/availability`, { data: { available }, headers: { origin: EDGE } });
  await openMenu(v);
  const before = await calls();
  expect((await setAvailable(false)).status()).toBe(200);
  try {
    await option(v, '0', 'Contact the owner').click();
    await option(v, '1', 'Ring the owner').click();
    const form = widget(v).locator('form');
    await expect(form).toContainText('is not taking calls right now. Leave a message instead.');
    await v.screenshot({ path: artifact('ivr-owner-dnd') });
    expect(await calls(), 'no call was attempted').toBe(before);
    await form.getByRole('button', { name: 'Cancel' }).click();
    await expect(widget(v)).toHaveAttribute('data-state', 'ready');
  } finally {
    await setAvailable(true);
  }
});

test('e. the owner unreachable: "ring the owner" in the menu offers the message form instead', async () => {
  // The rate-limit edge has no owner tab until limits.spec signs one in.
  const v = visitor.page;
  await v.goto(`${process.env.HL_E2E_LIMITED}/demo/menu.html`);
  await expect(widget(v)).toHaveAttribute('data-state', 'ready');
  await callButton(v).click();
  await option(v, '0', 'Contact the owner').click();
  await option(v, '1', 'Ring the owner').click();
  const form = widget(v).locator('form');
  // This edge has no owner.name: English says "the owner", starting the sentence with a capital.
  await expect(form).toContainText("The owner can't be reached right now. Leave a message instead.");
  await expect(form.getByLabel('Your name')).toBeFocused();
  await v.screenshot({ path: artifact('ivr-owner-unreachable') });
  // Cancel goes back to the button, not to a half-open menu.
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(widget(v)).toHaveAttribute('data-state', 'ready');
  await expect(callButton(v)).toBeVisible();
});
