// The console's shell: the session, the navigation, the theme, and one view
// at a time, chosen by the URL (pages are real URLs the server also serves).
import { api, loadSession, prefetch, session } from './api.js';
import { clear, h } from './dom.js';
import * as login from './login.js';
import * as pools from './pools.js';
import * as sandbox from './sandbox.js';
import * as sandboxes from './sandboxes.js';
import * as settings from './settings.js';
import * as syncs from './syncs.js';
import * as violations from './violations.js';

const routes = [
  { pattern: /^\/$/, view: sandboxes, nav: 'sandboxes', title: 'Sandboxes' },
  { pattern: /^\/sandboxes\/([a-z0-9-]+)\/([a-z0-9-]+)$/, view: sandbox, nav: 'sandboxes', title: 'Sandbox' },
  { pattern: /^\/violations$/, view: violations, nav: 'violations', title: 'Violations' },
  { pattern: /^\/admin\/sandbox$/, view: settings, nav: 'settings', title: 'Settings › Sandbox Security' },
  { pattern: /^\/syncs$/, view: syncs, nav: 'syncs', title: 'GitOps' },
  { pattern: /^\/pools$/, view: pools, nav: 'pools', title: 'Pools' },
  { pattern: /^\/login$/, view: login, nav: '', title: 'Log in' },
];

let unmount = null;

function render() {
  const main = document.getElementById('main');
  if (unmount) unmount();
  unmount = null;
  clear(main);
  const path = location.pathname;
  const route = routes.find((r) => r.pattern.test(path));
  if (!route) {
    main.append(h('p', {}, 'No such page. ', h('a', { href: '/', 'data-nav': true }, 'Sandboxes')));
    return;
  }
  if (session.tokens && !session.authenticated && route.view !== login) {
    navigate('/login', true);
    return;
  }
  document.title = `${route.title} · Sesame`;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.view === route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const params = path.match(route.pattern).slice(1);
  unmount = route.view.mount(main, { params, navigate }) || null;
}

export function navigate(path, replace = false) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
  document.getElementById('main').focus({ preventScroll: true });
}

// Same-page navigation for links marked data-nav (plain clicks only: a
// middle click or Ctrl+click still opens a new tab).
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-nav]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', render);

const themes = ['auto', 'light', 'dark'];
function applyTheme(theme) {
  if (theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  document.getElementById('theme').textContent = `Theme: ${theme}`;
}

async function start() {
  let theme = localStorage.getItem('sesame-theme') || 'auto';
  applyTheme(theme);
  document.getElementById('theme').addEventListener('click', () => {
    theme = themes[(themes.indexOf(theme) + 1) % themes.length];
    localStorage.setItem('sesame-theme', theme);
    applyTheme(theme);
  });
  // The sandboxes list does not wait for the session: on the first page
  // both requests travel at once (a token scoped to namespaces, which
  // cannot list them all, just lists again per namespace).
  if (location.pathname === '/') prefetch(sandboxes.LIST);
  try {
    await loadSession();
  } catch (e) {
    clear(document.getElementById('main')).append(h('p', { class: 'notice error' }, `The controller did not answer: ${e.message}`));
    return;
  }
  document.getElementById('nav').hidden = session.tokens && !session.authenticated;
  if (session.tokens && session.authenticated) {
    const logout = document.getElementById('logout');
    logout.hidden = false;
    logout.addEventListener('click', async () => {
      await api('POST', '/console/logout').catch(() => {});
      location.assign('/login');
    });
    const readOnly = !session.grants.some((g) => g.write);
    document.getElementById('who').textContent = readOnly ? 'read-only' : '';
  }
  render();
}

start();
