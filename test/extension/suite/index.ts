// The extension tests' entry point for a VS Code extension host (extensionTestsPath): runs the mocha suites of
// this folder and resolves when they pass. Each result line goes to the console and, when VMSCOPE_TEST_REPORT
// names a file, to that file too (the workbench runner prints it: a browser's extension host has no stdout).

import { appendFileSync } from 'node:fs';
import Mocha from 'mocha';
import { registerDebuggerTests } from './debugger.itest';
import { registerExtensionTests } from './extension.itest';
import { registerViewTests } from './views.itest';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, reporter: ReportLines, color: false });
  // Defines describe/it/before… as globals, as the mocha command does before it loads a spec file.
  mocha.suite.emit('pre-require', globalThis, 'vmscope-extension-tests', mocha);
  registerExtensionTests();
  registerDebuggerTests();
  registerViewTests();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}

/** A reporter that writes one line per test and a closing "N passed, N failed" line. */
class ReportLines extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const file = process.env.VMSCOPE_TEST_REPORT;
    const out = (line: string) => {
      console.log(line);
      if (file !== undefined && file !== '') appendFileSync(file, line + '\n');
    };
    let passed = 0, failed = 0, pending = 0, depth = 0;
    const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;
    const indent = () => '  '.repeat(depth);
    runner.on(EVENT_SUITE_BEGIN, (s: Mocha.Suite) => { if (s.title !== '') out(indent() + s.title); depth++; });
    runner.on(EVENT_SUITE_END, () => { depth--; });
    runner.on(EVENT_TEST_PASS, (t: Mocha.Test) => { passed++; out(`${indent()}✔ ${t.title} (${t.duration ?? 0} ms)`); });
    runner.on(EVENT_TEST_PENDING, (t: Mocha.Test) => { pending++; out(`${indent()}- ${t.title} (skipped)`); });
    runner.on(EVENT_TEST_FAIL, (t: Mocha.Test, err: Error) => {
      failed++;
      out(`${indent()}✘ ${t.title}\n${indent()}  ${(err.stack ?? err.message).split('\n').join('\n' + indent() + '  ')}`);
    });
    runner.once(EVENT_RUN_END, () => out(`extension tests: ${passed} passed, ${failed} failed` + (pending > 0 ? `, ${pending} skipped` : '')));
  }
}
