// The sandboxes: a live table fed by the watch stream (rows are updated in
// place), filters, row actions, and the apply editor.
import { api, canWrite, listAndWatch, namespaces, objectPath, readsAll } from './api.js';
import { age, clear, h, notice, until } from './dom.js';
import * as editor from './apply_editor.js';

const PHASES = ['Pending', 'Provisioning', 'Running', 'Succeeded', 'Failed', 'Suspended', 'Expired', 'Terminating'];

// The sandboxes as the table needs them (GET /console/sandboxes: each one
// cut down to the fields read here); the page may hold it already (app.js).
export const LIST = '/console/sandboxes';

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

const COLUMNS = ['Name', 'Namespace', 'Provider', 'Phase', 'Ready', 'Age', 'Expires', 'Restarts', 'Endpoints', ''];
// Rows built and painted at once when the page opens (more than a screen
// holds); the rest are built right after that first paint, so a long list
// shows its first screen without waiting for the whole. The count, the
// filters and the watch cover every row from the start (they build what is
// left first).
const FIRST_ROWS = 60;

// The next frame's turn, after it is drawn.
const afterNextPaint = (fn) => requestAnimationFrame(() => setTimeout(fn, 0));

const actionButtons = () => [h('button', { type: 'button', class: 'small' }),
  h('button', { type: 'button', class: 'small danger', 'data-action': 'delete' }, 'Delete')];

// One row's cells, cloned for every row (cheaper than building each), with
// or without the buttons. Its roles are said, since the table is not laid
// out as one (style.css, .rows-grid).
const prototypeRow = (writable) => {
  const tr = h('tr', { role: 'row' });
  for (const label of COLUMNS) tr.append(h('td', { role: 'cell', 'data-label': label }));
  tr.cells[0].append(h('a', { 'data-nav': true }));
  tr.cells[3].append(h('span', { class: 'phase' }));
  if (writable) tr.cells[9].append(...actionButtons());
  return tr;
};
const prototypes = { true: prototypeRow(true), false: prototypeRow(false) };

function fill(tr, o, writable, now = Date.now()) {
  const c = tr.cells;
  const { name, namespace } = o.metadata;
  const phase = phaseOf(o);
  const link = c[0].firstChild;
  link.href = `/sandboxes/${namespace}/${name}`;
  link.textContent = name;
  c[1].textContent = namespace;
  c[2].textContent = providerOf(o);
  c[3].firstChild.textContent = phase;
  c[3].firstChild.className = `phase phase-${phase.toLowerCase()}`;
  c[4].textContent = readyOf(o);
  c[5].textContent = age(o.metadata.creationTimestamp, now);
  c[6].textContent = until(o.status && o.status.expiresAt, now);
  c[7].textContent = String((o.status && o.status.restarts) || 0);
  const eps = (o.status && o.status.endpoints) || [];
  if (eps.length || c[8].firstChild) clear(c[8]).append(...endpointLinks(o));
  if (writable) {
    const suspended = !!o.spec.suspend;
    if (!c[9].firstChild) c[9].append(...actionButtons());
    c[9].firstChild.dataset.action = suspended ? 'resume' : 'suspend';
    c[9].firstChild.textContent = suspended ? 'Resume' : 'Suspend';
  }
  tr.dataset.phase = phase;
}

export function mount(root) {
  const rows = new Map();  // "ns/name" -> {o, tr, source}, sorted by key
  const filters = { ns: '', phase: '', labels: () => true };
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const count = h('span', { class: 'muted', id: 'sandbox-count' });
  const tbody = h('tbody', { role: 'rowgroup' });
  const nsSelect = h('select', { id: 'filter-ns', 'aria-label': 'Namespace' }, h('option', { value: '' }, 'All namespaces'));
  const phaseSelect = h('select', { id: 'filter-phase', 'aria-label': 'Phase' }, h('option', { value: '' }, 'All phases'),
    PHASES.map((p) => h('option', { value: p }, p)));
  const labelInput = h('input', { id: 'filter-labels', type: 'search', placeholder: 'labels: app=web,team!=b',
    'aria-label': 'Label selector', autocomplete: 'off', spellcheck: 'false' });
  const dialog = h('dialog', { class: 'confirm' });
  let pending = [];  // rows (in order, after every built one) not built yet

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
  // One listener for every row's buttons.
  tbody.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    const row = button && rows.get(button.closest('tr').dataset.key);
    if (!row) return;
    if (button.dataset.action === 'delete') confirmDelete(row.o);
    else act(row.o, button.dataset.action, status);
  });

  const visible = (o) => (!filters.ns || o.metadata.namespace === filters.ns) &&
    (!filters.phase || phaseOf(o) === filters.phase) && filters.labels(o.metadata.labels);

  const build = (o, now) => {
    const writable = canWrite(o.metadata.namespace);
    const tr = prototypes[writable].cloneNode(true);
    tr.dataset.key = keyOf(o);
    fill(tr, o, writable, now);
    tr.hidden = !visible(o);
    return tr;
  };

  // Builds and appends `count` of the rows not built yet.
  const buildPending = (count = pending.length) => {
    if (pending.length === 0) return;
    const now = Date.now();
    const fragment = document.createDocumentFragment();
    for (const row of pending.splice(0, count)) {
      row.tr = build(row.o, now);
      fragment.append(row.tr);
    }
    tbody.append(fragment);
    // Every row is in the table; the next frame draws them.
    if (pending.length === 0) {
      afterNextPaint(() => performance.mark('sandboxes:complete', { detail: { rows: tbody.rows.length } }));
    }
  };

  const updateCount = () => {
    let shown = 0;
    for (const { o } of rows.values()) if (visible(o)) shown++;
    const noun = rows.size === 1 ? 'sandbox' : 'sandboxes';
    count.textContent = shown === rows.size ? `${rows.size} ${noun}` : `${shown} of ${rows.size} ${noun}`;
  };

  const refreshNamespaces = () => {
    const seen = new Set([...rows.values()].map((r) => r.o.metadata.namespace));
    const have = new Set([...nsSelect.options].map((x) => x.value));
    for (const ns of [...seen].sort()) if (!have.has(ns)) nsSelect.append(h('option', { value: ns }, ns));
  };

  const upsert = (o, source) => {
    buildPending();
    const key = keyOf(o);
    const row = rows.get(key);
    if (row) {
      row.o = o;
      row.source = source;
      fill(row.tr, o, canWrite(o.metadata.namespace));
      row.tr.hidden = !visible(o);
      return;
    }
    const tr = build(o);
    // Rows stay sorted by namespace, then name; a new one goes in its place.
    const next = [...rows.keys()].find((k) => k > key);
    tbody.insertBefore(tr, next ? rows.get(next).tr : null);
    const sorted = [...rows.entries(), [key, { o, tr, source }]].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    rows.clear();
    for (const [k, v] of sorted) rows.set(k, v);
  };

  const onSync = (source) => (items) => {
    performance.mark('sandboxes:listed');
    // A full list: drop rows of this source that are gone, then fill in.
    if (rows.size > 0) buildPending();
    const keep = new Set(items.map(keyOf));
    for (const [k, r] of [...rows]) {
      if (r.source === source && !keep.has(k)) { r.tr.remove(); rows.delete(k); }
    }
    if (rows.size === 0) {
      items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
      for (const o of items) {
        const row = { o, tr: null, source };
        rows.set(keyOf(o), row);
        pending.push(row);
      }
      buildPending(FIRST_ROWS);
    } else {
      for (const o of items) upsert(o, source);
    }
    refreshNamespaces();
    updateCount();
    root.dataset.loaded = 'true';
    performance.mark('sandboxes:rendered');
    // The next frame: what the user sees. Then the rows below it.
    afterNextPaint(() => {
      performance.mark('sandboxes:painted', { detail: { rows: tbody.rows.length } });
      buildPending();
    });
  };
  const onEvent = (source) => (type, o) => {
    const key = keyOf(o);
    if (type === 'DELETED') {
      buildPending();
      const r = rows.get(key);
      if (r) { r.tr.remove(); rows.delete(key); }
    } else {
      upsert(o, source);
    }
    refreshNamespaces();
    updateCount();
  };

  const refilter = () => {
    buildPending();
    for (const { o, tr } of rows.values()) tr.hidden = !visible(o);
    updateCount();
  };
  nsSelect.addEventListener('change', () => { filters.ns = nsSelect.value; refilter(); });
  phaseSelect.addEventListener('change', () => { filters.phase = phaseSelect.value; refilter(); });
  labelInput.addEventListener('input', () => { filters.labels = parseSelector(labelInput.value); refilter(); });

  const table = h('table', { class: 'grid rows-grid', id: 'sandboxes', role: 'table' },
    h('caption', { class: 'visually-hidden' }, 'Sandboxes, updated live'),
    h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, COLUMNS.map((c) => h('th', { scope: 'col', role: 'columnheader' }, c)))),
    tbody);

  const applyPanel = canWrite() || namespaces().some((ns) => canWrite(ns)) ? editor.panel() : null;
  root.append(
    h('div', { class: 'toolbar' }, h('h1', {}, 'Sandboxes'), count),
    h('div', { class: 'filters' }, nsSelect, phaseSelect, labelInput),
    status,
    h('div', { class: 'table-wrap' }, table),
    applyPanel,
    dialog);

  // Listed cut down to what the table shows (the first wait of the page),
  // then watched whole.
  const sources = readsAll() ? [{ list: LIST, watch: '/v1/sandboxes' }]
    : namespaces().map((ns) => ({ list: `${LIST}?namespace=${ns}`, watch: `/v1/namespaces/${ns}/sandboxes` }));
  const stops = sources.map(({ list, watch }) => listAndWatch(watch, {
    list, onSync: onSync(watch), onEvent: onEvent(watch),
    onError: (e) => notice(status, `Cannot list sandboxes: ${e.message}`, 'error'),
  }));
  // Ages and expiry move with the clock, not with events.
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const { o, tr } of rows.values()) {
      if (!tr || tr.hidden) continue;
      tr.cells[5].textContent = age(o.metadata.creationTimestamp, now);
      tr.cells[6].textContent = until(o.status && o.status.expiresAt, now);
    }
  }, 5000);
  return () => { stops.forEach((s) => s()); clearInterval(ticker); pending = []; };
}
