// Settings › Sandbox Security: the admin settings of GET|PUT /admin/sandbox,
// the agents' preset domains, and what the kernel supports (the probe).
import { api, canWrite, session } from './api.js';
import { clear, h, notice } from './dom.js';

const lines = (text) => text.split('\n').map((s) => s.trim()).filter(Boolean);

function listField(id, label, help, values, disabled) {
  const area = h('textarea', { id, rows: '4', spellcheck: 'false', disabled, 'aria-describedby': `${id}-help` });
  area.value = (values || []).join('\n');
  return [h('label', { for: id }, label), area, h('p', { class: 'help', id: `${id}-help` }, help)];
}

export function mount(root) {
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const body = h('div');
  const writable = canWrite('');

  const draw = (s) => {
    const lock = session.securityLock;
    const enabled = h('input', { type: 'checkbox', id: 'enabled', checked: s.enabled, disabled: !writable || !!lock,
      'aria-describedby': lock ? 'enabled-lock' : null });
    const fields = {
      allowedDomains: listField('allowedDomains', 'Allowed domains', 'One per line, added to every sandbox\'s allow-list (*.example.com matches subdomains).', s.allowedDomains, !writable),
      deniedDomains: listField('deniedDomains', 'Denied domains', 'One per line; a denial wins over any allowance.', s.deniedDomains, !writable),
      denyRead: listField('denyRead', 'Deny-read paths', 'One per line (absolute or ~/...): no sandbox may read them.', s.denyRead, !writable),
    };
    const presets = Object.entries(session.agentPresets || {});
    const form = h('form', { class: 'settings panel', id: 'settings-form', onsubmit: async (e) => {
      e.preventDefault();
      const next = {
        allowedDomains: lines(fields.allowedDomains[1].value),
        deniedDomains: lines(fields.deniedDomains[1].value),
        denyRead: lines(fields.denyRead[1].value),
      };
      if (!lock) next.enabled = enabled.checked;
      try {
        draw(await api('PUT', '/admin/sandbox', { body: next }));
        notice(status, 'Saved. The change is recorded as an event on every sandbox; running sandboxes take it when they restart.', 'ok');
      } catch (err) {
        notice(status, `Not saved: ${err.message}`, 'error');
      }
    } },
    h('h2', {}, 'Sandbox security'),
    h('div', { class: 'check' }, enabled, h('label', { for: 'enabled' }, 'OS-level sandboxing enabled')),
    lock ? h('p', { class: 'lock', id: 'enabled-lock' }, `Locked: ${lock}.`) : null,
    !s.enabled ? h('p', { class: 'notice error' }, 'Sandbox security is off: sandboxes run without OS-level isolation.') : null,
    fields.allowedDomains, fields.deniedDomains, fields.denyRead,
    writable ? h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', id: 'settings-save' }, 'Save'))
      : h('p', { class: 'muted' }, 'Read-only: this token may not change the settings.'),
    status);
    clear(body).append(form,
      h('section', { class: 'panel' }, h('h2', {}, 'Per-agent domains'),
        h('p', { class: 'help' }, 'A sandbox\'s spec.agent allows these API domains on top of the lists above.'),
        h('div', { class: 'table-wrap' }, h('table', { class: 'grid compact', id: 'agent-presets' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Agent'), h('th', { scope: 'col' }, 'Domains'))),
          h('tbody', {}, presets.map(([agent, domains]) => h('tr', {}, h('td', {}, agent), h('td', {}, domains.join(', ')))))))),
      h('section', { class: 'panel' }, h('h2', {}, 'What this kernel supports'),
        h('p', { id: 'probe-summary' }, (s.probe && s.probe.summary) || ''),
        h('pre', { class: 'code', id: 'probe', tabindex: '0' }, (s.probe && s.probe.details) || '')));
  };

  root.append(h('div', { class: 'toolbar' }, h('h1', {}, 'Settings › Sandbox Security')), body);
  api('GET', '/admin/sandbox').then(draw).catch((e) => {
    body.append(status);
    notice(status, `Cannot read the settings: ${e.message}`, 'error');
  });
  return null;
}
