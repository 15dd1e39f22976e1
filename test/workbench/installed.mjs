// The packaged extension as a user gets it: vmscope.vsix (npm run package) installed into code-server, the
// examples folder it carries copied out and opened, and F5 on its first launch configuration (the minikernel
// under the built-in SBI, stopping on entry), with the vmscope views and the VM-exit commands there. Called by
// scripts/test-workbench.mjs after the checks of the extension under development.

import { cpSync, existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/**
 * `install(vsix)` installs the package into the running code-server's extensions folder `extensionsDir`; the page
 * opens `origin` on a copy of the installed examples. Returns the check counts (never throws for a failed check).
 */
export async function runInstalledCheck(browser, { origin, tmp, extensionsDir, resultsDir, log, pack, install }) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const name = 'the packaged extension: installed from vmscope.vsix, its examples opened, F5 stops the minikernel on entry';
  const t0 = Date.now();
  try {
    const vsix = pack();
    log(`packaged ${path.basename(vsix)}; installing it into code-server`);
    install(vsix);
    const dir = readdirSync(extensionsDir).find((d) => /^vmscope\.vmscope-/.test(d));
    if (dir === undefined) throw new Error(`no vmscope extension in ${extensionsDir} after the install`);
    const examples = path.join(tmp, 'my-examples');
    cpSync(path.join(extensionsDir, dir, 'examples'), examples, { recursive: true });
    if (!existsSync(path.join(examples, '.vscode', 'launch.json'))) throw new Error('the package has no examples/.vscode/launch.json');
    await page.goto(`${origin}/?folder=${encodeURIComponent(examples)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar-item#status\\.problems').waitFor({ timeout: 60_000 });
    await page.keyboard.press('Control+Shift+D');
    const start = page.locator('.start-debug-action-item').first();
    await start.waitFor({ timeout: 20_000 });
    const deadline = Date.now() + 30_000;
    while (!/minikernel \(built-in SBI\)/.test((await start.textContent()) ?? '') && Date.now() < deadline) await page.waitForTimeout(250);
    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor({ timeout: 60_000 });
    // Stopped on entry: the call stack shows the kernel's entry in S-mode.
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: '[S]' }).first().waitFor({ timeout: 30_000 });
    // The source of the entry point opened from the copied examples (DWARF names examples/minikernel/entry.S).
    await page.locator('.editor-instance .view-lines', { hasText: '_start' }).first().waitFor({ timeout: 20_000 });
    for (const title of ['Page Tables', 'TLB', 'VM Exits', 'IOMMU']) {
      await page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }).first().waitFor({ timeout: 15_000 });
    }
    await page.locator('.debug-toolbar .codicon-vm, .debug-toolbar [class*="vm"]').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(resultsDir, 'installed-vsix.png') });
    await page.keyboard.press('Shift+F5');
    counts.passed++;
    console.log(`  ✔ ${name} (${Date.now() - t0} ms) [test-results/workbench/installed-vsix.png]`);
  } catch (e) {
    counts.failed++;
    await page.screenshot({ path: path.join(resultsDir, 'failed-installed-vsix.png') }).catch(() => undefined);
    console.log(`  ✘ ${name}: ${String(e.message ?? e).split('\n')[0]} [test-results/workbench/failed-installed-vsix.png]`);
  }
  await page.close();
  return counts;
}
