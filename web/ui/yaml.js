// JSON values as YAML text, for showing specs the way users wrote them
// (block style; strings quoted only where YAML would misread them).

const plain = /^[A-Za-z_./][A-Za-z0-9_./:@-]*$/;
const reserved = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

function scalar(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  if (s !== '' && plain.test(s) && !reserved.test(s) && !s.endsWith(':')) return s;
  return JSON.stringify(s);
}

function isEmpty(v) {
  return (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && Object.keys(v).length === 0);
}

function lines(value, indent) {
  const pad = ' '.repeat(indent);
  const out = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item && typeof item === 'object' && !isEmpty(item)) {
        const inner = lines(item, indent + 2);
        out.push(`${pad}- ${inner[0].trimStart()}`, ...inner.slice(1));
      } else {
        out.push(`${pad}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
    }
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    const key = scalar(k);
    if (v && typeof v === 'object' && !isEmpty(v)) {
      out.push(`${pad}${key}:`, ...lines(v, Array.isArray(v) ? indent : indent + 2));
    } else if (isEmpty(v)) {
      out.push(`${pad}${key}: ${Array.isArray(v) ? '[]' : '{}'}`);
    } else {
      out.push(`${pad}${key}: ${scalar(v)}`);
    }
  }
  return out;
}

export function toYaml(value) {
  if (value === null || typeof value !== 'object') return `${scalar(value)}\n`;
  if (isEmpty(value)) return Array.isArray(value) ? '[]\n' : '{}\n';
  return `${lines(value, 0).join('\n')}\n`;
}
