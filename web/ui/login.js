// The login page: a token becomes an HttpOnly session cookie.
import { api, session } from './api.js';
import { h, notice } from './dom.js';

export function mount(root) {
  if (!session.tokens) {
    root.append(h('p', {}, 'This controller needs no token. ', h('a', { href: '/', 'data-nav': true }, 'Go to the sandboxes')));
    return null;
  }
  const token = h('input', { id: 'token', type: 'password', autocomplete: 'current-password', required: true,
    minlength: '16', spellcheck: 'false' });
  const status = h('p', { class: 'notice', role: 'alert', hidden: true });
  const form = h('form', { class: 'login panel', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/console/login', { body: { token: token.value } });
      location.assign('/');
    } catch (err) {
      notice(status, err.status === 401 ? 'Unknown token.' : err.message, 'error');
      token.select();
    }
  } },
  h('h1', {}, 'Log in to Sesame'),
  h('p', { class: 'muted' }, 'Paste a token from the controller\'s --token-file. It is kept in an HttpOnly cookie, not in this page.'),
  h('label', { for: 'token' }, 'Token'), token,
  h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', id: 'login' }, 'Log in')),
  status);
  root.append(form);
  token.focus();
  return null;
}
