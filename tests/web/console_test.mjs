// The web console in a real browser (Debian's chromium, headless, driven by
// playwright-core) against controllers started from the built `sesame`:
//
//   node console_test.mjs --sesame build/sesame --artifacts build/web-artifacts
//
// Each step prints what it saw; screenshots of every view go to --artifacts.
// Exit 0 only when every step passed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Home, eventually, fail, launchBrowser, tempRoot } from './harness.mjs';

const { values: args } = parseArgs({ options: { sesame: { type: 'string' }, artifacts: { type: 'string' }, only: { type: 'string' } } });
if (!args.sesame || !fs.existsSync(args.sesame)) fail(`--sesame: no such binary: ${args.sesame}`);
const artifacts = path.resolve(args.artifacts || 'web-artifacts');
fs.mkdirSync(artifacts, { recursive: true });
for (const f of fs.readdirSync(artifacts)) if (f.endsWith('.png')) fs.rmSync(path.join(artifacts, f));

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const READER_TOKEN = 'reader-token-0123456789abcdef';

const sandboxYaml = (name, extra = '') => `apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: ${name}, labels: {app: console-test}}
spec:
  provider: filesystem
  command: ["sh", "-c", "echo ready; cat"]
  stdin: true
${extra}`;

const steps = [];
function step(name, fn) { steps.push({ name, fn }); }

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: false });
}

async function rowPhase(page, key) {
  return page.$eval(`#sandboxes tr[data-key="${key}"]`, (tr) => tr.dataset.phase).catch(() => '');
}

// ---- A controller without tokens (loopback) ----

step('the table shows a sandbox applied from the shell, without a reload', async ({ page, open, home }) => {
  await open('/');
  await page.waitForSelector('main[data-loaded="true"] #sandboxes', { timeout: 60000 });
  await page.evaluate(() => { window.__notReloaded = true; });
  home.apply(sandboxYaml('shell-applied'));
  await page.waitForSelector('#sandboxes tr[data-key="default/shell-applied"]', { timeout: 60000 });
  await eventually('phase Running in the table', async () => (await rowPhase(page, 'default/shell-applied')) === 'Running');
  if (!(await page.evaluate(() => window.__notReloaded === true))) throw new Error('the page was reloaded');
  const cells = await page.$$eval('#sandboxes tr[data-key="default/shell-applied"] td', (tds) => tds.map((t) => t.textContent));
  console.log(`  row: ${cells.slice(0, 8).join(' | ')}`);
  if (cells[2] !== 'filesystem') throw new Error(`provider cell: ${cells[2]}`);
  await shot(page, 'sandboxes-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'sandboxes-390');
  await page.setViewportSize({ width: 1280, height: 900 });
});

step('filters hide and show rows by phase and label', async ({ page }) => {
  await page.selectOption('#filter-phase', 'Failed');
  await eventually('row hidden', () => page.$eval('#sandboxes tr[data-key="default/shell-applied"]', (tr) => tr.hidden));
  await page.selectOption('#filter-phase', '');
  await page.fill('#filter-labels', 'app=console-test');
  if (await page.$eval('#sandboxes tr[data-key="default/shell-applied"]', (tr) => tr.hidden)) throw new Error('label filter hid a match');
  await page.fill('#filter-labels', 'app=other');
  if (!(await page.$eval('#sandboxes tr[data-key="default/shell-applied"]', (tr) => tr.hidden))) throw new Error('label filter kept a non-match');
  await page.fill('#filter-labels', '');
});

step('YAML with an error shows its line and column', async ({ page }) => {
  const bad = 'apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: bad-one}\nspec:\n  provider: filesystem\n  resources: {memory: 4GB}\n';
  await page.fill('#apply-yaml', bad);
  await page.click('#apply-dry-run');
  const item = await page.waitForSelector('#apply-errors li');
  const text = await item.textContent();
  console.log(`  error: ${text}`);
  if (!/^Line 6, column \d+: spec\.resources\.memory/.test(text)) throw new Error(`unexpected error text: ${text}`);
  await shot(page, 'apply-error');
  await page.fill('#apply-yaml', sandboxYaml('from-editor'));
  await page.click('#apply');
  await page.waitForSelector('#sandboxes tr[data-key="default/from-editor"]');
});

step('suspend and resume are merge patches of spec.suspend; delete removes the row', async ({ page, home }) => {
  const key = 'default/from-editor';
  await eventually('from-editor Running', async () => (await rowPhase(page, key)) === 'Running');
  await page.click(`#sandboxes tr[data-key="${key}"] button[data-action="suspend"]`);
  await eventually('Suspended', async () => (await rowPhase(page, key)) === 'Suspended');
  const spec = JSON.parse(home.run(['get', 'sandbox', 'from-editor', '-o', 'json']).stdout).spec;
  if (spec.suspend !== true) throw new Error(`spec.suspend is ${spec.suspend}`);
  await page.click(`#sandboxes tr[data-key="${key}"] button[data-action="resume"]`);
  await eventually('Running again', async () => (await rowPhase(page, key)) === 'Running');
  await page.click(`#sandboxes tr[data-key="${key}"] button[data-action="delete"]`);
  await page.click('#confirm-delete');
  await page.waitForSelector(`#sandboxes tr[data-key="${key}"]`, { state: 'detached', timeout: 60000 });
});

step('the terminal echoes input for a stdin: true sandbox', async ({ page, open }) => {
  await open('/sandboxes/default/shell-applied');
  await page.waitForSelector('#spec-yaml:has-text("stdin: true")');
  await page.click('#terminal-connect');
  await page.waitForSelector('#terminal-input:not([disabled])');
  await page.fill('#terminal-input', 'hello from the browser');
  await page.press('#terminal-input', 'Enter');
  await page.waitForSelector('#terminal-output:has-text("hello from the browser")');
  await page.waitForSelector('#logs:has-text("hello from the browser")');
  await page.waitForSelector('#events tbody tr');
  await shot(page, 'sandbox');
});

step('a docker sandbox: in the table, and its terminal echoes through the engine', async ({ page, open, home }) => {
  await open('/');
  await page.waitForSelector('main[data-loaded="true"] #sandboxes');
  home.apply(`apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata: {name: in-docker}
spec:
  provider: docker
  image: sesame-test-busybox:latest
  command: ["sh", "-c", "echo ready; cat"]
  stdin: true
`);
  await page.waitForSelector('#sandboxes tr[data-key="default/in-docker"]', { timeout: 60000 });
  await eventually('the docker sandbox Running', async () => (await rowPhase(page, 'default/in-docker')) === 'Running', 120000);
  const provider = await page.$eval('#sandboxes tr[data-key="default/in-docker"] td:nth-child(3)', (td) => td.textContent);
  if (provider !== 'docker') throw new Error(`provider ${provider}`);
  await page.click('#sandboxes tr[data-key="default/in-docker"] a');
  await page.waitForSelector('#spec-yaml:has-text("provider: docker")');
  await page.click('#terminal-connect');
  await page.waitForSelector('#terminal-input:not([disabled])');
  await page.fill('#terminal-input', 'echo through docker');
  await page.press('#terminal-input', 'Enter');
  await page.waitForSelector('#terminal-output:has-text("echo through docker")', { timeout: 60000 });
  await shot(page, 'sandbox-docker');
  home.deleteAndWait('in-docker');
});

step('a read of ~/.ssh inside a secured sandbox appears in the violations view', async ({ page, open, home }) => {
  await open('/violations');
  await page.waitForSelector('#violations');
  const target = path.join(home.user, '.ssh', 'id_ed25519');
  const started = Date.now();
  const r = home.run(['exec', 'shell-applied', '--', 'cat', target], { allowFailure: true });
  const ran = Date.now();
  if (r.status === 0) throw new Error(`the sandbox read ${target}: ${r.stdout}`);
  const row = await page.waitForSelector(`#violations-body tr:has-text("${target}")`, { timeout: 30000 });
  const seen = Date.now();
  const recorded = Date.parse(await row.$eval('time', (t) => t.getAttribute('datetime')));
  console.log(`  exec took ${ran - started} ms; the row appeared ${seen - ran} ms after it returned, ` +
    `${seen - recorded} ms after the attempt's own timestamp`);
  const kind = await row.getAttribute('data-kind');
  if (kind !== 'filesystem') throw new Error(`kind ${kind}`);
  const counted = await page.$eval('#violation-counts [data-kind="filesystem"] strong', (s) => Number(s.textContent));
  if (counted < 1) throw new Error(`filesystem count ${counted}`);
  await page.selectOption('#filter-kind', 'network');
  if (await page.$(`#violations-body tr:has-text("${target}")`)) throw new Error('the kind filter kept a filesystem row');
  await page.selectOption('#filter-kind', '');
  await shot(page, 'violations');
});

step('the settings form changes what `sesame security get` prints', async ({ page, open, home }) => {
  await open('/admin/sandbox');
  await page.waitForSelector('#settings-form');
  await page.fill('#allowedDomains', 'pypi.org\nconsole-test.example.com');
  await page.fill('#denyRead', '~/secrets');
  await page.click('#settings-save');
  await page.waitForSelector('#settings-form .notice.ok');
  const out = home.run(['security', 'get', '-o', 'json']).stdout;
  console.log(`  sesame security get -o json: ${out.trim()}`);
  const got = JSON.parse(out);
  if (!got.allowedDomains.includes('console-test.example.com') || !got.denyRead.includes('~/secrets')) {
    throw new Error('the settings did not reach the store');
  }
  const events = home.run(['get', 'events']).stdout;
  if (!/SecuritySettings|Security/i.test(events)) throw new Error(`no event recorded: ${events}`);
  await shot(page, 'settings');
});

step('/admin/sandbox answers JSON to API clients', async ({ base }) => {
  const r = await fetch(`${base}/admin/sandbox`);
  if (!r.headers.get('content-type').startsWith('application/json')) throw new Error(r.headers.get('content-type'));
  const html = await fetch(`${base}/admin/sandbox`, { headers: { Accept: 'text/html' } });
  if (!html.headers.get('content-type').startsWith('text/html')) throw new Error('no HTML for a browser');
});

step('the sandboxes page holds its session and list; another page preloads its session; files come from the cache', async ({ page, open }) => {
  const painted = () => page.waitForFunction(() => performance.getEntriesByName('sandboxes:painted').length > 0);
  await open('/');  // fills the cache
  await painted();
  await page.reload();
  await painted();
  const entries = () => page.evaluate(() => performance.getEntriesByType('resource')
    .map((e) => ({ path: new URL(e.name).pathname, size: e.transferSize, start: e.startTime })));
  const here = await entries();
  for (const p of ['/console/sandboxes', '/console/session']) {
    const got = here.filter((e) => e.path === p);
    if (got.length !== 0) throw new Error(`${p} requested though the page holds it: ${JSON.stringify(here)}`);
  }
  if (await page.$('#console-data')) throw new Error('the data block was left in the page');
  const files = here.filter((e) => e.path.startsWith('/console/assets/'));
  if (files.length === 0) throw new Error('no console files loaded');
  for (const f of files) {
    if (!/^\/console\/assets\/[0-9a-f]{16}\//.test(f.path)) throw new Error(`${f.path}: not under the build id`);
    if (f.size !== 0) throw new Error(`${f.path}: fetched again (${f.size} bytes) instead of from the cache`);
  }
  await open('/violations');
  await page.waitForSelector('#violations');
  const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0].domInteractive);
  const session = (await entries()).filter((e) => e.path === '/console/session');
  // Once: the script's own request took the preloaded answer. Before the
  // page was parsed: the Link header started it, not the script.
  if (session.length !== 1) throw new Error(`/console/session requested ${session.length} times`);
  if (session[0].start > nav) throw new Error(`/console/session started at ${session[0].start} ms, after the page was parsed (${nav} ms)`);
  console.log(`    ${files.length} files from the cache; no request for the session or list on /; the session preloaded on /violations`);
});

step('the GitOps view lists syncs', async ({ page, open }) => {
  await open('/syncs');
  await page.waitForSelector('#syncs');
  await page.waitForSelector('text=No GitOps sync');
});

step('the Pools view shows a pool\'s warm count and a quota\'s use', async ({ page, open, home }) => {
  home.apply(`apiVersion: sesame.dev/v1alpha1
kind: SandboxQuota
metadata: {name: console-quota}
spec:
  hard: {sandboxes: 50}
---
apiVersion: sesame.dev/v1alpha1
kind: SandboxPool
metadata: {name: console-pool}
spec:
  replicas: 1
  template: {provider: filesystem, security: {enabled: false}}
`);
  await open('/pools');
  await page.waitForSelector('#pools');
  await page.waitForSelector('#pools-body tr[data-key="default/console-pool"] td.warm:text-is("1")', { timeout: 60000 });
  const row = await page.$eval('#pools-body tr[data-key="default/console-pool"]', (tr) => tr.textContent);
  console.log(`  pool: ${row}`);
  await page.waitForSelector('#quotas-body tr[data-key="default/console-quota"]:has-text("sandboxes")', { timeout: 30000 });
  const quota = await page.$eval('#quotas-body tr[data-key="default/console-quota"]', (tr) => tr.textContent);
  console.log(`  quota: ${quota}`);
  if (!/sandboxes \d+\/50/.test(quota)) throw new Error(`quota row: ${quota}`);
  await shot(page, 'pools');
  home.run(['delete', 'pool', 'console-pool']);
  home.run(['delete', 'quota', 'console-quota']);
});

step('keyboard: Tab reaches the skip link, the navigation and the controls; Enter follows a link', async ({ page, open }) => {
  await open('/');
  await page.waitForSelector('main[data-loaded="true"] #sandboxes');
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement.textContent);
  if (first !== 'Skip to content') throw new Error(`first Tab stop: ${first}`);
  const stops = [];
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate(() => document.activeElement.id || document.activeElement.textContent.trim()));
  }
  console.log(`  Tab stops: ${stops.join(' > ')}`);
  for (const want of ['Violations', 'filter-ns', 'filter-phase', 'filter-labels']) {
    if (!stops.includes(want)) throw new Error(`Tab never reaches ${want}`);
  }
  await page.focus('#nav a[href="/violations"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/violations$/);
  await page.waitForSelector('#violations');
});

step('every view in the dark theme and at 390 px wide', async ({ page, open }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  for (const [name, path, ready] of [['sandboxes', '/', '#sandboxes'], ['sandbox', '/sandboxes/default/shell-applied', '#spec-yaml'],
    ['violations', '/violations', '#violations'], ['settings', '/admin/sandbox', '#settings-form'], ['syncs', '/syncs', '#syncs'],
    ['pools', '/pools', '#pools']]) {
    await open(path);
    await page.waitForSelector(ready);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    if (bg !== 'rgb(20, 19, 15)') throw new Error(`${name}: the dark theme's background is not in use (${bg})`);
    await shot(page, `${name}-dark`);
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await shot(page, `${name}-390`);
    await page.setViewportSize({ width: 1280, height: 900 });
    if (overflow > 0) throw new Error(`${name} is ${overflow} px wider than a 390 px screen`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
});

step('a long list: the first screen is painted first, then every row; filters and the watch reach every row', async ({ page, open, home, base }) => {
  // Suspended from the start: stored and shown, nothing to run.
  let docs = '';
  for (let i = 0; i < 80; i++) {
    docs += `---\napiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: bulk-${String(i).padStart(2, '0')}, namespace: bulk, labels: {app: bulk, n: "${i}"}}\nspec: {provider: filesystem, command: [cat], suspend: true}\n`;
  }
  home.apply(docs);
  const stored = (await (await fetch(`${base}/v1/sandboxes`)).json()).items.length;
  await open('/');
  await page.waitForFunction(() => performance.getEntriesByName('sandboxes:complete').length > 0, null, { timeout: 60000 });
  const seen = await page.evaluate(() => {
    const [painted] = performance.getEntriesByName('sandboxes:painted');
    const [complete] = performance.getEntriesByName('sandboxes:complete');
    return { painted: painted.detail.rows, complete: complete.detail.rows, paintedAt: painted.startTime,
      completeAt: complete.startTime, keys: [...document.querySelectorAll('#sandboxes tbody tr')].map((tr) => tr.dataset.key),
      count: document.getElementById('sandbox-count').textContent };
  });
  console.log(`  ${stored} stored: first paint with ${seen.painted} rows at ${seen.paintedAt.toFixed(0)} ms, all ${seen.complete} at ${seen.completeAt.toFixed(0)} ms; "${seen.count}"`);
  if (seen.painted >= stored || seen.painted === 0) throw new Error(`the first paint had ${seen.painted} of ${stored} rows`);
  if (seen.complete !== stored || seen.keys.length !== stored) throw new Error(`${seen.keys.length} rows for ${stored} sandboxes`);
  if (seen.count !== `${stored} sandboxes`) throw new Error(`count: ${seen.count}`);
  if (seen.keys.join() !== [...seen.keys].sort().join()) throw new Error('the rows are not in order');
  const shown = () => page.$$eval('#sandboxes tbody tr:not([hidden])', (trs) => trs.map((tr) => tr.dataset.key));
  // bulk-79 is below the first screen's rows.
  await page.fill('#filter-labels', 'n=79');
  if ((await shown()).join() !== 'bulk/bulk-79') throw new Error(`n=79 shows ${await shown()}`);
  await page.fill('#filter-labels', '');
  await page.selectOption('#filter-ns', 'bulk');
  if ((await shown()).length !== 80) throw new Error(`namespace bulk shows ${(await shown()).length} rows`);
  await page.selectOption('#filter-ns', '');
  // A change from the watch, to a row built after the first paint.
  await page.fill('#filter-labels', 'extra=yes');
  home.apply(docs.split('---\n')[80].replace('n: "79"', 'n: "79", extra: "yes"'));
  await eventually('the watched label in the filter', async () => (await shown()).join() === 'bulk/bulk-79');
  await page.fill('#filter-labels', '');
});

// ---- A controller with tokens ----

step('login with a token; a read-only token sees no mutation controls and gets 403', async ({ tokenPage: page, tokenBase: base, tokenHome: home }) => {
  await page.goto(`${base}/`);
  await page.waitForURL(`${base}/login`);
  await shot(page, 'login');
  await page.fill('#token', 'wrong-token-0123456789');
  await page.click('#login');
  await page.waitForSelector('.notice.error:has-text("Unknown token")');
  await page.fill('#token', ADMIN_TOKEN);
  await page.click('#login');
  await page.waitForURL(`${base}/`);
  await page.waitForSelector('#sandboxes tr[data-key="default/guarded"] button[data-action="delete"]');
  const cookies = await page.context().cookies(base);
  const c = cookies.find((x) => x.name === 'sesame_session');
  if (!c || !c.httpOnly || c.sameSite !== 'Strict') throw new Error(`cookie: ${JSON.stringify(c)}`);
  if (await page.evaluate(() => document.cookie.includes('sesame_session'))) throw new Error('the cookie is readable by scripts');
  // A change without the CSRF token is refused even with the cookie.
  const forged = await page.evaluate(async () => (await fetch('/v1/namespaces/default/sandboxes/guarded', { method: 'DELETE' })).status);
  if (forged !== 403) throw new Error(`DELETE without the CSRF token: ${forged}`);
  // SANDBOX_SECURITY_ENABLED is set in this controller's environment.
  await page.goto(`${base}/admin/sandbox`);
  await page.waitForSelector('#enabled-lock:has-text("SANDBOX_SECURITY_ENABLED=true")');
  if (!(await page.$eval('#enabled', (e) => e.disabled))) throw new Error('the locked switch can be changed');
  await shot(page, 'settings-locked');
  await page.click('#logout');
  await page.waitForURL(`${base}/login`);

  await page.fill('#token', READER_TOKEN);
  await page.click('#login');
  await page.waitForURL(`${base}/`);
  await page.waitForSelector('#sandboxes tr[data-key="default/guarded"]');
  const buttons = await page.$$('#sandboxes button[data-action], #apply');
  if (buttons.length !== 0) throw new Error(`a read-only token sees ${buttons.length} mutation controls`);
  const status = await page.evaluate(async () => {
    const s = await (await fetch('/console/session')).json();
    const r = await fetch('/v1/namespaces/default/sandboxes/guarded', { method: 'DELETE', headers: { 'X-Sesame-Csrf': s.csrf } });
    return r.status;
  });
  console.log(`  read-only DELETE: ${status}`);
  if (status !== 403) throw new Error(`a read-only token's DELETE got ${status}`);
  if (home.run(['get', 'sandbox', 'guarded', '-o', 'name'], { allowFailure: true }).status !== 0) throw new Error('guarded is gone');
  await shot(page, 'read-only');
});

step('the GitOps view shows the sync\'s revision and status', async ({ tokenPage: page, tokenBase: base, repo }) => {
  await page.goto(`${base}/syncs`);
  const short = repo.revision.slice(0, 12);
  await page.waitForSelector(`#syncs-body tr:has-text("${short}")`, { timeout: 60000 });
  const row = await page.$eval('#syncs-body tr', (tr) => tr.textContent);
  console.log(`  sync: ${row}`);
  if (!row.includes('Synced')) throw new Error(`not Synced: ${row}`);
  await shot(page, 'syncs');
});

// A Git repository with one sandbox, for the token controller to sync.
function makeRepo(dir) {
  const repo = path.join(dir, 'fleet');
  fs.mkdirSync(repo);
  fs.writeFileSync(path.join(repo, 'synced.yaml'), sandboxYaml('synced'));
  const git = (...a) => execFileSync('git', ['-C', repo, '-c', 'user.name=test', '-c', 'user.email=t@example.com', ...a], { encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'one sandbox');
  return { dir: repo, revision: git('rev-parse', 'HEAD').trim() };
}

async function main() {
  const tmp = tempRoot();
  const home = new Home(path.resolve(args.sesame), tmp, 'open');
  const tokenHome = new Home(path.resolve(args.sesame), tmp, 'tokens');
  let browser;
  let failed = 0;
  try {
    const tokens = path.join(tokenHome.dir, 'tokens');
    fs.writeFileSync(tokens, `${ADMIN_TOKEN} *\n${READER_TOKEN} *:read\n`);
    tokenHome.env.SANDBOX_SECURITY_ENABLED = 'true';
    const repo = makeRepo(tokenHome.dir);
    const [base, tokenBase] = await Promise.all([home.controller(),
      tokenHome.controller(['--token-file', tokens, '--git', repo.dir, '--interval', '5s'])]);
    tokenHome.apply(sandboxYaml('guarded'));
    browser = await launchBrowser(tmp);
    const page = browser.pages()[0] || await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const tokenPage = await browser.newPage();
    const ctx = { page, home, base, tokenPage, tokenBase, tokenHome, repo, open: (p) => page.goto(`${base}${p}`) };
    for (const s of steps) {
      if (args.only && !s.name.includes(args.only)) continue;
      const t0 = Date.now();
      try {
        await s.fn(ctx);
        console.log(`ok   ${s.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${s.name}: ${e.message}`);
        await page.screenshot({ path: path.join(artifacts, `failed-${steps.indexOf(s)}.png`) }).catch(() => {});
      }
    }
    const cspErrors = errors.filter((e) => /Content Security Policy/i.test(e));
    if (cspErrors.length) { failed++; console.log(`FAIL the pages broke their Content-Security-Policy: ${cspErrors.join('; ')}`); }
    if (errors.length) console.log(`  browser console errors: ${errors.join(' | ')}`);
  } catch (e) {
    failed++;
    console.log(`FAIL setup: ${e.stack || e.message}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    // The docker sandbox's container does not go with the controller.
    home.deleteAndWait('in-docker', { allowFailure: true });
    home.stop();
    tokenHome.stop();
  }
  console.log(`screenshots: ${artifacts}`);
  if (failed) fail(`${failed} step(s) failed; logs under ${tmp}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log('PASS');
}

main();
