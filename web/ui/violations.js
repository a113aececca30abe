// Violations: every blocked attempt across the sandboxes this session may
// read, live from the stream, newest first, with filters and counts.
import { namespaces, readsAll } from './api.js';
import { clear, h, localTime } from './dom.js';

const KINDS = ['filesystem', 'network', 'syscall'];
const MAX_KEPT = 5000;

export function violationHeader(withSandbox = true) {
  const cols = ['Time', ...(withSandbox ? ['Sandbox'] : []), 'Kind', 'Operation', 'Target', 'Rule'];
  return h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c))));
}

export function violationRow(v, withSandbox = true) {
  const sb = v.sandbox || {};
  return h('tr', { class: `violation kind-${v.kind}`, dataset: { id: String(v.id), kind: v.kind } },
    h('td', { 'data-label': 'Time' }, h('time', { datetime: v.time }, localTime(v.time))),
    withSandbox ? h('td', { 'data-label': 'Sandbox' },
      h('a', { href: `/sandboxes/${sb.namespace}/${sb.name}`, 'data-nav': true }, `${sb.namespace}/${sb.name}`)) : null,
    h('td', { 'data-label': 'Kind' }, h('span', { class: `badge kind-${v.kind}` }, v.kind)),
    h('td', { 'data-label': 'Operation' }, v.operation),
    h('td', { 'data-label': 'Target', class: 'target' }, v.target),
    h('td', { 'data-label': 'Rule' }, v.rule));
}

export function mount(root) {
  const all = [];  // newest first
  const counts = new Map(KINDS.map((k) => [k, 0]));
  const tbody = h('tbody', { id: 'violations-body' });
  const countBox = h('div', { class: 'counts', id: 'violation-counts', 'aria-live': 'polite' });
  const kindSelect = h('select', { id: 'filter-kind', 'aria-label': 'Kind' }, h('option', { value: '' }, 'All kinds'),
    KINDS.map((k) => h('option', { value: k }, k)));
  const sandboxInput = h('input', { id: 'filter-sandbox', type: 'search', placeholder: 'sandbox', 'aria-label': 'Sandbox' });
  const ruleInput = h('input', { id: 'filter-rule', type: 'search', placeholder: 'rule', 'aria-label': 'Rule' });
  const empty = h('p', { class: 'muted', id: 'violations-empty' }, 'No blocked attempts yet.');

  const matches = (v) => (!kindSelect.value || v.kind === kindSelect.value) &&
    (!sandboxInput.value || `${v.sandbox.namespace}/${v.sandbox.name}`.includes(sandboxInput.value.trim())) &&
    (!ruleInput.value || (v.rule || '').includes(ruleInput.value.trim()));

  const drawCounts = () => {
    clear(countBox).append(...[...counts].map(([k, n]) => h('button', { type: 'button', class: `count kind-${k}`,
      'aria-pressed': String(kindSelect.value === k), dataset: { kind: k },
      onclick: () => { kindSelect.value = kindSelect.value === k ? '' : k; redraw(); } },
    h('strong', {}, String(n)), ` ${k}`)));
  };
  const redraw = () => {
    clear(tbody);
    const frag = document.createDocumentFragment();
    for (const v of all) if (matches(v)) frag.append(violationRow(v));
    tbody.append(frag);
    empty.hidden = tbody.rows.length > 0;
    drawCounts();
  };
  for (const el of [kindSelect, sandboxInput, ruleInput]) el.addEventListener('input', redraw);

  // Events arrive oldest first; a burst is drawn once per frame.
  let pending = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    const frag = document.createDocumentFragment();
    for (let i = batch.length - 1; i >= 0; i--) if (matches(batch[i])) frag.append(violationRow(batch[i]));
    tbody.prepend(frag);
    while (tbody.rows.length > MAX_KEPT) tbody.lastElementChild.remove();
    empty.hidden = tbody.rows.length > 0;
    drawCounts();
  };
  const seen = new Set();
  const onViolation = (e) => {
    const v = JSON.parse(e.data);
    if (seen.has(v.id)) return;  // a reconnect replays
    seen.add(v.id);
    all.unshift(v);
    if (all.length > MAX_KEPT) all.pop();
    counts.set(v.kind, (counts.get(v.kind) || 0) + 1);
    pending.push(v);
    if (!scheduled) { scheduled = true; requestAnimationFrame(flush); }
  };
  const urls = readsAll() ? ['/v1/violations?watch=true'] : namespaces().map((ns) => `/v1/namespaces/${ns}/violations?watch=true`);
  const sources = urls.map((u) => {
    const s = new EventSource(u);
    s.addEventListener('violation', onViolation);
    return s;
  });

  root.append(
    h('div', { class: 'toolbar' }, h('h1', {}, 'Violations'), h('span', { class: 'muted' }, 'live, newest first')),
    countBox,
    h('div', { class: 'filters' }, kindSelect, sandboxInput, ruleInput),
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id: 'violations' }, violationHeader(true), tbody)),
    empty);
  drawCounts();
  return () => sources.forEach((s) => s.close());
}
