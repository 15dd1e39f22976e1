// Runs the extension tests (test/extension/suite) in a downloaded VS Code desktop build with @vscode/test-electron,
// for machines that can reach the VS Code download servers (the workbench runner, scripts/test-workbench.mjs,
// needs no download). Linux without a display: run it under xvfb-run.
//
//   npm run test:electron     environment: VSCODE_VERSION (default stable), VSCODE_TEST_CACHE (default .vscode-test)

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = process.env.VSCODE_VERSION ?? 'stable';

const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(1);

let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({
    version, cachePath: process.env.VSCODE_TEST_CACHE ?? path.join(root, '.vscode-test'), timeout: 30_000,
  });
} catch (e) {
  console.error(`test:electron: could not download VS Code ${version} (${e instanceof Error ? e.message : e}).\n` +
    'This runner needs the VS Code download servers. Without them, run the same suite in code-server: npm run test:workbench');
  process.exit(1);
}

try {
  const code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'dist', 'test', 'extension', 'index.js'),
    launchArgs: [path.join(root, 'examples'), '--disable-extensions', '--disable-workspace-trust', '--disable-gpu', '--skip-welcome'],
  });
  process.exit(code);
} catch (e) {
  console.error(`test:electron: the extension tests failed (${e instanceof Error ? e.message : e})`);
  process.exit(1);
}
