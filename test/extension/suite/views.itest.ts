// The extension's views and commands in a real extension host, read through the tree data providers that
// activate() returns: page tables down to a leaf (and a shadow leaf going stale when the guest PTE changes), TLB
// groups, VM exits and their counters after a step to the next exit, the IOMMU with an assigned copy engine, the walk
// picture's model and page, Switch VM/vCPU, memory documents, the status bar and the guest console terminal.

import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { VmscopeApi } from '../../../extension/extension';
import type { BaseNode, SessionTreeProvider } from '../../../extension/views/tree';
import type { PteNode } from '../../../extension/views/pageTablesView';
import type { WalkModel } from '../../../extension/walk';
import { SessionTracker, type TrackedSession } from './debugSessions';
import { EXTENSION_ID } from './extension.itest';

type Stopped = DebugProtocol.StoppedEvent;

export function registerViewTests(): void {
  describe('vmscope views and commands', function () {
    this.timeout(90_000);
    let api: VmscopeApi;
    let tracker: SessionTracker;
    let kernel: string;

    before(async () => {
      const ext = vscode.extensions.getExtension<VmscopeApi>(EXTENSION_ID)!;
      api = await ext.activate();
      kernel = path.join(ext.extensionPath, 'examples', 'build', 'minikernel.elf');
      tracker = new SessionTracker();
    });
    afterEach(async () => {
      await vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
      await tracker.stopAll();
    });
    after(() => tracker.dispose());

    /** A VMM guest stopped at its trap handler (paging on, a user process running). */
    async function guestAtTrapHandler(mmu: 'shadow' | 'nested'): Promise<{ t: TrackedSession; stopped: Stopped }> {
      vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint('trap_handler')]);
      const t = await tracker.start({ type: 'vmscope', request: 'launch', name: `guest (${mmu})`, kernel, mode: 'vm', mmu,
        assign: [{ device: 'copy-engine', vm: 0 }] });
      const stopped = await t.next<Stopped>('stopped');
      assert.equal(stopped.body.reason, 'breakpoint');
      return { t, stopped };
    }
    const children = (p: SessionTreeProvider, n?: BaseNode) => p.getChildren(n);
    /** The child of `n` whose label matches. */
    async function child(p: SessionTreeProvider, n: BaseNode | undefined, label: RegExp): Promise<BaseNode> {
      const kids = await children(p, n);
      const found = kids.find((k) => label.test(k.label));
      assert.ok(found, `a node ${label} among ${kids.map((k) => k.label).join(', ')}`);
      return found;
    }
    const description = (p: SessionTreeProvider, n: BaseNode) => String(p.getTreeItem(n).description ?? '');
    /** From a table's entries down the first pointers to the first leaf that satisfies `ok`. */
    async function findLeaf(p: SessionTreeProvider, entries: BaseNode[], ok: (n: PteNode) => boolean): Promise<PteNode | undefined> {
      for (const e of entries as PteNode[]) {
        if (e.entry === undefined) continue;
        if (e.entry.leaf && ok(e)) return e;
        if (e.entry.next !== undefined) {
          const found = await findLeaf(p, await children(p, e), ok);
          if (found !== undefined) return found;
        }
      }
      return undefined;
    }
    const refreshed = async (p: SessionTreeProvider, before: number) => {
      for (let i = 0; i < 100 && p.refreshes === before; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(p.refreshes > before, 'the view refreshed');
    };

    it('Page Tables (shadow paging): a shadow leaf mirrors a guest PTE and goes stale when the guest PTE changes', async () => {
      const { t } = await guestAtTrapHandler('shadow');
      const pt = api.views.pageTables;
      const [root] = await children(pt);
      assert.equal(root.label, t.session.name);
      const vcpu = await child(pt, root, /^vm0\/vcpu0$/);
      assert.match(description(pt, vcpu), /shadow/);
      const space = await child(pt, vcpu, /^shadow/);
      assert.match(description(pt, space), /^Sv39 · root 0x/);
      const leaf = await findLeaf(pt, await children(pt, space), (n) => n.entry.mirror != null && n.entry.stale !== true);
      assert.ok(leaf, 'a shadow leaf that mirrors a guest PTE');
      const item = pt.getTreeItem(leaf);
      assert.match(String(item.description), /→ hPA 0x[0-9a-f]+ 4 KiB .*mirrors guest PTE 0x[0-9a-f]+ @gpa 0x/);
      assert.equal(item.contextValue, 'pte');

      // The guest points its PTE at the next page and does not fence: the shadow leaf is stale.
      const mirror = leaf.entry.mirror!;
      const changed = Buffer.alloc(8);
      changed.writeBigUInt64LE(BigInt(mirror.pte) + (1n << 10n));
      const before = pt.refreshes;
      await t.session.customRequest('writeMemory', { memoryReference: `gpa:vm0:${mirror.pteGpa}`, data: changed.toString('base64') });
      await refreshed(pt, before);
      const again = await findLeaf(pt, await children(pt, space), (n) => n.id === leaf.id);
      assert.ok(again, 'the same leaf after the refresh');
      assert.equal(again.entry.stale, true);
      const staleItem = pt.getTreeItem(again);
      assert.equal((staleItem.iconPath as vscode.ThemeIcon).id, 'warning');
      assert.match(String(staleItem.tooltip), /STALE: the guest maps gpa 0x/);
      assert.equal(again.changed, true, 'marked as changed since the last stop');
    });

    it('Translate Address (shadow paging): the shadow walk beside the guest\'s own walk', async () => {
      const { t, stopped } = await guestAtTrapHandler('shadow');
      const frame = ((await t.session.customRequest('stackTrace', { threadId: stopped.body.threadId })) as DebugProtocol.StackTraceResponse['body']).stackFrames[0];
      const model = await vscode.commands.executeCommand<WalkModel>('vmscope.translateAddress', { address: frame.instructionPointerReference, hart: 0, access: 'fetch' });
      assert.equal(model.walks.length, 2);
      assert.match(model.walks[0].title, /^Shadow tables/);
      assert.equal(model.walks[0].grid, undefined, 'one stage: a column');
      const guest = model.walks[1];
      assert.match(guest.title, /^Guest's own tables \(satp 0x8/);
      assert.equal(guest.ok, true, guest.reason);
      assert.equal(guest.refs.length, 3, 'Sv39: three references');
      assert.equal(BigInt(guest.gpa!) & 0xfffn, BigInt(frame.instructionPointerReference!) & 0xfffn);
      assert.match(api.walkPanel.html, /Guest&#39;s own tables/);
    });

    it('TLB, VM Exits, IOMMU and the walk picture (nested paging); a step to the next exit changes the counters', async () => {
      const { t, stopped } = await guestAtTrapHandler('nested');
      // TLB: hart → VMID → ASID → stage → entries.
      const tlb = api.views.tlb;
      const [tlbRoot] = await children(tlb);
      const hart = await child(tlb, tlbRoot, /^vm0\/vcpu0$/);
      const vmid = await child(tlb, hart, /^VMID 1$/);
      const asid = (await children(tlb, vmid))[0];
      assert.match(asid.label, /^ASID \d+$/);
      const stage = await child(tlb, asid, /^guest \(VS\+G\)$/);
      const entries = await children(tlb, stage);
      assert.ok(entries.length > 0);
      assert.match(entries[0].label, /^0x[0-9a-f]+ → 0x[0-9a-f]+$/);

      // VM exits: counters and the log, newest first.
      const exits = api.views.exits;
      const [exitsRoot] = await children(exits);
      const counters = await child(exits, exitsRoot, /^Counters$/);
      const total0 = Number(/^(\d+) exits$/.exec(description(exits, counters))![1]);
      assert.ok(total0 > 0);
      const mmio = await child(exits, counters, /^mmio$/);
      assert.ok(Number(description(exits, mmio)) > 0);
      const log = await child(exits, exitsRoot, /^Log$/);
      const logged = await children(exits, log);
      assert.match(logged[0].label, new RegExp(`^#${total0 - 1} `), 'the newest first');
      assert.match(logged[logged.length - 1].label, /^Load more… \(\d+ not shown\)$/);
      const reveal = await vscode.commands.executeCommand<vscode.Uri>('vmscope.exits.reveal', p(exits, logged[0]).command!.arguments![0]);
      assert.match((await vscode.workspace.openTextDocument(reveal)).getText(), /^=> 0x[0-9a-f]+ /m, 'the exit\'s pc in the listing');

      // IOMMU: the assigned copy engine's device context, its IOTLB entries, the fault of its refused DMA.
      const iommu = api.views.iommu;
      const [ioRoot] = await children(iommu);
      assert.match(description(iommu, await child(iommu, ioRoot, /^Mode$/)), /^1LVL/);
      const dev = await child(iommu, await child(iommu, ioRoot, /^Devices$/), /^device 0x20$/);
      assert.match(description(iommu, dev), /valid .*iohgatp Sv39x4/);
      assert.match(description(iommu, await child(iommu, dev, /^iohgatp$/)), /^$/);
      assert.ok((await children(iommu, await child(iommu, ioRoot, /^IOTLB$/))).length > 0);
      assert.match((await children(iommu, await child(iommu, ioRoot, /^Faults$/)))[0].label, /guest-page fault/);

      // The 2D walk of the pc: 15 references in a grid of 4 rows (VS levels 2-0, the final gPA) × 4 columns (G levels 2-0, the VS PTE).
      const frame = ((await t.session.customRequest('stackTrace', { threadId: stopped.body.threadId })) as DebugProtocol.StackTraceResponse['body']).stackFrames[0];
      const model = await vscode.commands.executeCommand<WalkModel>('vmscope.translateAddress', { address: frame.instructionPointerReference, hart: 0, access: 'fetch' });
      const [walk] = model.walks;
      assert.equal(walk.kind, 'two-stage');
      assert.equal(walk.ok, true);
      assert.equal(walk.refs.length, 15);
      assert.deepEqual(walk.grid!.rows, ['VS level 2', 'VS level 1', 'VS level 0', 'final gPA']);
      assert.deepEqual(walk.grid!.cols, ['G level 2', 'G level 1', 'G level 0', 'VS PTE']);
      assert.deepEqual(walk.grid!.cells.map((r) => r.map((c) => (c === undefined ? 0 : walk.refs[c].n))),
        [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 0]]);
      const html = api.walkPanel.html;
      assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-[^']+'/);
      assert.doesNotMatch(html, /<script|https?:\/\//);
      assert.match(html, /var\(--vscode-/);
      assert.equal((html.match(/class="ref /g) ?? []).length, 15);

      // A step to the next VM exit (the breakpoint removed: it would stop first): the total grows, the counter that moved is marked.
      await vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
      await vscode.commands.executeCommand('vmscope.stepToExit');
      await t.next<Stopped>('stopped');
      const [root2] = await children(exits);
      const counters2 = await child(exits, root2, /^Counters$/);
      assert.equal(description(exits, counters2), `● ${total0 + 1} exits`);
      assert.ok((await children(exits, counters2)).some((n) => n.changed), 'a changed counter');
    });

    it('Switch VM/vCPU focuses another VM\'s vCPU; Open Memory shows guest-physical memory; the status bar', async () => {
      const t = await tracker.start({ type: 'vmscope', request: 'launch', name: 'two VMs', kernel, mode: 'vm', vms: 2, stopOnEntry: true });
      await t.next<Stopped>('stopped', (e) => e.body.reason === 'entry');
      const focused = await vscode.commands.executeCommand<number>('vmscope.switchVcpu', 2);
      assert.equal(focused, 2);
      const ev = await t.next<Stopped>('stopped', (e) => e.body.threadId === 2);
      assert.equal(ev.body.preserveFocusHint, false);
      const active = (vscode.debug as unknown as { activeStackItem?: { threadId: number } }).activeStackItem;
      if (active !== undefined) {
        for (let i = 0; i < 40 && (vscode.debug as unknown as { activeStackItem?: { threadId: number } }).activeStackItem?.threadId !== 2; i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.equal((vscode.debug as unknown as { activeStackItem?: { threadId: number } }).activeStackItem?.threadId, 2, 'VS Code focused vm1/vcpu0');
      }
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('vmscope.openMemory', 'gpa:vm1:0x80200000');
      if (uri !== undefined) {   // the Hex Editor extension is not installed: a read-only hex dump
        const text = (await vscode.workspace.openTextDocument(uri)).getText();
        assert.match(text, /^gpa:vm1:0x80200000: 4096 bytes read/);
        assert.match(text, /^0000000080200000  [0-9a-f]{2} /m);
      }
      assert.match(api.statusBar.item.text, /^\$\(vm\) 2 VMs · nested · \d+ insns · 0 exits$/);
    });

    it('"console": "terminal" shows the guest console in a terminal', async () => {
      const t = await tracker.start({ type: 'vmscope', request: 'launch', name: 'terminal', kernel, bios: 'builtin', console: 'terminal' });
      await t.next('exited', () => true, 60_000);
      const term = api.consoles.terminals.get(t.session.id);
      assert.ok(term, 'a terminal for the session');
      assert.match(term.transcript, /minikernel: all processes exited/);
      assert.doesNotMatch(t.output(), /minikernel: all processes exited/, 'not on the Debug Console');
      assert.ok(vscode.window.terminals.includes(term.terminal));
    });
  });
}

/** The tree item of a node, as VS Code gets it. */
function p(provider: SessionTreeProvider, n: BaseNode): vscode.TreeItem { return provider.getTreeItem(n); }
