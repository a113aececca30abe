// Small DOM helpers: elements are built with h(), never from HTML strings,
// so text from the server can never become markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// "3s", "5m", "2h", "4d" from milliseconds.
export function shortDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

export function age(timestamp, now = Date.now()) {
  const t = Date.parse(timestamp || '');
  return Number.isNaN(t) ? '' : shortDuration(now - t);
}

// "in 5m" / "5m ago" for a future or past instant.
export function until(timestamp, now = Date.now()) {
  const t = Date.parse(timestamp || '');
  if (Number.isNaN(t)) return '';
  return t >= now ? `in ${shortDuration(t - now)}` : `${shortDuration(now - t)} ago`;
}

export function localTime(timestamp) {
  const t = Date.parse(timestamp || '');
  return Number.isNaN(t) ? '' : new Date(t).toLocaleString();
}

// A short status line under a form or table; kind: 'ok' | 'error' | ''.
export function notice(el, message, kind = '') {
  el.textContent = message;
  el.className = `notice ${kind}`;
  el.hidden = !message;
}
