// Blocked callers: the list with an Unblock button each, and the small dialog the Block button on
// a call row opens (address or network, for how many days). A block names its call by id; the
// edge keeps which address that was (server/owner/blocks.ts).
import { edgeFetch, EdgeError } from '../shared/api.ts';
import { h } from '../shared/dom.ts';
import { ownerStrings } from './strings.ts';
import { table, when } from './table.ts';
import type { CallRow } from './calls-list.ts';

interface BlockRecord {
  id: number;
  scope: 'address' | 'network';
  callId: string | null;
  callName: string | null;
  callStartedAt: number | null;
  createdAt: number;
  expiresAt: number;
}

export function mountBlocksPanel(root: HTMLElement, base: string): { refresh(): Promise<void>; blockButton(c: CallRow): Node | string } {
  // Read at mount, not at import: ownerStrings is the catalogue the console chose (language.ts).
  const S = ownerStrings.blocks;
  const list = h('div');
  const error = h('p', { attrs: { role: 'alert' } });
  const title = h('h3', {});
  const network = h('input', { type: 'radio', name: 'scope', value: 'network' });
  const address = h('input', { type: 'radio', name: 'scope', value: 'address', checked: true });
  const days = h('input', { type: 'number', min: '1', max: '365', value: '30', required: true });
  const cancel = h('button', { type: 'button', textContent: S.cancel });
  const form = h('form', { method: 'dialog' }, title,
    h('label', {}, address, S.scopeAddress), h('label', {}, network, S.scopeNetwork),
    h('label', {}, S.days, days), error,
    h('div', { className: 'row' }, h('button', { type: 'submit', className: 'danger', textContent: S.confirm }), cancel));
  const dialog = h('dialog', { id: 'block-dialog' }, form);
  root.replaceChildren(h('h2', { id: 'h-blocks', textContent: S.title }), list, dialog);
  let callId = '';

  const refresh = async () => {
    const { blocks } = await edgeFetch<{ blocks: BlockRecord[] }>(base, 'api/owner/blocks');
    list.replaceChildren(table([S.col.since, S.col.what, S.col.call, S.col.until, S.col.action], blocks.map((b) => {
      const lift = h('button', { type: 'button', textContent: S.unblock });
      lift.onclick = async () => {
        lift.disabled = true;
        await edgeFetch(base, `api/owner/blocks/${b.id}`, { method: 'DELETE' }).catch(() => {});
        await refresh();
      };
      return [when(b.createdAt), S.what(b.scope), b.callStartedAt ? S.call(b.callName, when(b.callStartedAt)) : '', when(b.expiresAt), lift];
    })));
  };

  cancel.onclick = () => dialog.close();
  form.onsubmit = async (e) => {
    e.preventDefault();
    error.textContent = '';
    const scope = network.checked ? 'network' : 'address';
    try {
      await edgeFetch(base, 'api/owner/blocks', { method: 'POST', body: JSON.stringify({ callId, scope, days: Number(days.value) }) });
      dialog.close();
      await refresh();
    } catch (err) {
      error.textContent = (err as EdgeError).status === 404 ? S.tooOld : S.failed;
    }
  };

  // Another tab blocked or lifted a block (the console's live channel, main.ts).
  window.addEventListener('homeline:owner-event', (e) => {
    const type = (e as CustomEvent<{ type: string }>).detail.type;
    if (type === 'blocks' || type === 'resync') void refresh().catch(() => {});
  });

  return {
    refresh,
    blockButton(c: CallRow) {
      if (!c.caller) return '';
      const b = h('button', { type: 'button', textContent: S.block, attrs: { 'data-block': c.id } });
      b.onclick = () => {
        callId = c.id;
        title.textContent = S.blockTitle(c.name || c.visitor || '');
        error.textContent = '';
        address.checked = true;
        dialog.showModal();
      };
      return b;
    },
  };
}
