// The sandboxes: a live table fed by the watch stream (rows are updated in
// place), filters, row actions, and the apply editor.
import { api, canWrite, listAndWatch, namespaces, objectPath, readsAll } from './api.js';
import { age, clear, h, notice, until } from './dom.js';
import * as editor from './apply_editor.js';

const PHASES = ['Pending', 'Provisioning', 'Running', 'Succeeded', 'Failed', 'Suspended', 'Expired', 'Terminating'];

export function phaseOf(o) {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  return (o.status && o.status.phase) || 'Pending';
}

export function readyOf(o) {
  const c = ((o.status && o.status.conditions) || []).find((x) => x.type === 'Ready');
  return c ? c.status : 'Unknown';
}

export function providerOf(o) {
  return (o.status && o.status.providerRef && o.status.providerRef.provider) || o.spec.provider || '';
}

export function keyOf(o) {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}

// "app=web,tier!=db,team" -> a predicate over a labels object.
export function parseSelector(text) {
  const terms = text.split(',').map((t) => t.trim()).filter(Boolean).map((t) => {
    const m = t.match(/^(!?)([^=!]+?)\s*(?:(==|=|!=)\s*(.*))?$/);
    if (!m) return () => false;
    const [, not, key, op, value] = m;
    if (!op) return (l) => (not ? !(key in l) : key in l);
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  });
  return (labels) => terms.every((t) => t(labels || {}));
}

function endpointLinks(o) {
  const eps = (o.status && o.status.endpoints) || [];
  return eps.map((e) => h('a', { href: `/preview/${o.metadata.namespace}/${o.metadata.name}/${e.port}/`,
    target: '_blank', rel: 'noopener', title: e.url }, String(e.port)));
}

async function act(o, what, status) {
  const path = objectPath(o);
  try {
    if (what === 'delete') await api('DELETE', path);
    else await api('PATCH', path, { body: { spec: { suspend: what === 'suspend' } }, type: 'application/merge-patch+json' });
    notice(status, `sandbox/${o.metadata.name}: ${what} requested`, 'ok');
  } catch (e) {
    notice(status, `sandbox/${o.metadata.name}: ${e.message}`, 'error');
  }
}

function actions(o, status, confirmDelete) {
  if (!canWrite(o.metadata.namespace)) return [];
  const suspended = !!o.spec.suspend;
  return [
    h('button', { type: 'button', class: 'small', 'data-action': suspended ? 'resume' : 'suspend',
      onclick: () => act(o, suspended ? 'resume' : 'suspend', status) }, suspended ? 'Resume' : 'Suspend'),
    h('button', { type: 'button', class: 'small danger', 'data-action': 'delete',
      onclick: () => confirmDelete(o) }, 'Delete'),
  ];
}

export function mount(root, { navigate }) {
  const rows = new Map();  // "ns/name" -> {o, tr}
  const filters = { ns: '', phase: '', labels: () => true };
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const count = h('span', { class: 'muted', id: 'sandbox-count' });
  const tbody = h('tbody');
  const nsSelect = h('select', { id: 'filter-ns', 'aria-label': 'Namespace' }, h('option', { value: '' }, 'All namespaces'));
  const phaseSelect = h('select', { id: 'filter-phase', 'aria-label': 'Phase' }, h('option', { value: '' }, 'All phases'),
    PHASES.map((p) => h('option', { value: p }, p)));
  const labelInput = h('input', { id: 'filter-labels', type: 'search', placeholder: 'labels: app=web,team!=b',
    'aria-label': 'Label selector', autocomplete: 'off', spellcheck: 'false' });
  const dialog = h('dialog', { class: 'confirm' });

  const confirmDelete = (o) => {
    clear(dialog).append(
      h('form', { method: 'dialog' },
        h('p', {}, `Delete sandbox/${o.metadata.name} in ${o.metadata.namespace}? Its provider resource goes too.`),
        h('div', { class: 'row' },
          h('button', { value: 'cancel', autofocus: true }, 'Cancel'),
          h('button', { value: 'delete', class: 'danger', id: 'confirm-delete' }, 'Delete'))));
    dialog.onclose = () => { if (dialog.returnValue === 'delete') act(o, 'delete', status); };
    dialog.showModal();
  };

  const visible = (o) => (!filters.ns || o.metadata.namespace === filters.ns) &&
    (!filters.phase || phaseOf(o) === filters.phase) && filters.labels(o.metadata.labels);

  const fill = (tr, o) => {
    const now = Date.now();
    const phase = phaseOf(o);
    const cells = [
      h('a', { href: `/sandboxes/${o.metadata.namespace}/${o.metadata.name}`, 'data-nav': true }, o.metadata.name),
      o.metadata.namespace, providerOf(o),
      h('span', { class: `phase phase-${phase.toLowerCase()}` }, phase),
      readyOf(o), age(o.metadata.creationTimestamp, now),
      until(o.status && o.status.expiresAt, now), String((o.status && o.status.restarts) || 0),
      endpointLinks(o), actions(o, status, confirmDelete),
    ];
    const labels = ['Name', 'Namespace', 'Provider', 'Phase', 'Ready', 'Age', 'Expires', 'Restarts', 'Endpoints', ''];
    clear(tr);
    cells.forEach((c, i) => tr.append(h('td', { 'data-label': labels[i] }, c)));
    tr.hidden = !visible(o);
    tr.dataset.phase = phase;
  };

  const updateCount = () => {
    let shown = 0;
    for (const { tr } of rows.values()) if (!tr.hidden) shown++;
    count.textContent = shown === rows.size ? `${rows.size} sandboxes` : `${shown} of ${rows.size} sandboxes`;
  };

  const refreshNamespaces = () => {
    const seen = new Set([...rows.values()].map((r) => r.o.metadata.namespace));
    const have = new Set([...nsSelect.options].map((x) => x.value));
    for (const ns of [...seen].sort()) if (!have.has(ns)) nsSelect.append(h('option', { value: ns }, ns));
  };

  // Rows stay sorted by namespace, then name; a new one goes in its place.
  const insert = (key, tr) => {
    for (const [k, r] of rows) {
      if (k > key) { tbody.insertBefore(tr, r.tr); return; }
    }
    tbody.append(tr);
  };

  const upsert = (o) => {
    const key = keyOf(o);
    const row = rows.get(key);
    if (row) {
      row.o = o;
      fill(row.tr, o);
      return;
    }
    const tr = h('tr', { dataset: { key } });
    fill(tr, o);
    insert(key, tr);
    const sorted = [...rows.entries(), [key, { o, tr }]].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    rows.clear();
    for (const [k, v] of sorted) rows.set(k, v);
  };

  const onSync = (source) => (items) => {
    // A full list: drop rows of this source that are gone, then fill in.
    const keep = new Set(items.map(keyOf));
    for (const [k, r] of [...rows]) {
      if (r.source === source && !keep.has(k)) { r.tr.remove(); rows.delete(k); }
    }
    if (rows.size === 0) {
      const frag = document.createDocumentFragment();
      items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
      for (const o of items) {
        const tr = h('tr', { dataset: { key: keyOf(o) } });
        fill(tr, o);
        frag.append(tr);
        rows.set(keyOf(o), { o, tr, source });
      }
      tbody.append(frag);
    } else {
      for (const o of items) { upsert(o); rows.get(keyOf(o)).source = source; }
    }
    refreshNamespaces();
    updateCount();
    root.dataset.loaded = 'true';
  };
  const onEvent = (source) => (type, o) => {
    const key = keyOf(o);
    if (type === 'DELETED') {
      const r = rows.get(key);
      if (r) { r.tr.remove(); rows.delete(key); }
    } else {
      upsert(o);
      rows.get(key).source = source;
    }
    refreshNamespaces();
    updateCount();
  };

  const refilter = () => {
    for (const { o, tr } of rows.values()) tr.hidden = !visible(o);
    updateCount();
  };
  nsSelect.addEventListener('change', () => { filters.ns = nsSelect.value; refilter(); });
  phaseSelect.addEventListener('change', () => { filters.phase = phaseSelect.value; refilter(); });
  labelInput.addEventListener('input', () => { filters.labels = parseSelector(labelInput.value); refilter(); });

  const table = h('table', { class: 'grid', id: 'sandboxes' },
    h('caption', { class: 'visually-hidden' }, 'Sandboxes, updated live'),
    h('thead', {}, h('tr', {}, ['Name', 'Namespace', 'Provider', 'Phase', 'Ready', 'Age', 'Expires', 'Restarts', 'Endpoints', '']
      .map((c) => h('th', { scope: 'col' }, c)))),
    tbody);

  const applyPanel = canWrite() || namespaces().some((ns) => canWrite(ns)) ? editor.panel() : null;
  root.append(
    h('div', { class: 'toolbar' }, h('h1', {}, 'Sandboxes'), count),
    h('div', { class: 'filters' }, nsSelect, phaseSelect, labelInput),
    status,
    h('div', { class: 'table-wrap' }, table),
    applyPanel,
    dialog);

  const sources = readsAll() ? ['/v1/sandboxes'] : namespaces().map((ns) => `/v1/namespaces/${ns}/sandboxes`);
  const stops = sources.map((src) => listAndWatch(src, {
    onSync: onSync(src), onEvent: onEvent(src),
    onError: (e) => notice(status, `Cannot list sandboxes: ${e.message}`, 'error'),
  }));
  // Ages and expiry move with the clock, not with events.
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const { o, tr } of rows.values()) {
      if (tr.hidden) continue;
      tr.cells[5].textContent = age(o.metadata.creationTimestamp, now);
      tr.cells[6].textContent = until(o.status && o.status.expiresAt, now);
    }
  }, 5000);
  return () => { stops.forEach((s) => s()); clearInterval(ticker); };
}
