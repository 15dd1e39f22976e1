// Bundles every entry point of vmscope into dist/ with esbuild.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';

const entries = {
  cli: 'cli/main.ts',
  debugAdapter: 'debug-adapter/stdio.ts',
  extension: 'extension/extension.ts',
  languageServer: 'language-server/server.ts',
  bench: 'bench/main.ts',
};

const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, src]) => existsSync(src)));

/** Options every bundle shares: Node 20, CommonJS, source maps, `vscode` from the extension host. */
const common = { outdir: 'dist', bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

await esbuild.build({ ...common, entryPoints, external: ['vscode'] });
if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);

// The extension tests run inside a VS Code extension host (scripts/test-workbench.mjs, scripts/test-electron.mjs):
// vscode comes from the host, mocha from node_modules.
if (existsSync('test/extension/suite/index.ts')) {
  await esbuild.build({ ...common, entryPoints: { 'test/extension/index': 'test/extension/suite/index.ts' }, external: ['vscode', 'mocha'] });
}
