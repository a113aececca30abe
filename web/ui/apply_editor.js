// The apply editor: YAML pasted or typed, validated with a dry run and
// applied through POST /v1/apply. Validation errors list their line and
// column, mark the line, and put the caret there when clicked.
import { api } from './api.js';
import { clear, h, notice } from './dom.js';

const EXAMPLE = `apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata:
  name: my-sandbox
spec:
  provider: filesystem
  command: ["sh", "-c", "echo ready; cat"]
  stdin: true
  lifetime: {ttl: 30m}
`;

function offsetOf(text, line, column) {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
  return Math.min(offset + Math.max(column - 1, 0), text.length);
}

export function panel() {
  const area = h('textarea', { id: 'apply-yaml', spellcheck: 'false', autocomplete: 'off', wrap: 'off',
    'aria-label': 'YAML to apply', 'aria-describedby': 'apply-errors' });
  area.value = EXAMPLE;
  const gutter = h('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const errors = h('ul', { id: 'apply-errors', class: 'errors', 'aria-live': 'polite' });
  const result = h('p', { class: 'notice', role: 'status', hidden: true });
  let marked = new Set();

  const drawGutter = () => {
    const n = area.value.split('\n').length;
    clear(gutter);
    for (let i = 1; i <= n; i++) {
      gutter.append(h('span', { class: marked.has(i) ? 'bad' : '' }, String(i)), '\n');
    }
    gutter.scrollTop = area.scrollTop;
  };
  area.addEventListener('input', () => { marked = new Set(); drawGutter(); });
  area.addEventListener('scroll', () => { gutter.scrollTop = area.scrollTop; });
  const showErrors = (err) => {
    clear(errors);
    const causes = (err.body.details && err.body.details.causes) || [];
    marked = new Set(causes.map((c) => c.line).filter(Boolean));
    if (causes.length === 0) errors.append(h('li', {}, err.message));
    for (const c of causes) {
      const where = c.line ? `Line ${c.line}, column ${c.column}` : 'Document';
      const item = h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => {
        area.focus();
        const at = offsetOf(area.value, c.line, c.column);
        area.setSelectionRange(at, at);
      } }, `${where}: ${c.field ? `${c.field}: ` : ''}${c.message}`));
      item.dataset.line = c.line;
      item.dataset.column = c.column;
      errors.append(item);
    }
    drawGutter();
  };

  const run = async (dryRun) => {
    clear(errors);
    notice(result, '');
    try {
      const out = await api('POST', `/v1/apply${dryRun ? '?dryRun=true' : ''}`, { body: area.value, type: 'application/yaml' });
      marked = new Set();
      drawGutter();
      const lines = (out.items || []).map((i) => `${i.kind.toLowerCase()}/${i.name} ${i.action}`);
      notice(result, `${dryRun ? 'Valid (dry run): ' : ''}${lines.join(', ') || 'nothing to apply'}`, 'ok');
    } catch (e) {
      showErrors(e);
      notice(result, e.status === 422 ? 'Not applied: fix the errors below.' : `Not applied: ${e.message}`, 'error');
    }
  };

  drawGutter();
  return h('section', { class: 'panel', 'aria-labelledby': 'apply-title' },
    h('h2', { id: 'apply-title' }, 'Apply YAML'),
    h('div', { class: 'editor' }, gutter, area),
    h('div', { class: 'row' },
      h('button', { type: 'button', id: 'apply-dry-run', onclick: () => run(true) }, 'Validate'),
      h('button', { type: 'button', id: 'apply', class: 'primary', onclick: () => run(false) }, 'Apply')),
    result, errors);
}
