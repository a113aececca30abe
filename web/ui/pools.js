// Pools and quotas: each SandboxPool with its warm and claimed counts and
// conditions, and each SandboxQuota with what its namespace uses of it.
import { api } from './api.js';
import { age, clear, h, notice } from './dom.js';

// "QuotaExceeded: ..." for the pool's conditions that are not True/Ready.
function conditionText(conditions = []) {
  return conditions.filter((c) => c.status !== 'True')
    .map((c) => `${c.reason || c.type}${c.message ? `: ${c.message}` : ''}`).join('; ');
}

// "sandboxes 3/5, memory 2Gi/8Gi": used over hard, for each limited amount.
export function quotaText(hard = {}, used = {}) {
  return Object.keys(hard).map((k) => `${k} ${used[k] ?? 0}/${hard[k]}`).join(', ');
}

export function mount(root) {
  const pools = h('tbody', { id: 'pools-body' });
  const quotas = h('tbody', { id: 'quotas-body' });
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const noPools = h('p', { class: 'muted', hidden: true }, 'No pool: apply a SandboxPool to keep sandboxes warm.');
  const noQuotas = h('p', { class: 'muted', hidden: true }, 'No quota: apply a SandboxQuota to cap a namespace.');
  const load = async () => {
    try {
      const [p, q] = await Promise.all([api('GET', '/v1/pools'), api('GET', '/v1/quotas')]);
      const poolItems = p.items || [];
      clear(pools).append(...poolItems.map((o) => {
        const spec = o.spec || {};
        const s = o.status || {};
        const problem = conditionText(s.conditions);
        return h('tr', { class: problem ? 'warning' : '', dataset: { key: `${o.metadata.namespace}/${o.metadata.name}` } },
          h('td', { 'data-label': 'Name' }, `${o.metadata.namespace}/${o.metadata.name}`),
          h('td', { 'data-label': 'Provider' }, (spec.template || {}).provider || (spec.templateRef ? `template ${spec.templateRef}` : '')),
          h('td', { 'data-label': 'Warm', class: 'warm' }, String(s.warm ?? 0)),
          h('td', { 'data-label': 'Claimed', class: 'claimed' }, String(s.claimed ?? 0)),
          h('td', { 'data-label': 'Replicas' }, String(spec.replicas ?? 0)),
          h('td', { 'data-label': 'Max' }, spec.maxReplicas === undefined ? '' : String(spec.maxReplicas)),
          h('td', { 'data-label': 'Age' }, age(o.metadata.creationTimestamp)),
          h('td', { 'data-label': 'Conditions', class: 'target' }, problem));
      }));
      noPools.hidden = poolItems.length > 0;
      const quotaItems = q.items || [];
      clear(quotas).append(...quotaItems.map((o) => {
        const used = (o.status || {}).used || {};
        return h('tr', { dataset: { key: `${o.metadata.namespace}/${o.metadata.name}` } },
          h('td', { 'data-label': 'Name' }, `${o.metadata.namespace}/${o.metadata.name}`),
          h('td', { 'data-label': 'Used / hard', class: 'target' }, quotaText((o.spec || {}).hard, used)),
          h('td', { 'data-label': 'Age' }, age(o.metadata.creationTimestamp)));
      }));
      noQuotas.hidden = quotaItems.length > 0;
      notice(status, '');
    } catch (e) {
      notice(status, `Cannot read the pools: ${e.message}`, 'error');
    }
  };
  const table = (id, cols, body) => h('div', { class: 'table-wrap' }, h('table', { class: 'grid', id },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))), body));
  root.append(
    h('div', { class: 'toolbar' }, h('h1', {}, 'Pools')),
    status,
    table('pools', ['Name', 'Provider', 'Warm', 'Claimed', 'Replicas', 'Max', 'Age', 'Conditions'], pools),
    noPools,
    h('h2', {}, 'Quotas'),
    table('quotas', ['Name', 'Used / hard', 'Age'], quotas),
    noQuotas);
  load();
  const timer = setInterval(load, 2000);
  return () => clearInterval(timer);
}
