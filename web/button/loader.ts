// <homeline-call target="owner" label="Call me" edge="https://call.example.org" ask-name>
//
// The only script a site owner includes. It draws the button, asks the edge whether a call can
// go through, and loads the softphone (JsSIP, call UI) on the first click only.
//
//   checking ──status──▶ ready ──click──▶ softphone (its own states) ──ended──▶ ready
//       │                  │                                                   ▲
//       └─unreachable──▶ fallback (leave a message / callback) ────────────────┘
//
// A target of kind `ivr` (the operator menu, `target="100"`) on the embedded upstream opens the
// menu on screen first (ready ──click──▶ menu ──ring──▶ softphone to `owner`, or ──▶ form); on
// the Asterisk upstream it is a call, and the softphone shows the nodes the edge reports.
// The message form (message-form.ts) is fetched when it is first offered, like the softphone.
import { strings as english, type Strings } from './strings.ts';
import { css } from './styles.ts';
import { edgeBase, getMenu, getStatus, getToken, leaveMessage, type EdgeFailure } from './edge.ts';
import type { EdgeStatus } from '../shared/api.ts';
import type { CallHandle } from '../softphone/host.ts';
import type { EndReason } from '../softphone/end-reason.ts';
import type { ControlLabels } from '../shared/call-control-strings.ts';
import { elementLang, type Lang } from '../shared/lang.ts';

const TAG = 'homeline-call';
// The softphone first: bench/bundle.ts measures the loader's first lazy import as the softphone.
const loadSoftphone = () => import('../softphone/softphone.ts');
const loadMenu = () => import('../ivr/visual-walk.ts');
const loadMessageForm = () => import('./message-form.ts');
// Only outside the owner's hours: every other page view saves its bytes.
const loadBackAt = () => import('./back-at.ts');
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
  private root = this.attachShadow({ mode: 'open' });
  private callBtn = el('button', { className: 'primary', type: 'button' });
  private msgBtn = el('button', { type: 'button', hidden: true });
  private status = el('p', { className: 'status' });
  private panel = el('div', { className: 'panel' });
  private nameInput = el('input', { type: 'text', autocomplete: 'name', maxLength: 80 });
  private nameWords = document.createTextNode('');
  private nameLabel = el('label', { hidden: true }, this.nameWords, this.nameInput);
  private box = el('div', { className: 'hl' }, this.nameLabel, el('div', { className: 'row' }, this.callBtn, this.msgBtn), this.status, this.panel);
  private info?: EdgeStatus;
  private call?: CallHandle;
  /** The words in the element's language (English until its catalogue has arrived). */
  private S: Strings = english;
  /** The in-call controls' words; undefined: the softphone's own English ones. */
  private controls?: ControlLabels;

  constructor() {
    super();
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.status.part.add('status');
    this.callBtn.part.add('button');
    this.panel.part.add('panel');
    this.callBtn.onclick = () => (this.walksMenu ? this.openMenu() : this.startCall());
    this.msgBtn.onclick = () => this.showMessageForm();
    this.root.append(el('style', { textContent: css }), this.box);
  }

  get edge() { return edgeBase(this.getAttribute('edge'), import.meta.url); }
  get target() { return this.getAttribute('target') || 'owner'; }
  get label() { return this.getAttribute('label') || this.S.defaultLabel; }

  connectedCallback() {
    this.nameLabel.hidden = !this.hasAttribute('ask-name');
    void this.speak(elementLang(this)).then(() => this.check());
  }

  /** Takes the words of `lang` (English if its chunk cannot be fetched) and shows them. */
  private async speak(lang: Lang) {
    if (lang !== 'en') {
      try {
        ({ strings: this.S, controlStrings: this.controls } = await catalogues[lang]());
      } catch {
        lang = 'en';
      }
    }
    // Screen readers pronounce the widget's words in their language, whatever the page's is.
    this.box.lang = lang;
    this.msgBtn.textContent = this.S.leaveMessage;
    this.nameWords.data = this.S.optionalName;
    this.render();
  }

  attributeChangedCallback() { if (this.isConnected && !this.call) this.render(); }

  // The button's text is its accessible name: an aria-label beside it went stale at "Call again".
  private render() {
    this.callBtn.textContent = this.label;
  }

  private say(text: string) { this.status.textContent = text; }
  private targetInfo(user = this.target) { return this.info?.targets.find((t) => t.user === user); }
  private calleeName(user = this.target) {
    const t = this.targetInfo(user);
    return t?.kind === 'ivr' ? t.label || this.S.ivr.menuLabel : this.info?.owner.name || '';
  }
  /** The embedded upstream has no voice menu: the page walks it before any call. */
  private get walksMenu() { return this.targetInfo()?.kind === 'ivr' && this.info?.upstream === 'embedded'; }

  /** Ask the edge before offering a call: ringing into nothing is worse than saying so. */
  async check(offerMessage = false) {
    this.callBtn.disabled = true;
    this.say(this.S.checking);
    try {
      this.info = await getStatus(this.edge);
    } catch (e) {
      this.info = undefined;
      if ((e as EdgeFailure).code === 'HL_ORIGIN_FORBIDDEN') {
        // The visitor cannot fix this; the site owner reads the console.
        console.error(`homeline: the edge ${this.edge} refuses calls from ${location.origin}: add ${location.origin} to allowedOrigins in its homeline.config.json (or HOMELINE_ALLOWED_ORIGINS) and restart it.`);
        this.say(this.S.originForbidden);
        this.dataset.state = 'forbidden';
        this.msgBtn.hidden = true;
        return;
      }
      this.say(this.S.statusUnknown);
      this.callBtn.disabled = false;
      this.msgBtn.hidden = false;
      return;
    }
    const kind = this.targetInfo()?.kind ?? 'owner';
    const { reachable, reason, name, opensAt } = this.info.owner;
    if (kind !== 'owner' || reachable) {
      this.callBtn.disabled = false;
      this.msgBtn.hidden = !offerMessage;
      this.say(kind === 'owner' ? this.S.available(name) : '');
      this.dataset.state = 'ready';
    } else {
      this.callBtn.disabled = true;
      this.msgBtn.hidden = false;
      this.say(reason === 'hours' && opensAt ? await this.backAt(opensAt, name) : reason !== 'offline' ? this.S.dnd(name) : this.S.offline(name));
      this.dataset.state = 'unreachable';
    }
  }

  /** "Back at 9:00": the time as the visitor's browser writes it, unless in another language than the words. */
  private async backAt(opensAt: string, name: string) {
    const nav = navigator.language;
    try {
      return (await loadBackAt()).backAt(this.S.backAt, opensAt, Date.now(), undefined, nav.startsWith(this.box.lang) ? nav : this.box.lang);
    } catch {
      return this.S.dnd(name);
    }
  }

  private async openMenu() {
    this.callBtn.hidden = this.msgBtn.hidden = this.nameLabel.hidden = true;
    this.say(this.S.ivr.loading);
    this.dataset.state = 'loading';
    try {
      const [walk, menu] = await Promise.all([loadMenu(), getMenu(this.edge)]);
      this.say('');
      this.dataset.state = 'menu';
      walk.walkMenu({
        panel: this.panel, strings: this.S, menu,
        owner: this.info!.owner,
        ownerNow: () => getStatus(this.edge).then((s) => s.owner, () => undefined),
        onNode: (id) => { this.dataset.node = id; },
        call: () => void this.startCall('owner'),
        form: (intro, needNumber) => this.showMessageForm(intro, needNumber),
        close: () => this.closeMenu(),
      });
    } catch {
      this.say(this.S.ivr.loadFailed);
      this.closeMenu(false);
    }
  }

  private closeMenu(clear = true) {
    if (clear) { this.panel.replaceChildren(); this.say(''); }
    this.callBtn.hidden = false;
    this.nameLabel.hidden = !this.hasAttribute('ask-name');
    this.dataset.state = 'ready';
    delete this.dataset.node;
    this.callBtn.focus();
  }

  private async startCall(target = this.target) {
    if (this.call) return;
    delete this.dataset.node;
    // Both made inside the click so autoplay rules let the ringback and the remote voice play.
    const AC = window.AudioContext ?? (window as unknown as { webkitAudioContext: typeof AudioContext }).webkitAudioContext;
    const ctx = new AC();
    void ctx.resume();
    const audio = el('audio', { autoplay: true });
    audio.setAttribute('playsinline', '');
    audio.srcObject = new MediaStream();
    void audio.play().catch(() => {});
    this.callBtn.hidden = this.msgBtn.hidden = true;
    this.nameLabel.hidden = true;
    this.panel.replaceChildren(audio);
    this.say(this.S.loading);
    this.dataset.state = 'loading';
    let sp: Awaited<ReturnType<typeof loadSoftphone>>;
    try {
      sp = await loadSoftphone();
    } catch {
      this.say(this.S.loadFailed);
      this.finish(ctx);
      return;
    }
    const name = this.nameInput.value.trim() || undefined;
    this.call = sp.startCall({
      panel: this.panel,
      status: this.status,
      strings: this.S,
      controls: this.controls,
      calleeName: this.calleeName(target),
      target,
      dtmfTransport: this.info?.upstream === 'asterisk' ? 'RFC2833' : 'INFO',
      audio,
      ctx,
      fetchToken: () => getToken(this.edge, target, name),
      onEnded: (r) => this.ended(r, ctx),
      // 'ended' is set by ended() below, after data-reason, so readers see both together.
      onState: (state) => { if (state !== 'ended') this.dataset.state = state; },
    });
  }

  private ended(reason: EndReason, ctx: AudioContext) {
    this.call = undefined;
    this.finish(ctx);
    this.dataset.reason = reason.kind;
    this.dataset.state = 'ended';
    // After a call that never reached the owner (or whose audio could not get through the
    // visitor's network), offer to leave word instead.
    const missed = ['declined', 'busy', 'noAnswer', 'unavailable', 'closed', 'linesBusy', 'tooManyAttempts', 'iceFailed'].includes(reason.kind);
    this.msgBtn.hidden = !missed;
    if (reason.kind !== 'rateLimited' && !reason.kind.startsWith('mic')) void this.refresh(missed);
  }

  private async refresh(offerMessage: boolean) {
    const said = this.status.textContent;
    await this.check(offerMessage);
    if (this.dataset.state === 'ready') this.say(said ?? '');
    // Refused outside the hours: why, then when they open again.
    else if (this.dataset.reason === 'closed') this.say(`${said} ${this.status.textContent}`);
    this.dataset.state = 'ended';
  }

  private finish(ctx: AudioContext) {
    void ctx.close().catch(() => {});
    this.callBtn.hidden = false;
    this.callBtn.disabled = false;
    this.nameLabel.hidden = !this.hasAttribute('ask-name');
    this.callBtn.textContent = this.S.callAgain;
  }

  /** `intro` says why the form is offered (from the menu); `needNumber` for a callback request. */
  async showMessageForm(intro?: string, needNumber = false) {
    let mod: Awaited<ReturnType<typeof loadMessageForm>>;
    try {
      mod = await loadMessageForm();
    } catch {
      this.say(this.S.loadFailed);
      return;
    }
    const form = mod.messageForm({
      strings: this.S, intro, needNumber,
      name: this.nameInput.value,
      edge: this.edge, status: this.info,
      send: (m) => leaveMessage(this.edge, m),
      say: (text) => this.say(text),
      sent: () => {
        this.panel.replaceChildren();
        this.msgBtn.hidden = true;
        this.callBtn.hidden = false;
        this.say(this.S.messageSent);
        this.dataset.state = 'message-sent';
      },
      cancel: () => (intro ? this.closeMenu() : (this.panel.replaceChildren(), this.msgBtn.focus())),
    });
    this.panel.replaceChildren(form.el);
    form.focus();
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, HomelineCall);
