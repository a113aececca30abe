// A terminal on a session's stdin and output (spec.stdin: true). Sessions
// are pipes, not ttys (no provider gives them a pty), so this is a line
// terminal: the input line is edited locally and sent with Enter, the
// session's output is shown as it comes, with ANSI escapes removed.
import { api, stream } from './api.js';
import { h } from './dom.js';

// CSI and OSC sequences, and the lone escapes a line display cannot show.
const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const MAX_CHARS = 200000;

export function open(ns, name) {
  const out = h('pre', { class: 'terminal-output', id: 'terminal-output', 'aria-live': 'polite', tabindex: '0' });
  const input = h('input', { id: 'terminal-input', type: 'text', autocomplete: 'off', spellcheck: 'false',
    'aria-label': 'Send a line to the session', placeholder: 'Type a line and press Enter', disabled: true });
  const state = h('span', { class: 'muted', id: 'terminal-state' }, 'connecting…');
  const controller = new AbortController();
  let id = '';
  const history = [];
  let back = 0;

  const show = (text) => {
    out.textContent = (out.textContent + text.replace(ANSI, '').replace(/\r\n/g, '\n')).slice(-MAX_CHARS);
    out.scrollTop = out.scrollHeight;
  };
  const send = async (data) => {
    if (!id) return;
    try {
      await api('POST', `/console/terminal/${id}/input`, { body: data, type: 'application/octet-stream' });
    } catch (e) {
      show(`\n[input not sent: ${e.message}]\n`);
    }
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      history.push(input.value);
      back = 0;
      send(`${input.value}\n`);
      input.value = '';
    } else if (e.key === 'ArrowUp' && history.length) {
      back = Math.min(back + 1, history.length);
      input.value = history[history.length - back];
      e.preventDefault();
    } else if (e.key === 'ArrowDown' && back > 0) {
      back -= 1;
      input.value = back ? history[history.length - back] : '';
      e.preventDefault();
    }
  });

  stream('POST', `/console/terminal?namespace=${encodeURIComponent(ns)}&name=${encodeURIComponent(name)}`, {
    signal: controller.signal, onChunk: show,
  }).then(({ response, done }) => {
    id = response.headers.get('X-Sesame-Terminal') || '';
    input.disabled = false;
    state.textContent = 'attached (line mode: no tty, no resize)';
    input.focus();
    return done;
  }).then(() => {
    state.textContent = 'detached';
    input.disabled = true;
  }).catch((e) => {
    if (e.name === 'AbortError') return;
    state.textContent = `not attached: ${e.message}`;
    input.disabled = true;
  });

  const element = h('div', { class: 'terminal' }, h('div', { class: 'row' }, state), out,
    h('div', { class: 'terminal-line' }, h('span', { 'aria-hidden': 'true' }, '›'), input));
  return { element, close: () => controller.abort() };
}
