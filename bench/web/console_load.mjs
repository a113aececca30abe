// How long the console's sandboxes page takes to show 1,000 sandboxes, as a
// user sees it: Debian's chromium, headless, loading http://.../ until the
// frame after the table is filled (navigation start -> the page's
// 'sandboxes:painted' mark; the first screen of rows is drawn at once, the
// rest a frame later). Also printed: when the list had arrived
// ('sandboxes:listed') and when every row was in the DOM.
// Alternated, in the same run, with the anchor: node fetching and parsing
// the same list (GET /v1/sandboxes), the floor any page stands on.
//
//   node bench/web/console_load.mjs --sesame build/sesame [--sandboxes 1000] [--runs 10]
//
// The sandboxes are e2b ones without an API key: stored, reconciled to a
// failure once, then left alone (backoff), so the controller is quiet.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Home, eventually, launchBrowser, tempRoot } from '../../tests/web/harness.mjs';

const { values: args } = parseArgs({ options: {
  sesame: { type: 'string', default: 'build/sesame' },
  sandboxes: { type: 'string', default: '1000' },
  runs: { type: 'string', default: '10' },
} });
const n = Number(args.sandboxes);
const runs = Number(args.runs);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const tmp = tempRoot();
const home = new Home(path.resolve(args.sesame), tmp, 'bench');
delete home.env.E2B_API_KEY;
let docs = '';
for (let i = 0; i < n; i++) {
  docs += `---\napiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: sb-${String(i).padStart(4, '0')}, namespace: ns-${i % 10}, labels: {app: bench}}\nspec: {provider: e2b}\n`;
}
home.apply(docs);
const base = await home.controller();
const browser = await launchBrowser(tmp);
const page = browser.pages()[0];
const pageTimes = [];
const listedTimes = [];
const anchorTimes = [];
try {
  // Let the first reconcile of every sandbox pass, so runs see one state.
  await eventually('every sandbox reconciled once', async () => {
    const list = await (await fetch(`${base}/v1/sandboxes`)).json();
    return list.items.length === n && list.items.every((o) => o.status && o.status.conditions);
  }, 300000);
  for (let run = 0; run < runs + 1; run++) {
    await page.goto('about:blank');
    await page.goto(`${base}/`);
    await page.waitForFunction((want) => document.querySelectorAll('#sandboxes tbody tr').length === want &&
      performance.getEntriesByName('sandboxes:painted').length > 0, n, { timeout: 60000 });
    const marks = await page.evaluate(() => ({
      painted: performance.getEntriesByName('sandboxes:painted')[0].startTime,
      listed: performance.getEntriesByName('sandboxes:listed')[0].startTime,
    }));
    const t0 = performance.now();
    const list = await (await fetch(`${base}/v1/sandboxes`)).json();
    const anchor = performance.now() - t0;
    if (list.items.length !== n) throw new Error(`the list has ${list.items.length} items`);
    if (run === 0) continue;  // warm-up: the browser's first start of the page
    pageTimes.push(marks.painted);
    listedTimes.push(marks.listed);
    anchorTimes.push(anchor);
  }
} finally {
  await browser.close();
  home.stop();
}
const stat = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
console.log(`sandboxes: ${n}, runs: ${runs}, load average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`console page, navigation -> the list arrived: ${stat(listedTimes)}`);
console.log(`console page, navigation -> ${n} rows painted: median ${median(pageTimes).toFixed(0)} ms (min ${Math.min(...pageTimes).toFixed(0)}, max ${Math.max(...pageTimes).toFixed(0)})`);
console.log(`anchor, GET /v1/sandboxes fetched and parsed by node: median ${median(anchorTimes).toFixed(0)} ms (min ${Math.min(...anchorTimes).toFixed(0)}, max ${Math.max(...anchorTimes).toFixed(0)})`);
console.log('target: < 200 ms');
