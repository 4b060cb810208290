// Shadow DOM styles of the button and its box; what only an open panel needs (the panel itself,
// call controls, keypad, menu) is in panel-styles.ts, loaded with the panels. A site themes the button through
// these custom properties (README, "Theme the button") and the parts `button`, `message-button`,
// `status`, `panel`, `box`, `fab`:
//   homeline-call { --homeline-accent: #0a7d3b; --homeline-radius: 4px; }
// Dark defaults follow prefers-color-scheme unless the element says theme="light" (or "dark").
// Every default pair meets WCAG AA: text 4.5:1, borders and the focus ring 3:1.
const dark = '--a:var(--homeline-accent,#1f6feb);--bg:var(--homeline-bg,#161b22);--fg:var(--homeline-fg,#e6edf3);--bd:var(--homeline-border,#8b949e);--mu:var(--homeline-muted-bg,#30363d);--d:var(--homeline-danger,#da3633);--f:var(--homeline-focus,#f0b429)';
const at = 'var(--homeline-offset,1.25rem)';

export const css = `
:host{display:inline-block;font:var(--homeline-font,inherit);color:var(--homeline-text,inherit);
--a:var(--homeline-accent,#0b6bcb);--at:var(--homeline-accent-text,#fff);--bg:var(--homeline-bg,#fff);
--fg:var(--homeline-fg,#1f2328);--bd:var(--homeline-border,#6e7781);--mu:var(--homeline-muted-bg,#eaeef2);
--d:var(--homeline-danger,#b3261e);--f:var(--homeline-focus,#9a4d00);--r:var(--homeline-radius,8px)}
@media(prefers-color-scheme:dark){:host(:not([theme=light])){${dark}}}
:host([theme=dark]){${dark}}
.hl{display:flex;flex-direction:column;gap:.5em;max-width:22em}
button,select,input,textarea{font:inherit;border-radius:var(--r);border:1px solid var(--bd);background:var(--bg);color:var(--fg)}
button{cursor:pointer;padding:.45em .9em;min-height:2.4em;white-space:nowrap}
.primary{background:var(--a);color:var(--at);border-color:var(--a);font-weight:600}
[aria-disabled=true]{background:var(--mu);color:var(--fg);border:1px dashed var(--bd);cursor:not-allowed}
:focus-visible{outline:3px solid var(--f);outline-offset:2px}
input{padding:.35em .5em}
label{display:flex;flex-direction:column;gap:.2em;font-size:.92em}
.status{margin:0;min-height:1.3em}
.panel:empty{display:none}
.row{display:flex;gap:.5em;flex-wrap:wrap;align-items:center}
.row:not(:has(>:not([hidden]))){display:none}
.fab,:host([floating]) .hl{position:fixed;right:${at};bottom:${at};z-index:var(--homeline-z,2147483000);box-shadow:0 6px 24px #0005}
.fab{width:3.5rem;height:3.5rem;border-radius:50%;padding:0;background:var(--a);color:var(--at);border:0;display:grid;place-items:center}
.fab svg{width:1.6rem;fill:currentColor}
:host([floating]) .hl{bottom:calc(${at} + 4.5rem);width:min(22em,calc(100vw - 2.5rem));max-height:calc(100vh - 7rem);overflow:auto;box-sizing:border-box;padding:1em;background:var(--bg);color:var(--fg);border:1px solid var(--bd);border-radius:var(--homeline-panel-radius,10px)}
[hidden]{display:none!important}
`;

export const PHONE_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 11a15 15 0 0 0 6 6l2-2a1 1 0 0 1 1-.3 11 11 0 0 0 4 .6 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1 11 11 0 0 0 .6 3.6 1 1 0 0 1-.3 1z"/></svg>';
