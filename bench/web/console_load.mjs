// How long the console's sandboxes page takes to show 1,000 sandboxes, as a
// user sees it: Debian's chromium, headless, 1280x900, loading
// http://.../ (navigation start = 0) until
//   - painted: the frame after the first screen of rows is in the table,
//     with every sandbox listed (the count says 1000, the filters and the
//     watch cover all): the page's 'sandboxes:painted' mark; and
//   - complete: the frame after all 1,000 rows are in the table (the rows
//     below the first screen are built right after that first paint): the
//     'sandboxes:complete' mark.
// Also printed: when the list had arrived and was parsed ('sandboxes:listed').
// Alternated, in the same run, with the anchor: node fetching and parsing
// the whole list (GET /v1/sandboxes), the floor the page used to stand on.
// With --compare OTHER_SESAME (e.g. a copy of main's build), a second
// controller of that build holds the same 1,000 sandboxes and its page is
// loaded between each two of this build's, in the same browser. A build
// whose page has no 'complete' mark (older ones: their 'painted' mark came
// with every row in the table, not yet drawn) shows "-" for it.
//
//   node bench/web/console_load.mjs --sesame build/sesame [--compare OTHER] [--sandboxes 1000] [--runs 10]
//
// The sandboxes are e2b ones without an API key: stored, reconciled to a
// failure once, then left alone (backoff), so the controllers are quiet.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Home, eventually, launchBrowser, tempRoot } from '../../tests/web/harness.mjs';

const { values: args } = parseArgs({ options: {
  sesame: { type: 'string', default: 'build/sesame' },
  compare: { type: 'string' },
  sandboxes: { type: 'string', default: '1000' },
  runs: { type: 'string', default: '10' },
} });
const n = Number(args.sandboxes);
const runs = Number(args.runs);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const stat = (xs) => (xs.length === 0 ? '-'
  : `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

const tmp = tempRoot();
let docs = '';
for (let i = 0; i < n; i++) {
  docs += `---\napiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: sb-${String(i).padStart(4, '0')}, namespace: ns-${i % 10}, labels: {app: bench}}\nspec: {provider: e2b}\n`;
}

// One controller of `binary` holding the n sandboxes.
async function target(label, binary) {
  const home = new Home(path.resolve(binary), tmp, `bench-${label}`);
  delete home.env.E2B_API_KEY;
  home.apply(docs);
  const base = await home.controller();
  const script = await (await fetch(`${base}/console/assets/sandboxes.js`)).text();
  return { label, binary, home, base, marksComplete: script.includes('sandboxes:complete'),
    listed: [], painted: [], complete: [] };
}

const targets = [await target('this build', args.sesame)];
if (args.compare) targets.push(await target('compared build', args.compare));
const browser = await launchBrowser(tmp);
const page = browser.pages()[0];
const anchor = [];
const loads = [];
try {
  for (const t of targets) {
    // Let the first reconcile of every sandbox pass, so runs see one state.
    await eventually('every sandbox reconciled once', async () => {
      const list = await (await fetch(`${t.base}/v1/sandboxes`)).json();
      return list.items.length === n && list.items.every((o) => o.status && o.status.conditions);
    }, 300000);
  }
  for (let run = 0; run < runs + 1; run++) {
    for (const t of targets) {
      await page.goto('about:blank');
      await page.goto(`${t.base}/`);
      await page.waitForFunction(({ want, complete }) => document.querySelectorAll('#sandboxes tbody tr').length === want &&
        performance.getEntriesByName('sandboxes:painted').length > 0 &&
        (!complete || performance.getEntriesByName('sandboxes:complete').length > 0),
      { want: n, complete: t.marksComplete }, { timeout: 60000 });
      const marks = await page.evaluate(() => Object.fromEntries(['listed', 'painted', 'complete'].map((m) => {
        const e = performance.getEntriesByName(`sandboxes:${m}`)[0];
        return [m, e ? e.startTime : null];
      })));
      if (run === 0) continue;  // warm-up: the browser's first start of the page
      for (const m of ['listed', 'painted', 'complete']) if (marks[m] !== null) t[m].push(marks[m]);
      loads.push(os.loadavg()[0]);
    }
    const t0 = performance.now();
    const list = await (await fetch(`${targets[0].base}/v1/sandboxes`)).json();
    const took = performance.now() - t0;
    if (list.items.length !== n) throw new Error(`the list has ${list.items.length} items`);
    if (run > 0) anchor.push(took);
  }
} finally {
  await browser.close();
  for (const t of targets) t.home.stop();
}
console.log(`sandboxes: ${n}, runs: ${runs}, load average (1 min) during the runs: ` +
  `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}, now: ${load()}`);
for (const t of targets) {
  console.log(`${t.label} (${t.binary}):`);
  console.log(`  navigation -> the list arrived and parsed:      ${stat(t.listed)}`);
  console.log(`  navigation -> first screen painted, all listed: ${stat(t.painted)}`);
  console.log(`  navigation -> all ${n} rows in the table, drawn: ${stat(t.complete)}`);
}
console.log(`anchor, GET /v1/sandboxes fetched and parsed by node: ${stat(anchor)}`);
console.log('target: < 200 ms');
