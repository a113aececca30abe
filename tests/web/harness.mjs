// What the browser tests need around the browser: a fresh $SESAME_HOME, the
// built `sesame` binary run as a user runs it, a controller whose log names
// its URL, and Debian's chromium launched headless with a fresh profile.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

// The modules from tests/web/package-lock.json (scripts/install-deps runs
// `npm ci` there). Missing ones fail the test: it never skips.
export async function loadPlaywright() {
  try {
    return await import(path.join(here, 'node_modules', 'playwright-core', 'index.mjs'));
  } catch (e) {
    fail(`playwright-core is not installed in ${here}/node_modules (run scripts/install-deps): ${e.message}`);
  }
}

export function chromiumPath() {
  for (const p of [process.env.CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium']) {
    if (p && fs.existsSync(p)) return p;
  }
  fail('Debian\'s chromium is not installed (run scripts/install-deps)');
}

// The network is closed and the profile is new each run: nothing is
// fetched, synced or updated in the background.
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser(tmp) {
  const { chromium } = await loadPlaywright();
  const profile = fs.mkdtempSync(path.join(tmp, 'profile-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
  });
}

export class Home {
  constructor(sesame, tmp, name) {
    this.sesame = sesame;
    this.dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
    this.user = path.join(this.dir, 'user');  // $HOME of the controller and the CLI
    fs.mkdirSync(path.join(this.user, '.ssh'), { recursive: true });
    fs.writeFileSync(path.join(this.user, '.ssh', 'id_ed25519'), 'not a real key\n', { mode: 0o600 });
    this.env = { ...process.env, HOME: this.user, SESAME_HOME: path.join(this.dir, 'sesame') };
    delete this.env.SESAME_SERVER;
    delete this.env.SESAME_TOKEN;
    delete this.env.SANDBOX_SECURITY_ENABLED;
    this.children = [];
  }

  // Runs `sesame ARGS` to its end; throws unless it exits 0.
  run(args, { input, env = {}, allowFailure = false } = {}) {
    const r = spawnSync(this.sesame, args, { env: { ...this.env, ...env }, input, encoding: 'utf8', timeout: 120000 });
    if (!allowFailure && r.status !== 0) {
      throw new Error(`sesame ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
    }
    return r;
  }

  apply(yaml, env = {}) {
    const file = path.join(this.dir, `apply-${Date.now()}-${Math.random().toString(16).slice(2)}.yaml`);
    fs.writeFileSync(file, yaml);
    return this.run(['apply', '-f', file], { env });
  }

  // Deletes a sandbox and waits until its provider resource is gone.
  deleteAndWait(name, { allowFailure = false } = {}) {
    this.run(['delete', 'sandbox', name], { allowFailure });
    return this.run(['wait', `sandbox/${name}`, '--for=delete', '--timeout', '120s'], { allowFailure });
  }

  // Starts `sesame controller`; resolves with its URL once it listens.
  controller(extra = []) {
    const log = fs.openSync(path.join(this.dir, `controller-${this.children.length}.log`), 'w');
    const child = spawn(this.sesame, ['controller', '--listen', '127.0.0.1:0', ...extra],
      { env: this.env, stdio: ['ignore', log, 'pipe'] });
    this.children.push(child);
    return new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`the controller did not listen: ${text}`)), 60000);
      child.stderr.on('data', (d) => {
        fs.writeSync(log, d);
        text += d.toString();
        const m = text.match(/API listening on (http:\/\/[^\s]+)/);
        if (m && timer) {
          clearTimeout(timer);
          resolve(m[1].replace(/\/$/, ''));
        }
      });
      child.on('exit', (code) => reject(new Error(`the controller exited ${code}: ${text}`)));
    });
  }

  // Stops the controllers, then the sandboxes' own processes (they outlive
  // a controller by design).
  stop() {
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGTERM');
    spawnSync('pkill', ['-9', '-f', path.join(this.env.SESAME_HOME, 'run')]);
  }
}

export function tempRoot() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-web-'));
}

// Polls `predicate` until it is true, or throws after `ms` (a bound for a
// broken build, far above what a loaded machine needs).
export async function eventually(what, predicate, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
