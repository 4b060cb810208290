// <homeline-call target="owner" label="Call me" edge="https://call.example.org" ask-name [floating] [theme=dark|light]>
//
// The only script a site owner includes. It draws the button, asks the edge whether a call can
// go through (again while the page stays open, status-poll.ts), fetches the softphone (JsSIP,
// call UI) when the page is idle, and starts it on a click.
//
//   checking ──status──▶ ready ◀──poll──▶ unreachable ──click──▶ message form
//       │                  │ click                                       ▲
//       │                  ▼                                             │
//       │                softphone (its own states) ──ended──▶ ready ────┘ (missed call)
//       └─unreachable / unknown / forbidden (origin not allowed)
//
// A target of kind `ivr` (the operator menu, `target="100"`) on the embedded upstream opens the
// menu on screen first (ready ──click──▶ menu ──ring──▶ softphone to `owner`, or ──▶ form); on
// the Asterisk upstream it is a call, and the softphone shows the nodes the edge reports.
// `floating`: a round button fixed in the page's corner opens the same box as a small dialog.
// The message form (message-form.ts) is fetched when it is first offered, like the softphone.
import { strings as english, type Strings } from './strings.ts';
import { css, PHONE_ICON } from './styles.ts';
import { edgeBase, getMenu, getStatus } from './edge.ts';
import { statusPoll } from './status-poll.ts';
import type { EdgeStatus } from '../shared/api.ts';
import type { CallHandle } from '../softphone/host.ts';
import type { EndReason } from '../softphone/end-reason.ts';
import type { ControlLabels } from '../shared/call-control-strings.ts';
import { elementLang, type Lang } from '../shared/lang.ts';

const TAG = 'homeline-call';
// The softphone first: bench/bundle.ts measures the loader's first lazy import as the softphone.
const loadSoftphone = () => import('../softphone/softphone.ts');
type Softphone = Awaited<ReturnType<typeof loadSoftphone>>;
// Kept once loaded: awaiting import() again costs a task turn (~5–10 ms on a busy page) at the click.
let softphone: Softphone | undefined;
const keepSoftphone = () => loadSoftphone().then((m) => (softphone = m));
const loadMenu = () => import('../ivr/visual-walk.ts');
const loadMessageForm = () => import('./message-form.ts');
// Only outside the owner's hours: every other page view saves its bytes.
const loadBackAt = () => import('../shared/back-at.ts');
// Other languages' words: a chunk each, fetched only for an element whose lang asks for it, so
// an English page loads not one byte of them. Add a language here and in web/shared/lang.ts.
const catalogues: Record<Exclude<Lang, 'en'>, () => Promise<{ strings: Strings; controlStrings: ControlLabels }>> = {
  de: () => import('./strings.de.ts'),
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
}

export class HomelineCall extends HTMLElement {
  static observedAttributes = ['label', 'target', 'edge'];
  #root = this.attachShadow({ mode: 'open' });
  // `part` set as a property forwards to the attribute: the names a site styles with ::part().
  #callBtn = el('button', { className: 'primary', type: 'button', part: 'button' });
  #msgBtn = el('button', { type: 'button', hidden: true, part: 'message-button' });
  #fab = el('button', { className: 'fab', type: 'button', innerHTML: PHONE_ICON, part: 'fab' });
  #status = el('p', { className: 'status', part: 'status' });
  #panel = el('div', { className: 'panel', tabIndex: -1, part: 'panel' });
  #nameInput = el('input', { type: 'text', autocomplete: 'name', maxLength: 80 });
  #nameWords = document.createTextNode('');
  #nameLabel = el('label', { hidden: true }, this.#nameWords, this.#nameInput);
  #box = el('div', { className: 'hl', id: 'hl', part: 'box' }, this.#nameLabel, el('div', { className: 'row' }, this.#callBtn, this.#msgBtn), this.#status, this.#panel);
  #info?: EdgeStatus;
  /** The words in the element's language (English until its catalogue has arrived). */
  #S: Strings = english;
  /** The in-call controls' words; undefined: the softphone's own English ones. */
  #controls?: ControlLabels;
  #call?: CallHandle;
  /** Closes the menu or the message form, whichever is open (Escape). */
  #closePanel?: () => void;
  #poll = statusPoll((fresh) => this.#recheck(fresh));

  constructor() {
    super();
    this.#status.role = 'status'; // implies aria-live=polite (ARIA reflection sets the attribute)
    this.#fab.setAttribute('aria-controls', 'hl');
    this.#callBtn.onclick = () => {
      if (this.#callBtn.ariaDisabled !== 'true') void (this.#walksMenu ? this.#openMenu() : this.#startCall());
    };
    this.#msgBtn.onclick = () => this.showMessageForm();
    this.#fab.onclick = () => this.#open(this.#fab.ariaExpanded !== 'true');
    // The message form's name and the one next to the button are one answer: typed once, kept.
    this.#panel.addEventListener('input', (e) => {
      const t = e.target as HTMLInputElement;
      if (t.autocomplete === 'name') this.#nameInput.value = t.value;
    });
    this.#root.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key !== 'Escape') return;
      if (this.#closePanel) this.#closePanel();
      else if (this.floating && !this.#box.hidden) this.#open(false);
      else return;
      e.stopPropagation();
    });
    this.#root.append(el('style', { textContent: css }), this.#fab, this.#box);
  }

  get edge() { return edgeBase(this.getAttribute('edge'), import.meta.url); }
  get target() { return this.getAttribute('target') || 'owner'; }
  get label() { return this.getAttribute('label') || this.#S.defaultLabel; }
  get floating() { return this.hasAttribute('floating'); }

  connectedCallback() {
    this.#showName();
    this.#fab.hidden = !this.floating;
    if (this.floating) {
      this.#box.role = 'dialog';
      this.#open(false, false);
    }
    // The softphone is fetched while the status is asked (at idle, after the page's own load);
    // the menu, when the status says the page walks one.
    this.#prefetch(keepSoftphone);
    void this.#speak(elementLang(this)).then(() => this.check()).then(() => {
      if (this.dataset.state !== 'forbidden') this.#poll.start();
      if (this.#walksMenu) this.#prefetch(loadMenu);
    });
  }

  /** Takes the words of `lang` (English if its chunk cannot be fetched) and shows them. */
  async #speak(lang: Lang) {
    if (lang !== 'en') {
      try {
        ({ strings: this.#S, controlStrings: this.#controls } = await catalogues[lang]());
      } catch {
        lang = 'en';
      }
    }
    // Screen readers pronounce the widget's words in their language, whatever the page's is.
    this.#box.lang = lang;
    this.#msgBtn.textContent = this.#S.leaveMessage;
    this.#nameWords.data = this.#S.optionalName;
    this.#render();
  }

  disconnectedCallback() { this.#poll.stop(); }

  attributeChangedCallback() { if (this.isConnected && !this.#call) this.#render(); }

  // The button's text is its accessible name (no aria-label beside it to go stale at "Call again").
  #render() {
    this.#callBtn.textContent = this.label;
    this.#fab.ariaLabel = this.label;
    this.#box.ariaLabel = this.label;
  }

  /** Floating mode: shows or hides the box; focus goes into it, and back to the round button. */
  #open(show: boolean, moveFocus = true) {
    this.#box.hidden = !show;
    this.#fab.ariaExpanded = String(show);
    if (!moveFocus) return;
    if (!show) return this.#fab.focus();
    // The first control that can take focus (the name field may be hidden, or the Call button).
    for (const e of this.#box.querySelectorAll<HTMLElement>('input,button')) if ((e.focus(), this.#root.activeElement === e)) return;
  }

  /** The optional name field next to the button, when the page asked for it (`ask-name`). */
  #showName(show = true) { this.#nameLabel.hidden = !show || !this.hasAttribute('ask-name'); }
  #say(text: string) { if (this.#status.textContent !== text) this.#status.textContent = text; }
  /** aria-disabled, not disabled: the button stays in the tab order and keeps its name read out. */
  #callable(yes: boolean) { this.#callBtn.ariaDisabled = String(!yes); }
  #targetInfo(user = this.target) { return this.#info?.targets.find((t) => t.user === user); }
  #calleeName(user = this.target) {
    const t = this.#targetInfo(user);
    return t?.kind === 'ivr' ? t.label || this.#S.ivr.menuLabel : this.#info?.owner.name;
  }
  /** The embedded upstream has no voice menu: the page walks it before any call. */
  get #walksMenu() { return this.#targetInfo()?.kind === 'ivr' && this.#info?.upstream === 'embedded'; }

  /** Ask the edge before offering a call: ringing into nothing is worse than saying so. */
  async check(offerMessage = false) {
    this.#callable(false);
    this.#say(this.#S.checking);
    let info: EdgeStatus | undefined;
    let forbidden = false;
    try {
      info = await getStatus(this.edge);
    } catch (e) {
      if ((e as { code?: string }).code === 'HL_ORIGIN_FORBIDDEN') {
        // The visitor cannot fix this; the site owner reads the console.
        console.error(`homeline: add ${location.origin} to allowedOrigins (HOMELINE_ALLOWED_ORIGINS) of the edge ${this.edge} and restart it`);
        forbidden = true;
      }
    }
    await this.#show(info, offerMessage, forbidden);
  }

  /**
   * A re-check while the page is open: the button changes only when the answer did (a poll that
   * fails keeps what was known). Says whether it changed, for the poll's backoff.
   */
  async #recheck(fresh: boolean) {
    const info = await getStatus(this.edge, fresh ? 'no-cache' : 'default').catch(() => undefined);
    const was = this.#info?.owner;
    // Shown only while nothing is open (no call, menu or form).
    if (!info || this.#call || this.#panel.firstChild) return false;
    if (was && info.owner.reachable === was.reachable && info.owner.reason === was.reason) return false;
    await this.#show(info, !this.#msgBtn.hidden);
    return true;
  }

  async #show(info: EdgeStatus | undefined, offerMessage: boolean, forbidden = false) {
    this.#info = info;
    if (!info) {
      this.#say(forbidden ? this.#S.originForbidden : this.#S.statusUnknown);
      this.#callable(!forbidden);
      this.#msgBtn.hidden = forbidden;
      this.dataset.state = forbidden ? 'forbidden' : 'unknown';
      return;
    }
    const kind = this.#targetInfo()?.kind ?? 'owner';
    const { reachable, reason, name, opensAt } = info.owner;
    const ready = kind !== 'owner' || reachable;
    this.#callable(ready);
    this.#msgBtn.hidden = ready && !offerMessage;
    this.#say(ready ? (kind === 'owner' ? this.#S.available(name) : '')
      : reason === 'hours' && opensAt ? await this.#backAt(opensAt, name) : reason !== 'offline' ? this.#S.dnd(name) : this.#S.offline(name));
    this.dataset.state = ready ? 'ready' : 'unreachable';
  }

  /** "Back at 9:00": the time as the visitor's browser writes it, unless in another language than the words. */
  async #backAt(opensAt: string, name?: string) {
    const nav = navigator.language;
    try {
      return (await loadBackAt()).backAt(this.#S.backAt, opensAt, Date.now(), undefined, nav.startsWith(this.#box.lang) ? nav : this.#box.lang);
    } catch {
      return this.#S.dnd(name);
    }
  }

  /**
   * What the click will need, fetched once the page is idle (never before the site's own content):
   * the click then waits for no download.
   */
  #prefetch(load: () => Promise<unknown>) {
    const idle = () => (window.requestIdleCallback ?? setTimeout)(() => void load().catch(() => {}));
    if (document.readyState === 'complete') idle();
    else addEventListener('load', idle, { once: true });
  }

  async #openMenu() {
    this.#callBtn.hidden = this.#msgBtn.hidden = true;
    this.#showName(false);
    this.#say(this.#S.ivr.loading);
    this.dataset.state = 'loading';
    try {
      const [walk, menu] = await Promise.all([loadMenu(), getMenu(this.edge)]);
      this.#say('');
      this.dataset.state = 'menu';
      this.#closePanel = () => this.#closeMenu();
      walk.walkMenu({
        panel: this.#panel, strings: this.#S, menu,
        owner: this.#info!.owner,
        ownerNow: () => getStatus(this.edge).then((s) => s.owner, () => undefined),
        onNode: (id) => { this.dataset.node = id; },
        call: () => void this.#startCall('owner'),
        form: (intro, needNumber) => this.showMessageForm(intro, needNumber),
        close: () => this.#closeMenu(),
      });
    } catch {
      this.#say(this.#S.ivr.loadFailed);
      this.#closeMenu(false);
    }
  }

  #closeMenu(clear = true) {
    if (clear) { this.#panel.replaceChildren(); this.#say(''); }
    this.#closePanel = undefined;
    this.#callBtn.hidden = false;
    this.#showName();
    this.dataset.state = 'ready';
    delete this.dataset.node;
    this.#callBtn.focus();
  }

  async #startCall(target = this.target) {
    if (this.#call) return;
    this.#closePanel = undefined;
    delete this.dataset.node;
    // Both made inside the click so autoplay rules let the ringback and the remote voice play.
    const AC = window.AudioContext ?? (window as unknown as { webkitAudioContext: typeof AudioContext }).webkitAudioContext;
    const ctx = new AC();
    void ctx.resume();
    const audio = el('audio', { autoplay: true });
    audio.setAttribute('playsinline', '');
    audio.srcObject = new MediaStream();
    void audio.play().catch(() => {});
    // Focus was on the Call button, which goes: keep keyboard users in the box (Tab: Hang up).
    const keepFocus = this.#root.activeElement !== null;
    this.#callBtn.hidden = this.#msgBtn.hidden = true;
    this.#showName(false);
    this.#panel.replaceChildren(audio);
    if (keepFocus) this.#panel.focus();
    this.#say(this.#S.loading);
    this.dataset.state = 'loading';
    let sp: Softphone;
    try {
      sp = softphone ?? await keepSoftphone();
    } catch {
      this.#say(this.#S.loadFailed);
      this.#finish(ctx);
      return;
    }
    this.#call = sp.startCall({
      panel: this.#panel,
      status: this.#status,
      strings: this.#S,
      controls: this.#controls,
      calleeName: this.#calleeName(target),
      target,
      dtmfTransport: this.#info?.upstream === 'asterisk' ? 'RFC2833' : 'INFO',
      audio,
      ctx,
      edge: this.edge,
      visitorName: this.#nameInput.value.trim() || undefined,
      onEnded: (r) => this.#ended(r, ctx, sp),
      // 'ended' is set by ended() below, after data-reason, so readers see both together.
      onState: (state) => { if (state !== 'ended') this.dataset.state = state; },
    });
  }

  #ended(reason: EndReason, ctx: AudioContext, sp: Softphone) {
    this.#call = undefined;
    this.#finish(ctx);
    this.dataset.reason = reason.kind;
    this.dataset.state = 'ended';
    const missed = sp.offersMessage(reason);
    this.#msgBtn.hidden = !missed;
    if (sp.asksStatusAgain(reason)) void this.#refresh(missed);
  }

  async #refresh(offerMessage: boolean) {
    const said = this.#status.textContent;
    await this.check(offerMessage);
    if (this.dataset.state === 'ready') this.#say(said ?? '');
    // Refused outside the hours: why, then when they open again.
    else if (this.dataset.reason === 'closed') this.#say(`${said} ${this.#status.textContent}`);
    this.dataset.state = 'ended';
  }

  #finish(ctx: AudioContext) {
    void ctx.close().catch(() => {});
    this.#callBtn.hidden = false;
    this.#callable(true);
    this.#showName();
    this.#callBtn.textContent = this.#S.callAgain;
    // The call's controls went with focus in them: back to the button, unless the visitor moved on.
    if (document.activeElement === document.body || document.activeElement === this) this.#callBtn.focus();
  }

  /** `intro` says why the form is offered (from the menu); `needNumber` for a callback request. */
  async showMessageForm(intro?: string, needNumber = false) {
    let mod: Awaited<ReturnType<typeof loadMessageForm>>;
    try {
      mod = await loadMessageForm();
    } catch {
      this.#say(this.#S.loadFailed);
      return;
    }
    const back = () => {
      this.#closePanel = undefined;
      this.#showName();
    };
    const cancel = () => {
      back();
      if (intro) this.#closeMenu();
      else { this.#panel.replaceChildren(); this.#msgBtn.focus(); }
    };
    const form = mod.messageForm({
      strings: this.#S, intro, needNumber,
      name: this.#nameInput.value,
      edge: this.edge, status: this.#info,
      say: (text) => this.#say(text),
      sent: () => {
        back();
        this.#panel.replaceChildren();
        this.#msgBtn.hidden = true;
        this.#callBtn.hidden = false;
        this.#say(this.#S.messageSent);
        this.dataset.state = 'message-sent';
        this.#callBtn.focus();
      },
      cancel,
    });
    // The form asks the name itself: the field next to the button steps aside meanwhile.
    this.#showName(false);
    this.#closePanel = cancel;
    this.#panel.replaceChildren(form.el);
    form.focus();
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, HomelineCall);
