// One sandbox: spec (as YAML), status, conditions, events, live logs,
// preview links, its violations, and a terminal when it has stdin.
import { api, canWrite } from './api.js';
import { age, clear, h, localTime, notice, until } from './dom.js';
import { phaseOf, providerOf, readyOf } from './sandboxes.js';
import * as terminal from './terminal.js';
import { violationRow, violationHeader } from './violations.js';
import { toYaml } from './yaml.js';

const MAX_LOG_CHARS = 300000;

function definition(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== '' && v !== undefined && v !== null)
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function specYaml(o) {
  const shown = { apiVersion: o.apiVersion, kind: o.kind,
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace } };
  if (o.metadata.labels && Object.keys(o.metadata.labels).length) shown.metadata.labels = o.metadata.labels;
  if (o.metadata.annotations && Object.keys(o.metadata.annotations).length) shown.metadata.annotations = o.metadata.annotations;
  shown.spec = o.spec;
  return toYaml(shown);
}

export function mount(root, { params, navigate }) {
  const [ns, name] = params;
  const path = `/v1/namespaces/${ns}/sandboxes/${name}`;
  const header = h('div', { class: 'toolbar' }, h('h1', {}, `sandbox/${name}`), h('span', { class: 'muted' }, ns));
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const facts = h('div');
  const conditions = h('tbody');
  const events = h('tbody');
  const spec = h('pre', { class: 'code', id: 'spec-yaml', tabindex: '0' });
  const logs = h('pre', { class: 'logs', id: 'logs', tabindex: '0', 'aria-label': 'Session output' });
  const violations = h('tbody', { id: 'sandbox-violations' });
  const actionsBox = h('div', { class: 'row' });
  const termBox = h('section', { class: 'panel', hidden: true, 'aria-labelledby': 'term-title' });
  let current = null;
  let term = null;
  const closers = [];
  const timers = [];

  const act = async (what) => {
    try {
      if (what === 'delete') await api('DELETE', path);
      else await api('PATCH', path, { body: { spec: { suspend: what === 'suspend' } }, type: 'application/merge-patch+json' });
      notice(status, `${what} requested`, 'ok');
      load();
    } catch (e) {
      notice(status, e.message, 'error');
    }
  };

  const render = (o) => {
    current = o;
    const s = o.status || {};
    clear(facts).append(definition([
      ['Phase', h('span', { class: `phase phase-${phaseOf(o).toLowerCase()}` }, phaseOf(o))],
      ['Ready', readyOf(o)],
      ['Provider', providerOf(o)],
      ['Provider id', s.providerRef && s.providerRef.id],
      ['Age', age(o.metadata.creationTimestamp)],
      ['Started', localTime(s.startedAt)],
      ['Expires', s.expiresAt ? `${localTime(s.expiresAt)} (${until(s.expiresAt)})` : ''],
      ['Restarts', String(s.restarts || 0)],
      ['Exit code', s.exitCode === undefined ? '' : String(s.exitCode)],
      ['Generation', `${o.metadata.generation} (observed ${s.observedGeneration || 0})`],
      ['Previews', (s.endpoints || []).length ? (s.endpoints || []).map((e) =>
        h('a', { href: `/preview/${ns}/${name}/${e.port}/`, target: '_blank', rel: 'noopener', class: 'preview' },
          `port ${e.port}`)) : ''],
    ]));
    clear(conditions).append(...(s.conditions || []).map((c) => h('tr', {},
      h('td', {}, c.type), h('td', {}, c.status), h('td', {}, c.reason || ''), h('td', {}, c.message || ''),
      h('td', {}, age(c.lastTransitionTime)))));
    spec.textContent = specYaml(o);
    clear(actionsBox);
    if (canWrite(ns)) {
      const suspended = !!o.spec.suspend;
      actionsBox.append(
        h('button', { type: 'button', 'data-action': suspended ? 'resume' : 'suspend',
          onclick: () => act(suspended ? 'resume' : 'suspend') }, suspended ? 'Resume' : 'Suspend'),
        h('button', { type: 'button', class: 'danger', 'data-action': 'delete', onclick: () => {
          if (window.confirm(`Delete sandbox/${name}?`)) act('delete');
        } }, 'Delete'));
    }
    termBox.hidden = !o.spec.stdin || !canWrite(ns);
  };

  const loadEvents = async () => {
    try {
      const list = await api('GET', `/v1/namespaces/${ns}/events`);
      const mine = (list.items || []).filter((e) => e.involvedObject.kind === 'Sandbox' && e.involvedObject.name === name)
        .sort((a, b) => (a.lastTimestamp < b.lastTimestamp ? 1 : -1));
      clear(events).append(...mine.map((e) => h('tr', { class: e.type === 'Warning' ? 'warning' : '' },
        h('td', {}, e.type), h('td', {}, e.reason), h('td', {}, e.message), h('td', {}, String(e.count)),
        h('td', {}, age(e.lastTimestamp)))));
    } catch { /* shown by the object's own load */ }
  };

  const load = async () => {
    try {
      render(await api('GET', path));
      notice(status, status.classList.contains('error') ? '' : status.textContent, 'ok');
    } catch (e) {
      if (e.status === 404) notice(status, `sandbox/${name} does not exist (any more).`, 'error');
      else notice(status, e.message, 'error');
    }
    loadEvents();
  };

  // Server-sent events: the one way a browser gets output as it comes.
  const follow = () => {
    const es = new EventSource(`${path}/logs?follow=true&tailLines=500`);
    es.onmessage = (e) => {
      logs.textContent = (logs.textContent + e.data).slice(-MAX_LOG_CHARS);
      logs.scrollTop = logs.scrollHeight;
    };
    es.addEventListener('end', () => es.close());
    es.onerror = () => es.close();  // reconnecting would repeat the tail
    closers.push(() => es.close());
  };

  // Object changes come from the namespace's watch, filtered to this one.
  const watch = new EventSource(`/v1/namespaces/${ns}/sandboxes?watch=true`);
  for (const type of ['ADDED', 'MODIFIED']) {
    watch.addEventListener(type, (e) => {
      const o = JSON.parse(e.data).object;
      if (o.metadata.name === name) { render(o); loadEvents(); }
    });
  }
  watch.addEventListener('DELETED', (e) => {
    if (JSON.parse(e.data).object.metadata.name === name) notice(status, `sandbox/${name} was deleted.`, 'ok');
  });
  const vwatch = new EventSource(`/v1/namespaces/${ns}/violations?watch=true&sandbox=${encodeURIComponent(name)}`);
  vwatch.addEventListener('violation', (e) => violations.prepend(violationRow(JSON.parse(e.data), false)));
  timers.push(setInterval(loadEvents, 10000));

  const connect = h('button', { type: 'button', id: 'terminal-connect', onclick: () => {
    if (term) { term.close(); term.element.remove(); term = null; connect.textContent = 'Attach'; return; }
    term = terminal.open(ns, name);
    termBox.append(term.element);
    connect.textContent = 'Detach';
  } }, 'Attach');
  termBox.append(h('div', { class: 'toolbar' }, h('h2', { id: 'term-title' }, 'Terminal'), connect));

  root.append(
    h('p', { class: 'crumbs' }, h('a', { href: '/', 'data-nav': true }, 'Sandboxes'), ' › ', name),
    header, status, actionsBox,
    h('div', { class: 'columns' },
      h('section', { class: 'panel' }, h('h2', {}, 'Status'), facts,
        h('h3', {}, 'Conditions'),
        h('div', { class: 'table-wrap' }, h('table', { class: 'grid compact' },
          h('thead', {}, h('tr', {}, ['Type', 'Status', 'Reason', 'Message', 'Since'].map((c) => h('th', { scope: 'col' }, c)))),
          conditions))),
      h('section', { class: 'panel' }, h('h2', {}, 'Spec'), spec)),
    termBox,
    h('section', { class: 'panel' }, h('h2', {}, 'Logs'), logs),
    h('section', { class: 'panel' }, h('h2', {}, 'Events'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid compact', id: 'events' },
        h('thead', {}, h('tr', {}, ['Type', 'Reason', 'Message', 'Count', 'Last'].map((c) => h('th', { scope: 'col' }, c)))),
        events))),
    h('section', { class: 'panel' }, h('h2', {}, 'Violations'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid compact' }, violationHeader(false), violations))));

  load();
  follow();
  return () => {
    watch.close();
    vwatch.close();
    closers.forEach((c) => c());
    timers.forEach((t) => clearInterval(t));
    if (term) term.close();
  };
}
