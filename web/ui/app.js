// The console's shell: the session, the navigation, the theme, and one view
// at a time, chosen by the URL (pages are real URLs the server also serves).
import { api, loadSession, provide, session } from './api.js';
import { clear, h } from './dom.js';
import * as sandboxes from './sandboxes.js';

// The sandboxes page's module comes with this one (most visits start there);
// every other view's is loaded when it is first shown.
const routes = [
  { pattern: /^\/$/, view: async () => sandboxes, nav: 'sandboxes', title: 'Sandboxes' },
  { pattern: /^\/sandboxes\/([a-z0-9-]+)\/([a-z0-9-]+)$/, view: () => import('./sandbox.js'), nav: 'sandboxes', title: 'Sandbox' },
  { pattern: /^\/violations$/, view: () => import('./violations.js'), nav: 'violations', title: 'Violations' },
  { pattern: /^\/admin\/sandbox$/, view: () => import('./settings.js'), nav: 'settings', title: 'Settings › Sandbox Security' },
  { pattern: /^\/syncs$/, view: () => import('./syncs.js'), nav: 'syncs', title: 'GitOps' },
  { pattern: /^\/pools$/, view: () => import('./pools.js'), nav: 'pools', title: 'Pools' },
  { pattern: /^\/login$/, view: () => import('./login.js'), nav: '', title: 'Log in', public: true },
];

let unmount = null;
let shown = 0;  // the latest render; an older one whose module arrives late shows nothing

async function render() {
  const main = document.getElementById('main');
  const id = ++shown;
  if (unmount) unmount();
  unmount = null;
  clear(main);
  const path = location.pathname;
  const route = routes.find((r) => r.pattern.test(path));
  if (!route) {
    main.append(h('p', {}, 'No such page. ', h('a', { href: '/', 'data-nav': true }, 'Sandboxes')));
    return;
  }
  if (session.tokens && !session.authenticated && !route.public) {
    navigate('/login', true);
    return;
  }
  document.title = `${route.title} · Sesame`;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.view === route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const params = path.match(route.pattern).slice(1);
  let view;
  try {
    view = await route.view();
  } catch (e) {
    if (id === shown) main.append(h('p', { class: 'notice error' }, `This page did not load: ${e.message}`));
    return;
  }
  if (id !== shown) return;
  unmount = view.mount(main, { params, navigate }) || null;
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
  // The sandboxes page, for a caller who reads every namespace, comes with
  // its session and list inside (a JSON data block); otherwise the session
  // was preloaded with the page, and the page lists per namespace.
  const data = document.getElementById('console-data');
  try {
    if (data) {
      const { session: own, sandboxes: list } = JSON.parse(data.textContent);
      data.remove();
      Object.assign(session, own);
      provide(sandboxes.LIST, list);
    } else {
      await loadSession();
    }
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
