// The .vsix's contents (`npm run package` packs what `vsce ls` lists): the bundles, the grammar, the examples the
// launch configurations in examples/.vscode use, the docs; no sources, tests, source maps or node_modules.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { validate } from '../../debug-adapter/launch';

const root = path.resolve(__dirname, '..', '..');

describe('extension package (.vsix contents)', function () {
  this.timeout(180_000);

  it('holds the bundles, grammar, examples and docs, and nothing of the sources or tests', () => {
    const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
    const files = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' }).split('\n').filter((l) => l !== '');
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/extension.js', 'dist/debugAdapter.js', 'dist/languageServer.js',
      'syntaxes/riscv-asm.tmLanguage.json', 'syntaxes/riscv-asm.language-configuration.json', 'examples/.vscode/launch.json',
      'examples/build/minikernel.elf', 'examples/minikernel/main.c', 'docs/dap.md', 'docs/extension.md']) {
      assert.ok(files.includes(f), `${f} is missing from the package`);
    }
    const bad = files.filter((f) => /\.ts$|\.map$|node_modules\/|^test\/|^core\/|^bench\/|^scripts\/|^dist\/test\/|^dist\/bench/.test(f));
    assert.deepEqual(bad, []);
    // Every file the example launch configurations name is in the package.
    const launch = readFileSync(path.join(root, 'examples', '.vscode', 'launch.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    const named = [...launch.matchAll(/\$\{workspaceFolder\}\/([^"]+)/g)].map((m) => `examples/${m[1]}`);
    assert.ok(named.length >= 6);
    for (const f of named) assert.ok(files.includes(f), `${f} (named in examples/.vscode/launch.json) is missing`);
  });

  it('the example launch configurations are valid launch configurations', () => {
    const text = readFileSync(path.join(root, 'examples', '.vscode', 'launch.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')
      .replaceAll('${workspaceFolder}', path.join(root, 'examples'));
    const configs = (JSON.parse(text) as { configurations: Record<string, unknown>[] }).configurations;
    assert.ok(configs.length >= 6);
    for (const c of configs) {
      assert.equal(c.type, 'vmscope');
      assert.doesNotThrow(() => validate(c), String(c.name));
    }
  });
});
