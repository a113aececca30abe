// GitOps: each GitSync and directory sync with its revision, phase, health and message.
import { api } from './api.js';
import { age, clear, h, localTime, notice } from './dom.js';

export function mount(root) {
  const tbody = h('tbody', { id: 'syncs-body' });
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const empty = h('p', { class: 'muted', hidden: true }, 'No GitOps sync: apply a GitSync, or start the controller with --git REPO (or sesame up --git REPO, sesame up DIR).');
  const load = async () => {
    try {
      const list = await api('GET', '/v1/syncs');
      const items = list.items || [];
      clear(tbody).append(...items.map((o) => {
        const spec = o.spec || {};
        const s = o.status || {};
        const source = o.kind === 'GitSync' ? `${spec.repo || ''} @ ${spec.branch || 'main'}` : (spec.path || '');
        return h('tr', { class: s.phase === 'Failed' || s.phase === 'OutOfSync' ? 'warning' : '' },
          h('td', { 'data-label': 'Name' }, `${(o.kind || '').toLowerCase()}/${o.metadata.name}`),
          h('td', { 'data-label': 'Source' }, source),
          h('td', { 'data-label': 'Path' }, o.kind === 'GitSync' ? (spec.path || '.') : ''),
          h('td', { 'data-label': 'Revision', class: 'mono', title: s.revision || '' }, (s.revision || '').slice(0, 12)),
          h('td', { 'data-label': 'Phase' }, h('span', { class: `phase phase-${(s.phase || '').toLowerCase()}` }, s.phase || '')),
          h('td', { 'data-label': 'Health' }, s.health || ''),
          h('td', { 'data-label': 'Last sync', title: localTime(s.lastSyncTime) }, s.lastSyncTime ? `${age(s.lastSyncTime)} ago` : ''),
          h('td', { 'data-label': 'Objects' }, String(s.objects ?? '')),
          h('td', { 'data-label': 'Message', class: 'target' }, s.message || ''));
      }));
      empty.hidden = items.length > 0;
      notice(status, '');
    } catch (e) {
      notice(status, `Cannot read the syncs: ${e.message}`, 'error');
    }
  };
  root.append(
    h('div', { class: 'toolbar' }, h('h1', {}, 'GitOps syncs')),
    status,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'syncs' },
      h('thead', {}, h('tr', {}, ['Name', 'Source', 'Path', 'Revision', 'Phase', 'Health', 'Last sync', 'Objects', 'Message']
        .map((c) => h('th', { scope: 'col' }, c)))), tbody)),
    empty);
  load();
  const timer = setInterval(load, 5000);
  return () => clearInterval(timer);
}
