// Styles only an open panel needs (call controls, keypad, the menu), added to the button's shadow
// root by the lazily loaded panels themselves, so the loader every page fetches stays small.
// The custom properties they use are set by styles.ts. The call controls' row becomes two, in
// the order Tab takes (Mute, Keypad, then Hang up), so Hang up never wraps alone at any width.
const panelCss = `
.panel{border:1px solid var(--bd);border-radius:var(--homeline-panel-radius,10px);padding:.75em;background:var(--bg);color:var(--fg);display:flex;flex-direction:column;gap:.6em}
.panel .panel,:host([floating]) .panel{border:0;padding:0}
.panel:focus{outline:0}
.panel>button{align-self:flex-start}
.danger{background:var(--d);color:var(--homeline-danger-text,#fff);border-color:var(--d);font-weight:600}
[aria-pressed=true]{background:var(--fg);color:var(--bg)}
textarea,select{padding:.35em .5em}
.keys{display:grid;grid-template-columns:repeat(3,3em);gap:.3em}
.keys button{padding:.3em 0}
.timer{font-variant-numeric:tabular-nums;font-weight:600}
.controls{display:flex;flex-direction:column;gap:.5em}
.controls>.row:first-child{display:grid;grid-template-columns:auto auto;justify-content:start;grid-template-areas:"m k" "t h";gap:.5em;align-items:center;justify-items:start}
.controls .timer{grid-area:t}
.controls .danger{grid-area:h}
.controls [aria-pressed]{grid-area:m}
.controls [aria-expanded]{grid-area:k}
.ivr,.ivr-options{display:flex;flex-direction:column;gap:.4em}
.ivr-options button{text-align:start;white-space:normal;display:flex;gap:.7em;align-items:baseline}
.ivr-options .key{font-weight:700;min-width:1ch;font-variant-numeric:tabular-nums}
.ivr p,form p{margin:0}
.ivr-hint{font-size:.88em}
`;

/** Adds the panel styles to the shadow root `node` lives in, once. */
export function usePanelStyles(node: Node): void {
  const root = node.getRootNode() as ShadowRoot | Document;
  if (!(root instanceof ShadowRoot) || root.querySelector('style[data-panel]')) return;
  const style = document.createElement('style');
  style.dataset.panel = '';
  style.textContent = panelCss;
  root.append(style);
}
