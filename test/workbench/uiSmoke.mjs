// UI checks in the workbench, as a person would do them: open Run and Debug, set a breakpoint by clicking the
// gutter of examples/minikernel/main.c, start the launch configuration, see the paused session and its debug
// toolbar (with vmscope's VM-exit commands), continue, and read the guest's console in the Debug Console.
// Each check takes a screenshot in the results folder. Called by scripts/test-workbench.mjs.

import { createWriteStream, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The source line the gutter breakpoint goes on: the first statement of the minikernel's sys_write. */
function breakpointLine(root) {
  const lines = readFileSync(path.join(root, 'examples', 'minikernel', 'main.c'), 'utf8').split('\n');
  const fn = lines.findIndex((l) => /^static long sys_write\(/.test(l));
  if (fn < 0) throw new Error('sys_write not found in examples/minikernel/main.c');
  return fn + 3;   // 1-based: the signature, the brace, then the first statement
}

/** Polls `fn` until it returns true; throws the message `why()` gives after `ms`. */
async function waitUntil(fn, ms, why) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(await why());
}

/**
 * Runs the checks on a new page at `url` (a workspace with the minikernel's launch configuration and the
 * extension under development). Returns the counts; never throws for a failed check.
 */
export async function runUiSmoke(browser, url, { resultsDir, root, log }) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const browserLog = createWriteStream(path.join(resultsDir, 'ui-browser.log'));
  page.on('console', (m) => browserLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => browserLog.write(`[pageerror] ${e.stack ?? e}\n`));
  const counts = { passed: 0, failed: 0, skipped: 0 };
  let shot = 1;
  const screenshot = async (name) => {
    const file = path.join(resultsDir, `${shot++}-${name}.png`);
    await page.screenshot({ path: file }).catch(() => undefined);
    return path.relative(process.cwd(), file);
  };
  /** One check: passes, fails (the rest still run when they can), or is skipped with a reason. */
  const check = async (name, fn) => {
    const t0 = Date.now();
    try {
      const skip = await fn();
      const file = await screenshot(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
      if (typeof skip === 'string') {
        counts.skipped++;
        console.log(`  - ${name} (skipped: ${skip}) [${file}]`);
      } else {
        counts.passed++;
        console.log(`  ✔ ${name} (${Date.now() - t0} ms) [${file}]`);
      }
      return true;
    } catch (e) {
      counts.failed++;
      await page.keyboard.press('Escape').catch(() => undefined);   // a quick input left open would hide the rest
      const file = await screenshot('failed-' + name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
      console.log(`  ✘ ${name}: ${e.message.split('\n')[0]} [${file}]`);
      return false;
    }
  };
  const line = breakpointLine(root);
  const editor = page.locator('.editor-instance .monaco-editor').first();
  const repl = page.locator('.repl');
  const debugToolbar = page.locator('.debug-toolbar');

  console.log('UI checks');
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
  await page.locator('.statusbar-item#status\\.problems').waitFor({ timeout: 60_000 });   // the workbench is restored

  const viewOpen = await check('the Run and Debug view opens with the workspace\'s vmscope configuration', async () => {
    await page.keyboard.press('Control+Shift+D');
    const start = page.locator('.start-debug-action-item').first();
    await start.waitFor({ timeout: 15_000 });
    // The configuration picker: a <select> or a custom select box, whose texts and titles name the configurations
    // (filled once the workspace's launch configurations are read).
    const text = () => start.evaluate((e) => [e.textContent, ...[...e.querySelectorAll('[title], [aria-label], option')]
      .map((x) => `${x.getAttribute('title') ?? ''} ${x.getAttribute('aria-label') ?? ''} ${x.textContent ?? ''}`)].join(' '));
    // The workspace's own configuration, or the examples folder's launch.json (listed first when it has one).
    await waitUntil(async () => /vmscope: minikernel|minikernel \(built-in SBI\)/.test(await text()), 20_000,
      async () => `the configuration picker shows: ${(await text()).trim()}`);
  });

  const bpSet = await check(`a click in the gutter of minikernel/main.c:${line} sets a breakpoint`, async () => {
    const quick = page.locator('.quick-input-widget input').first();
    await waitUntil(async () => {
      if (await quick.isVisible()) return true;
      await page.keyboard.press('Control+P');
      await page.waitForTimeout(1000);
      return quick.isVisible();
    }, 30_000, () => 'Quick Open did not open');
    // An absolute path opens without waiting for the first file search of a fresh server.
    await quick.fill(path.join(root, 'examples', 'minikernel', 'main.c'));
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'main.c' }).first().waitFor({ timeout: 45_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'main.c' }).first().waitFor({ timeout: 10_000 });
    await editor.waitFor({ timeout: 10_000 });
    // Go to the line so that it is on screen, then click the glyph margin beside its number.
    await page.keyboard.press('Control+G');
    await quick.waitFor({ timeout: 10_000 });
    await page.keyboard.type(String(line));
    await page.keyboard.press('Enter');
    const number = editor.locator('.margin-view-overlays .line-numbers', { hasText: new RegExp(`^${line}$`) }).first();
    await number.waitFor({ timeout: 10_000 });
    const numberBox = await number.boundingBox();
    const glyph = await editor.locator('.margin-view-overlays .glyph-margin, .glyph-margin').first().boundingBox();
    const x = glyph !== null && glyph.width > 0 ? glyph.x + glyph.width / 2 : numberBox.x - 8;
    await page.mouse.click(x, numberBox.y + numberBox.height / 2);
    await editor.locator('.codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified').first().waitFor({ timeout: 10_000 });
    const listed = page.locator('.debug-breakpoints .monaco-list-row', { hasText: 'main.c' }).first();
    await listed.waitFor({ timeout: 10_000 });
  });

  let stoppedAtBreakpoint = false;
  const started = viewOpen && await check('F5 starts the session: it stops on entry with the debug toolbar and vmscope\'s VM-exit commands', async () => {
    await page.keyboard.press('F5');
    await debugToolbar.waitFor({ timeout: 30_000 });
    await page.getByText(/paused on entry/i).first().waitFor({ timeout: 30_000 });
    const labels = async () => debugToolbar.locator('.action-label').evaluateAll((es) => es.map((e) => e.getAttribute('aria-label') ?? e.title));
    for (const title of ['Step to VM Exit', 'Step Through VM Exit']) {
      await debugToolbar.locator(`.action-label[aria-label^="${title}"]`).first().waitFor({ timeout: 10_000 })
        .catch(async () => { throw new Error(`no "${title}" in the debug toolbar: ${(await labels()).join(', ')}`); });
    }
    await debugToolbar.screenshot({ path: path.join(resultsDir, 'debug-toolbar.png') });
  });

  if (started) {
    await check(`continuing stops at the gutter breakpoint (main.c:${line})`, async () => {
      // The adapter answers setBreakpoints for source lines once it maps them through DWARF line tables; an
      // unverified breakpoint cannot stop the machine.
      const unverified = editor.locator('.codicon-debug-breakpoint-unverified');
      if (!bpSet) throw new Error('no breakpoint was set');
      await page.locator('.tab', { hasText: 'main.c' }).first().click();
      await editor.locator('.codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified').first().waitFor({ timeout: 10_000 });
      if (await unverified.count() > 0) return 'the adapter leaves source-line breakpoints unverified (no DWARF line mapping yet)';
      await page.keyboard.press('F5');
      await page.getByText(/paused on breakpoint/i).first().waitFor({ timeout: 30_000 });
      await editor.locator('.codicon-debug-stackframe').first().waitFor({ timeout: 10_000 });
      await page.locator('.debug-variables .monaco-list-row', { hasText: /\bfd\b/ }).first().waitFor({ timeout: 10_000 });   // sys_write's Locals
      stoppedAtBreakpoint = true;
    });

    if (stoppedAtBreakpoint) {
      await check('the vmscope views show the stopped session: Page Tables expanded to PTEs, TLB, VM Exits, IOMMU; the status bar item', async () => {
        await page.keyboard.press('Control+Shift+D');
        const pane = (title) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }) }).first();
        for (const title of ['Page Tables', 'TLB', 'VM Exits', 'IOMMU']) await pane(title).waitFor({ timeout: 15_000 });
        // Make room: collapse the built-in Watch and Breakpoints views, expand Page Tables.
        for (const title of ['Watch', 'Breakpoints']) {
          const header = pane(title).locator('.pane-header').first();
          if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
        }
        const pt = pane('Page Tables');
        const ptHeader = pt.locator('.pane-header').first();
        if ((await ptHeader.getAttribute('aria-expanded')) !== 'true') await ptHeader.click();
        await pt.locator('.monaco-list-row', { hasText: 'hart0' }).first().waitFor({ timeout: 15_000 });
        const satp = pt.locator('.monaco-list-row', { hasText: /^satp/ }).first();
        await satp.waitFor({ timeout: 15_000 });
        if ((await satp.getAttribute('aria-expanded')) !== 'true') await satp.click();
        await pt.locator('.monaco-list-row', { hasText: /^\[\d+\] 0x/ }).first().waitFor({ timeout: 15_000 });
        const status = page.locator('.statusbar-item', { hasText: /insns/ }).first();
        await status.waitFor({ timeout: 15_000 });
        log(`status bar: ${(await status.textContent())?.trim()}`);
      });

      await check('Translate Address draws the walk in a webview', async () => {
        await page.keyboard.press('F1');
        const quick = page.locator('.quick-input-widget input').first();
        await quick.waitFor({ timeout: 10_000 });
        await quick.fill('>vmscope: Translate Address');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Translate Address' }).first().waitFor({ timeout: 10_000 });
        await page.keyboard.press('Enter');
        await page.locator('.quick-input-widget', { hasText: 'Translate Address' }).first().waitFor({ timeout: 10_000 });
        await quick.fill('0x80200000 fetch');
        await page.keyboard.press('Enter');
        const frame = page.frameLocator('iframe.webview').frameLocator('iframe');
        await frame.locator('h1', { hasText: 'Translation of' }).waitFor({ timeout: 20_000 });
        await frame.locator('.ref').first().waitFor({ timeout: 5_000 });
        await page.waitForTimeout(500);
      });
    }

    await check('the Debug Console shows the guest\'s console output, to its last line', async () => {
      if (stoppedAtBreakpoint) {
        await page.locator('.codicon-debug-breakpoint').first().click().catch(() => undefined);   // no more stops
      }
      await page.keyboard.press('F5');
      await debugToolbar.waitFor({ state: 'hidden', timeout: 60_000 });
      await page.keyboard.press('Control+Shift+Y');
      await repl.waitFor({ timeout: 10_000 });
      await repl.getByText('minikernel: all processes exited').first().waitFor({ timeout: 15_000 });
    });
  }

  if (started) {
    await check('"console": "terminal": the guest console in a terminal', async () => {
      await page.keyboard.press('F1');
      const quick = page.locator('.quick-input-widget input').first();
      await quick.waitFor({ timeout: 10_000 });
      await quick.fill('>Debug: Select and Start Debugging');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Select and Start Debugging' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'guest console in a terminal' }).first().waitFor({ timeout: 15_000 });
      // The picker is the `debug ` quick access: keep its prefix when filtering.
      const prefix = ((await quick.inputValue().catch(() => '')) ?? '').match(/^debug /)?.[0] ?? '';
      await quick.fill(`${prefix}guest console in a terminal`);
      await page.keyboard.press('Enter');
      // The Debug Console opens with the session: bring the guest's terminal forward.
      await page.locator('.quick-input-widget', { hasText: 'Select and Start Debugging' }).first().waitFor({ state: 'hidden', timeout: 10_000 })
        .catch(() => undefined);
      await page.locator('.terminal-tab, .tabs-list .monaco-list-row, .single-terminal-tab', { hasText: 'Guest:' }).first().waitFor({ state: 'attached', timeout: 30_000 })
        .catch(() => undefined);
      await page.keyboard.press('F1');
      await quick.waitFor({ timeout: 10_000 });
      await quick.fill('>Terminal: Focus Terminal');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Terminal: Focus Terminal' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await page.locator('.terminal-tab, .tabs-list .monaco-list-row, .single-terminal-tab', { hasText: 'Guest:' }).first().waitFor({ timeout: 30_000 })
        .catch(() => undefined);
      // The text as the DOM renderer draws it, or the terminal's buffer through the workbench's test driver.
      const text = async () => {
        const dom = (await page.locator('.xterm-rows').allTextContents().catch(() => [])).join('\n');
        const buffer = await page.evaluate(async () => {
          const d = globalThis.driver;
          if (d?.getTerminalBuffer === undefined) return '';
          try { return (await d.getTerminalBuffer('.terminal-wrapper')).join('\n'); } catch { return ''; }
        }).catch(() => '');
        return `${dom}\n${buffer}`;
      };
      const shown = await waitUntil(async () => (await text()).includes('all processes exited'), 30_000, () => '').then(() => true, () => false);
      if (!shown) return 'the guest terminal\'s text was not found in the page within 30 s';
    });
  }

  await page.close();
  log(`UI checks: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  return counts;
}
