// Shadow DOM styles. Theme from the host page through custom properties, e.g.
//   homeline-call { --homeline-accent: #0a7d3b; --homeline-radius: 4px; }
export const css = `
:host{display:inline-block;font:var(--homeline-font,inherit);color:var(--homeline-text,inherit);
--a:var(--homeline-accent,#0b6bcb);--at:var(--homeline-accent-text,#fff);--bg:var(--homeline-bg,#fff);
--bd:var(--homeline-border,#8a8f98);--r:var(--homeline-radius,8px);--d:var(--homeline-danger,#b3261e)}
.hl{display:flex;flex-direction:column;gap:.5em;max-width:22em}
button,select,input,textarea{font:inherit;border-radius:var(--r)}
button{cursor:pointer;border:1px solid var(--bd);background:var(--bg);color:inherit;padding:.45em .9em;min-height:2.4em}
button.primary{background:var(--a);color:var(--at);border-color:var(--a);font-weight:600}
button.danger{background:var(--d);color:#fff;border-color:var(--d)}
button:disabled{opacity:.55;cursor:not-allowed}
button[aria-pressed=true]{background:var(--bd);color:#fff}
:focus-visible{outline:3px solid var(--homeline-focus,#f5a300);outline-offset:2px}
input,textarea,select{border:1px solid var(--bd);padding:.35em .5em;background:var(--bg);color:inherit}
label{display:flex;flex-direction:column;gap:.2em;font-size:.92em}
.status{margin:0;min-height:1.3em}
.panel:empty{display:none}
.panel{border:1px solid var(--bd);border-radius:var(--homeline-panel-radius,10px);padding:.75em;background:var(--bg);display:flex;flex-direction:column;gap:.6em}
.row{display:flex;gap:.5em;flex-wrap:wrap;align-items:center}
.row:not(:has(>:not([hidden]))){display:none}
.keys{display:grid;grid-template-columns:repeat(3,3em);gap:.3em}
.keys button{padding:.3em 0}
.timer{font-variant-numeric:tabular-nums;font-weight:600}
.ivr,.ivr-options{display:flex;flex-direction:column;gap:.4em}
.ivr-options button{text-align:start}
.ivr p,form p{margin:0}
.panel>.panel{border:0;padding:0}
.panel>button{align-self:flex-start}
.ivr-hint{font-size:.88em;opacity:.85}
[hidden]{display:none!important}
`;
