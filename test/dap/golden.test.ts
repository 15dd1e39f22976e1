// Every vmscope/* request's result, compared with committed golden text: the minikernel in a VM (nested and shadow
// paging, the copy engine assigned) stopped at its first `schedule` call is deterministic, so each result is too.
// VMSCOPE_UPDATE_GOLDEN=1 rewrites the files (after a change to the minikernel or to what a request reports).
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';

const root = path.resolve(__dirname, '..', '..');
const adapter = path.join(root, 'dist', 'debugAdapter.js');
const minikernel = path.join(root, 'examples', 'build', 'minikernel.elf');
const golden = path.join(root, 'test', 'fixtures', 'dap');
const update = process.env.VMSCOPE_UPDATE_GOLDEN === '1';

describe('debug adapter: vmscope/* results against golden text', function () {
  this.timeout(90_000);

  for (const mmu of ['nested', 'shadow'] as const) {
    it(`minikernel in a ${mmu}-paging VM at its first schedule()`, async () => {
      const dc = new DebugClient('node', adapter, 'vmscope');
      await dc.start();
      try {
        await Promise.all([
          dc.waitForEvent('initialized').then(async () => {
            await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'schedule' }] });
            await dc.configurationDoneRequest();
          }),
          dc.launch({ kernel: minikernel, mode: 'vm', mmu, assign: [{ device: 'copy-engine', vm: 0 }] }),
          dc.waitForEvent('stopped'),
        ]);
        const requests: [string, Record<string, unknown>][] = [
          ['vmscope/vms', {}],
          ['vmscope/exits', { count: 16 }],
          ['vmscope/stats', {}],
          ['vmscope/tlb', { hart: 0 }],
          ['vmscope/translate', { address: '0x80200000', access: 'fetch' }],
          ['vmscope/pageTables', { space: mmu === 'nested' ? 'vsatp' : 'shadow' }],
          ...(mmu === 'nested' ? [['vmscope/pageTables', { space: 'hgatp' }] as [string, Record<string, unknown>]] : []),
          ['vmscope/iommu', { deviceId: 0x20, iova: '0x80200000' }],
        ];
        let text = '';
        for (const [command, args] of requests) {
          const r = await dc.customRequest(command, args);
          text += `## ${command} ${JSON.stringify(args)}\n${JSON.stringify(r.body, null, 1)}\n`;
        }
        const file = path.join(golden, `minikernel-${mmu}.txt`);
        if (update || !existsSync(file)) writeFileSync(file, text);
        const want = readFileSync(file, 'utf8');
        // Compare section by section, so a difference names its request.
        const sections = (t: string) => t.split(/^(?=## )/m);
        const got = sections(text), exp = sections(want);
        assert.equal(got.length, exp.length, 'the same requests');
        got.forEach((g, i) => assert.equal(g, exp[i], g.split('\n')[0]));
      } finally {
        await dc.stop();
      }
    });
  }
});
