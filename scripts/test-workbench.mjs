// Runs the extension tests in a real VS Code workbench: code-server (installed on demand into
// test/workbench/node_modules with the Node it needs) served on 127.0.0.1, driven by Debian's Chromium through
// playwright-core. First the mocha suite of test/extension/suite runs in the workbench's extension host
// (extensionTestsPath); then test/workbench/uiSmoke.mjs clicks through the Run and Debug view in a second page;
// then test/workbench/installed.mjs installs the packaged .vsix and runs the examples it carries.
// Screenshots and logs go to test-results/workbench/. Exit code 0 only when everything passed.
//
//   npm run test:workbench    environment: CHROMIUM=path (default /usr/bin/chromium), WORKBENCH_TIMEOUT=seconds (900),
//                             WORKBENCH_KEEP=1 (keep the temporary folder), WORKBENCH_UI_ONLY=1 (only the UI checks)

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { runUiSmoke } from '../test/workbench/uiSmoke.mjs';
import { runInstalledCheck } from '../test/workbench/installed.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workbenchDir = path.join(root, 'test', 'workbench');
const resultsDir = path.join(root, 'test-results', 'workbench');
const node24 = path.join(workbenchDir, 'node_modules', 'node', 'bin', 'node');
const codeServer = path.join(workbenchDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const stamp = path.join(workbenchDir, 'node_modules', '.vmscope-install');
const timeoutSeconds = Number(process.env.WORKBENCH_TIMEOUT ?? 900);

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (msg) => console.log(`[workbench ${elapsed()}] ${msg}`);
const cleanups = [];

/** A failure the user can act on: the message says what to do. */
class SetupError extends Error {}

async function main() {
  const browserPath = findChromium();
  ensureWorkbench();
  log('bundling the extension and its tests');
  run(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root });

  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), 'vmscope-workbench-'));
  cleanups.push(() => { if (process.env.WORKBENCH_KEEP !== '1') rmSync(tmp, { recursive: true, force: true }); });
  const report = path.join(tmp, 'extension-tests.txt');
  const workspace = writeWorkspace(tmp);

  const port = await freePort();
  const server = await startCodeServer(tmp, port, report);
  const origin = `http://127.0.0.1:${port}`;
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;

  log(`starting ${browserPath} (headless)`);
  const browser = await chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  cleanups.push(() => browser.close().catch(() => undefined));

  // 1. The extension tests in the workbench's extension host.
  const payload = [['extensionDevelopmentPath', remote(root)], ['extensionTestsPath', remote(path.join(root, 'dist', 'test', 'extension', 'index.js'))]];
  const testUrl = `${origin}/?folder=${encodeURIComponent(path.join(root, 'examples'))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const extension = process.env.WORKBENCH_UI_ONLY === '1' ? { passed: 0, failed: 0, skipped: 0, exitCode: 0 }
    : await runExtensionTests(browser, testUrl, report);

  // 2. UI checks: the Run and Debug view, a breakpoint from the gutter, the session, the Debug Console.
  const devPayload = [['extensionDevelopmentPath', remote(root)]];
  const uiUrl = `${origin}/?workspace=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(devPayload))}`;
  log('UI checks (screenshots in test-results/workbench/)');
  const ui = await runUiSmoke(browser, uiUrl, { resultsDir, root, log });

  // 3. The packaged extension, installed from its .vsix as a user would.
  const extensionsDir = path.join(tmp, 'extensions');
  const installed = await runInstalledCheck(browser, {
    origin, tmp, extensionsDir, resultsDir, log,
    pack: () => {
      const vsix = path.join(tmp, 'vmscope.vsix');
      run(path.join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository',
        '--no-rewrite-relative-links', '--out', vsix], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
      return vsix;
    },
    install: (vsix) => run(node24, [codeServer, '--extensions-dir', extensionsDir, '--user-data-dir', path.join(tmp, 'user-data'),
      '--install-extension', vsix], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] }),
  });
  ui.passed += installed.passed; ui.failed += installed.failed;

  const passed = extension.passed + ui.passed, failed = extension.failed + ui.failed;
  server.stop();
  log(`extension tests exit code ${extension.exitCode}; UI checks ${ui.passed} passed, ${ui.failed} failed` +
    (ui.skipped > 0 ? `, ${ui.skipped} skipped` : ''));
  console.log(`workbench: ${passed} passed, ${failed} failed` + (extension.skipped + ui.skipped > 0 ? `, ${extension.skipped + ui.skipped} skipped` : ''));
  return extension.exitCode === 0 && failed === 0 && passed > 0 ? 0 : 1;
}

/** Debian's Chromium (or $CHROMIUM). */
function findChromium() {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new SetupError('Chromium not found (looked for ' + candidates.join(', ') + '). Install Debian\'s chromium ' +
      '(apt-get install chromium) or set CHROMIUM to a Chromium or Chrome executable.');
  }
  return found;
}

/**
 * Installs test/workbench's packages (code-server and Node 24) when missing or when the lockfile changed. Three
 * steps, because code-server's install script must run under the Node it will run on: the packages without
 * scripts, then the node package's script (it fetches the Node binary package), then code-server's with that Node
 * first on PATH (it builds native modules, among them kerberos, which needs libkrb5-dev).
 */
function ensureWorkbench() {
  const lock = readFileSync(path.join(workbenchDir, 'package-lock.json'));
  const want = createHash('sha256').update(lock).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want && existsSync(node24) && existsSync(codeServer)) return;
  if (!existsSync('/usr/include/krb5.h') && spawnSync('krb5-config', ['--version']).status !== 0) {
    throw new SetupError('code-server\'s install builds the kerberos module, which needs the Kerberos headers: ' +
      'apt-get install libkrb5-dev');
  }
  const t0 = Date.now();
  log('installing code-server and Node 24 into test/workbench/node_modules (once; a few minutes)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // Run from `npm test`, the environment carries the outer npm's settings (npm_config_user_agent names Node 20, and
  // code-server's install script checks it): these installs get none of them.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  run(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: workbenchDir, env: clean });
  run(npm, ['rebuild', 'node'], { cwd: workbenchDir, env: clean });
  if (!existsSync(node24)) throw new SetupError(`the node package did not install its binary (${node24})`);
  const env = { ...clean, PATH: path.dirname(node24) + path.delimiter + process.env.PATH };
  run(npm, ['rebuild', 'code-server'], { cwd: workbenchDir, env });
  if (!existsSync(codeServer)) throw new SetupError(`code-server did not install (${codeServer})`);
  writeFileSync(stamp, want);
  log(`installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new SetupError(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** A multi-root-free workspace file: the examples folder and a launch configuration for the minikernel. */
function writeWorkspace(tmp) {
  const file = path.join(tmp, 'vmscope.code-workspace');
  writeFileSync(file, JSON.stringify({
    folders: [{ path: path.join(root, 'examples') }],
    launch: {
      version: '0.2.0',
      configurations: [{ type: 'vmscope', request: 'launch', name: 'vmscope: minikernel', kernel: '${workspaceFolder}/build/minikernel.elf', bios: 'builtin', stopOnEntry: true },
        { type: 'vmscope', request: 'launch', name: 'vmscope: guest console in a terminal', kernel: '${workspaceFolder}/build/minikernel.elf', mode: 'vm', mmu: 'shadow', console: 'terminal' }],
    },
  }, null, 2));
  return file;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Starts code-server on 127.0.0.1:port with everything of its own in tmp; resolves when it answers. */
async function startCodeServer(tmp, port, report) {
  const userData = path.join(tmp, 'user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'chat.disableAIFeatures': true,
    'window.commandCenter': false,
    'debug.internalConsoleOptions': 'openOnSessionStart',
    'debug.toolBarLocation': 'floating',
    // The DOM renderer: the terminal's text is in the page (the GPU renderers draw it on a canvas).
    'terminal.integrated.gpuAcceleration': 'off',
  }, null, 2));
  const config = path.join(tmp, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [codeServer, '--config', config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userData, '--extensions-dir', path.join(tmp, 'extensions'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--vscode-option', 'enable-smoke-test-driver', '--ignore-last-opened'];
  log(`starting code-server on 127.0.0.1:${port}`);
  const out = createWriteStream(path.join(resultsDir, 'code-server.log'));
  const child = spawn(node24, args, {
    cwd: tmp, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VMSCOPE_TEST_REPORT: report, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data') },
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited = false;
  child.on('exit', () => { exited = true; });
  const stop = () => { if (!exited) { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ } } };
  cleanups.push(stop);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new SetupError('code-server exited at start; see test-results/workbench/code-server.log');
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return { stop };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new SetupError('code-server did not answer within 60 s; see test-results/workbench/code-server.log');
}

/**
 * Opens the workbench with extensionTestsPath: its extension host runs the suite, then the workbench calls
 * codeAutomationExit(code). The suite's result lines come from the report file it writes.
 */
async function runExtensionTests(browser, url, report) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const browserLog = createWriteStream(path.join(resultsDir, 'extension-tests-browser.log'));
  page.on('console', (m) => browserLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => browserLog.write(`[pageerror] ${e.stack ?? e}\n`));
  let exitCode;
  const done = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code) => { exitCode = code; resolve(); });
  });
  await page.exposeFunction('codeAutomationLog', (type, args) => browserLog.write(`[${type}] ${JSON.stringify(args)}\n`));
  log('extension tests: opening the workbench with extensionTestsPath');
  await page.goto(url);
  const limit = 600_000;
  const timer = new Promise((resolve) => setTimeout(resolve, limit).unref());
  await Promise.race([done, timer]);
  await page.screenshot({ path: path.join(resultsDir, '0-extension-tests.png') }).catch(() => undefined);
  await page.close();
  const lines = existsSync(report) ? readFileSync(report, 'utf8') : '';
  writeFileSync(path.join(resultsDir, 'extension-tests.txt'), lines);
  process.stdout.write(lines.replace(/^/gm, '  '));
  if (exitCode === undefined) {
    console.log(`  the extension tests did not finish within ${limit / 1000} s (see test-results/workbench/)`);
    return { passed: 0, failed: 1, skipped: 0, exitCode: 1 };
  }
  const m = /extension tests: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(lines);
  if (m === null) {
    console.log('  the extension host ended without a result (did it load the suite? see test-results/workbench/)');
    return { passed: 0, failed: 1, skipped: 0, exitCode: exitCode || 1 };
  }
  return { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0), exitCode };
}

const watchdog = setTimeout(() => {
  console.error(`workbench: stopped after ${timeoutSeconds} s (WORKBENCH_TIMEOUT)`);
  void cleanup().then(() => process.exit(1));
}, timeoutSeconds * 1000);

async function cleanup() {
  for (const f of cleanups.splice(0).reverse()) await f();
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(e instanceof SetupError ? `workbench: ${e.message}` : e);
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
log(`done (exit ${code})`);
process.exit(code);
