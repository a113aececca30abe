// Talking to the controller: the browser's session (who it is, what it may
// change), requests that carry the CSRF token, list+watch with resumption,
// and streamed responses.

export const session = {
  tokens: false,
  authenticated: true,
  grants: [{ namespace: '*', write: true }],
  csrf: '',
  securityLock: null,
  agentPresets: {},
  version: '',
};

export async function loadSession() {
  const r = await fetch('/console/session', { headers: { Accept: 'application/json' } });
  Object.assign(session, await r.json());
  return session;
}

// Whether the session may change things in namespace `ns` ('' = everywhere).
export function canWrite(ns = '') {
  return session.grants.some((g) => g.write && (g.namespace === '*' || (ns !== '' && g.namespace === ns)));
}

// Whether the session reads every namespace at once (else one per grant).
export function readsAll() {
  return session.grants.some((g) => g.namespace === '*');
}

export function namespaces() {
  return [...new Set(session.grants.map((g) => g.namespace).filter((n) => n !== '*'))];
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

// A JSON request; `body` is sent as is when it is a string (YAML), as JSON
// otherwise. Throws ApiError with the server's Status object.
export async function api(method, path, { body, type, accept = 'application/json', signal } = {}) {
  const headers = { Accept: accept };
  if (session.csrf) headers['X-Sesame-Csrf'] = session.csrf;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    headers['Content-Type'] = type || 'application/json';
  }
  const r = await fetch(path, { method, headers, body: payload, signal, credentials: 'same-origin' });
  if (r.status === 401 && session.tokens && location.pathname !== '/login') {
    location.assign('/login');
    throw new ApiError(401, { message: 'log in first' });
  }
  const text = await r.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text };
  }
  if (!r.ok) throw new ApiError(r.status, parsed);
  return parsed;
}

// Answers the page already holds (see app.js), taken once by listAndWatch
// instead of a GET.
const early = new Map();
export function provide(path, value) {
  early.set(path, Promise.resolve(value));
}
function takeEarly(path) {
  const p = early.get(path);
  early.delete(path);
  return p ? p.catch(() => api('GET', path)) : api('GET', path);
}

// Keeps `onEvent(type, object)` fed with a collection: the current list
// (one 'SYNC' call with every item), then its changes from the watch stream
// (server-sent events) from the list's resourceVersion, so nothing between
// the two is missed; listing again after any break. `list` is where the
// list is read (default: the collection itself; e.g. a cut-down form of
// it). Returns a stop function.
export function listAndWatch(collection, { onSync, onEvent, onError, list: listPath = collection }) {
  let stopped = false;
  let source = null;
  let retry = null;
  const start = async () => {
    try {
      const list = await takeEarly(listPath);
      if (stopped) return;
      onSync(list.items || []);
      const rv = list.metadata && list.metadata.resourceVersion;
      // After the next frame: the list is drawn before the watch's
      // connection is made (it resumes from the list's version, so waiting
      // misses nothing).
      requestAnimationFrame(() => setTimeout(() => watch(rv), 0));
    } catch (e) {
      if (onError) onError(e);
      restart();
    }
  };
  const watch = (rv) => {
    if (stopped || source) return;
    try {
      const sep = collection.includes('?') ? '&' : '?';
      source = new EventSource(`${collection}${sep}watch=true&resourceVersion=${encodeURIComponent(rv || '0')}`);
      for (const type of ['ADDED', 'MODIFIED', 'DELETED']) {
        source.addEventListener(type, (e) => onEvent(type, JSON.parse(e.data).object));
      }
      source.onerror = () => restart();
    } catch (e) {
      if (onError) onError(e);
      restart();
    }
  };
  const restart = () => {
    if (source) source.close();
    source = null;
    if (!stopped && !retry) retry = setTimeout(() => { retry = null; start(); }, 1000);
  };
  start();
  return () => {
    stopped = true;
    clearTimeout(retry);
    if (source) source.close();
  };
}

// Reads a streamed response body as text chunks until it ends or `signal`
// aborts. Resolves with the response's headers' owner (the Response).
export async function stream(method, path, { onChunk, signal, body }) {
  const headers = {};
  if (session.csrf) headers['X-Sesame-Csrf'] = session.csrf;
  const r = await fetch(path, { method, headers, body, signal, credentials: 'same-origin' });
  if (!r.ok) {
    let message = `HTTP ${r.status}`;
    try { message = (await r.json()).message || message; } catch { /* not JSON */ }
    throw new ApiError(r.status, { message });
  }
  return { response: r, done: pump(r, onChunk) };
}

async function pump(r, onChunk) {
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      onChunk(decoder.decode(value, { stream: true }));
    }
  } catch (e) {
    if (e.name !== 'AbortError') throw e;
  }
}

export function objectPath(o) {
  return `/v1/namespaces/${o.metadata.namespace}/sandboxes/${o.metadata.name}`;
}
