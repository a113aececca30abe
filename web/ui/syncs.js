// GitOps: each sync with the revision it applied, its outcome and last error.
import { api } from './api.js';
import { age, clear, h, localTime, notice } from './dom.js';

export function mount(root) {
  const tbody = h('tbody', { id: 'syncs-body' });
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const empty = h('p', { class: 'muted', hidden: true }, 'No GitOps sync: start the controller with --git REPO (or sesame up --git REPO).');
  const load = async () => {
    try {
      const list = await api('GET', '/v1/syncs');
      const items = list.items || [];
      clear(tbody).append(...items.map((s) => h('tr', { class: s.outcome === 'Failed' ? 'warning' : '' },
        h('td', { 'data-label': 'Applyset' }, s.applyset),
        h('td', { 'data-label': 'Repository' }, s.repo || ''),
        h('td', { 'data-label': 'Branch / path' }, [s.branch, s.path].filter(Boolean).join(' : ')),
        h('td', { 'data-label': 'Revision', class: 'mono', title: s.revision || '' }, (s.revision || '').slice(0, 12)),
        h('td', { 'data-label': 'Status' }, h('span', { class: `phase phase-${(s.outcome || '').toLowerCase()}` }, s.outcome || '')),
        h('td', { 'data-label': 'Last attempt', title: localTime(s.time) }, s.time ? `${age(s.time)} ago` : ''),
        h('td', { 'data-label': 'Objects' }, String(s.objects ?? '')),
        h('td', { 'data-label': 'Last error', class: 'target' }, s.error || ''))));
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
      h('thead', {}, h('tr', {}, ['Applyset', 'Repository', 'Branch / path', 'Revision', 'Status', 'Last attempt', 'Objects', 'Last error']
        .map((c) => h('th', { scope: 'col' }, c)))), tbody)),
    empty);
  load();
  const timer = setInterval(load, 5000);
  return () => clearInterval(timer);
}
