// Debug sessions through the real vscode.debug API with the inline adapter: stop on entry, threads and stack
// traces, a function and a source breakpoint, the VM-exit stepping commands, a configuration made from the open ELF file,
// a `vmscope dap` server reached by "attach", and the session's clean end.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startDapServer } from '../../../debug-adapter/server';
import type { ExitsResult } from '../../../debug-adapter/protocol';
import { SessionTracker, type TrackedSession } from './debugSessions';
import { EXTENSION_ID } from './extension.itest';

type Stopped = DebugProtocol.StoppedEvent;

export function registerDebuggerTests(): void {
  describe('debugging with the vmscope adapter (inline)', function () {
    this.timeout(90_000);
    let tracker: SessionTracker;
    let build: string;
    const launch = (name: string, attrs: Record<string, unknown>): vscode.DebugConfiguration =>
      ({ type: 'vmscope', request: 'launch', name, ...attrs });
    const frame0 = async (t: TrackedSession, threadId = 1) =>
      ((await t.session.customRequest('stackTrace', { threadId })) as DebugProtocol.StackTraceResponse['body']).stackFrames[0];

    before(async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      await ext.activate();
      build = path.join(ext.extensionPath, 'examples', 'build');
      tracker = new SessionTracker();
    });
    afterEach(async () => {
      await vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
      await tracker.stopAll();
    });
    after(() => tracker.dispose());

    it('launches the minikernel stopped on entry: threads and stack trace', async () => {
      const t = await tracker.start(launch('minikernel', { kernel: path.join(build, 'minikernel.elf'), bios: 'builtin', stopOnEntry: true }));
      const stopped = await t.next<Stopped>('stopped');
      assert.equal(stopped.body.reason, 'entry');
      const threads = (await t.session.customRequest('threads')) as DebugProtocol.ThreadsResponse['body'];
      assert.deepEqual(threads.threads.map((x) => x.name), ['hart0']);
      const f = await frame0(t);
      assert.equal(f.instructionPointerReference, '0x80200000');
      assert.match(f.name, /^_start.*\[S\]$/);
    });

    it('stops at a function breakpoint set through vscode.debug (trap_handler)', async () => {
      vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint('trap_handler')]);
      const t = await tracker.start(launch('minikernel', { kernel: path.join(build, 'minikernel.elf'), bios: 'builtin' }));
      const stopped = await t.next<Stopped>('stopped');
      assert.equal(stopped.body.reason, 'breakpoint');
      assert.match((await frame0(t, stopped.body.threadId)).name, /^trap_handler/);
      assert.match(t.output(), /minikernel/, 'the guest console came as output before the first trap');
    });

    it('stops at a source breakpoint set through vscode.debug (minikernel/main.c, the first line of sys_write)', async () => {
      const source = path.join(build, '..', 'minikernel', 'main.c');
      const line = fs.readFileSync(source, 'utf8').split('\n').findIndex((l) => /^static long sys_write\(/.test(l)) + 2;   // 0-based
      assert.ok(line > 1, 'sys_write in main.c');
      vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(source), new vscode.Position(line, 0)))]);
      const t = await tracker.start(launch('minikernel', { kernel: path.join(build, 'minikernel.elf'), bios: 'builtin' }));
      const stopped = await t.next<Stopped>('stopped');
      assert.equal(stopped.body.reason, 'breakpoint');
      const f = await frame0(t, stopped.body.threadId);
      assert.match(f.name, /^sys_write/);
      assert.equal(f.source?.name, 'main.c');   // (its path may come back as a URI from a remote extension host)
      assert.equal(f.line, line + 1);
    });

    it('vmscope.stepToExit runs a VMM guest (mode vm) to its next VM exit', async () => {
      const t = await tracker.start(launch('guest', { kernel: path.join(build, 'minikernel.elf'), mode: 'vm', stopOnEntry: true }));
      await t.next<Stopped>('stopped', (e) => e.body.reason === 'entry');
      assert.equal(vscode.debug.activeDebugSession?.id, t.session.id);
      const threads = (await t.session.customRequest('threads')) as DebugProtocol.ThreadsResponse['body'];
      assert.deepEqual(threads.threads.map((x) => x.name), ['vm0/vcpu0']);
      await vscode.commands.executeCommand('vmscope.stepToExit');
      const stopped = await t.next<Stopped>('stopped');
      assert.equal(stopped.body.reason, 'exception');
      assert.match(stopped.body.description ?? '', /^VM exit: /);
      const exits = (await t.session.customRequest('vmscope/exits', { count: 1 })) as ExitsResult;
      assert.equal(exits.total, 1);
      assert.equal(exits.exits[0].reason, 'guestPageFault', 'the first exit: fetching the entry point');
    });

    it('vmscope.stepThroughExit goes from the minivisor into its guest and back to the handler of the next exit', async () => {
      const t = await tracker.start(launch('minivisor', { kernel: path.join(build, 'minivisor.elf'), bios: 'builtin', stopOnEntry: true }));
      await t.next<Stopped>('stopped', (e) => e.body.reason === 'entry');
      await vscode.commands.executeCommand('vmscope.stepThroughExit');
      const inGuest = await t.next<Stopped>('stopped');
      assert.match(inGuest.body.description ?? '', /back in the guest/);
      assert.match((await frame0(t)).name, /\[V[SU]\]$/);
      await vscode.commands.executeCommand('vmscope.stepThroughExit');
      const inHandler = await t.next<Stopped>('stopped');
      assert.equal(inHandler.body.reason, 'exception');
      assert.match((await frame0(t)).name, /\[S\]$/, 'in the minivisor\'s handler');
    });

    it('an empty configuration runs the RISC-V ELF open in the editor (an S-mode kernel under the built-in SBI)', async () => {
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(path.join(build, 'minikernel.elf')));
      const t = await tracker.start({ type: 'vmscope', request: 'launch', name: '' });
      await t.next<Stopped>('stopped', (e) => e.body.reason === 'entry');
      assert.equal(t.session.configuration.kernel, path.join(build, 'minikernel.elf'));
      assert.equal(t.session.configuration.bios, 'builtin');
      assert.equal((await frame0(t)).instructionPointerReference, '0x80200000');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('"bios": "default" boots Debian\'s OpenSBI, which enters the minikernel', async function () {
      const opensbi = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf';
      if (process.env.VMSCOPE_OPENSBI === undefined && !fs.existsSync(opensbi)) this.skip();   // apt-get install opensbi
      vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint('kmain')]);
      const t = await tracker.start(launch('opensbi', { kernel: path.join(build, 'minikernel.elf'), bios: 'default' }));
      const stopped = await t.next<Stopped>('stopped');
      assert.equal(stopped.body.reason, 'breakpoint');
      assert.match((await frame0(t)).name, /^kmain.*\[S\]$/);
      assert.match(t.output(), /OpenSBI/, 'OpenSBI\'s banner on the console');
    });

    it('"attach" runs the configuration on a vmscope dap server', async () => {
      const server = await startDapServer(0);
      try {
        const t = await tracker.start({ type: 'vmscope', request: 'attach', name: 'server', port: server.port,
          kernel: path.join(build, 'minikernel.elf'), bios: 'builtin', stopOnEntry: true });
        await t.next<Stopped>('stopped', (e) => e.body.reason === 'entry');
        assert.equal((await frame0(t)).instructionPointerReference, '0x80200000');
        await tracker.stopAll();
      } finally {
        server.close();
      }
    });

    it('runs the minikernel to its end: the console, exited (0), and the session ends', async () => {
      const t = await tracker.start(launch('minikernel', { kernel: path.join(build, 'minikernel.elf'), bios: 'builtin' }));
      const exited = await t.next<DebugProtocol.ExitedEvent>('exited', () => true, 60_000);
      assert.equal(exited.body.exitCode, 0);
      assert.match(t.output(), /minikernel: all processes exited/);
      await t.next('terminated');
      await t.whenTerminated();
      assert.notEqual(vscode.debug.activeDebugSession?.id, t.session.id, 'no longer the active session');
    });
  });
}
