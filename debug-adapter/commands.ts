// The session's views that are not plain DAP: the vmscope/iommu and vmscope/vms bodies, exit records as the protocol
// sends them, and the Debug Console's commands (`translate ADDR`, `info tlb|mmu|exits|iommu|vms`). Nothing here
// changes machine state.

import { DDT_MODE_NAMES, EXIT_HANDLING_NAMES, EXIT_REASON_IDS, type ExitRecord, type Hart, pagingModeName } from '../core';
import type { Engine } from './engine';
import type { ExitsResult, IommuArguments, IommuResult, VmsResult } from './protocol';
import { parseAddress, pteFlags, translateFor } from './inspect';

/** Plain JSON for a view: bigints become '0x…' strings. */
function plain<T>(v: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? '0x' + x.toString(16) : x))) as Record<string, unknown>;
}

const hexOf = (n: number) => '0x' + n.toString(16);

export function exitJson(x: ExitRecord): ExitsResult['exits'][number] {
  return {
    seq: x.seq, vm: x.vm, vcpu: x.vcpu, time: x.time, reason: EXIT_REASON_IDS[x.reason], cause: x.cause, interrupt: x.interrupt,
    pc: '0x' + x.pc.toString(16), gva: '0x' + x.gva.toString(16), gpa: '0x' + x.gpa.toString(16),
    htinst: '0x' + x.htinst.toString(16), handling: EXIT_HANDLING_NAMES[x.handling], hostInsns: x.hostInsns,
  };
}


/** The vmscope/iommu body, or why the arguments are bad. */
export function iommuView(e: Engine, q: IommuArguments): IommuResult | string {
  const io = e.board.iommu;
  const body: IommuResult = {
    mode: DDT_MODE_NAMES[io.ddtMode] ?? `mode ${io.ddtMode}`,
    capabilities: '0x' + ((BigInt(io.capHi >>> 0) << 32n) | BigInt(io.capLo >>> 0)).toString(16),
    devices: io.deviceContexts().map(plain),
    iotlb: io.iotlbEntries().map(plain),
    queues: plain(io.queueStates()),
    faults: e.iommuFaults.map(({ vm, fault: f }) => ({
      vm, seq: f.seq, cause: f.cause, causeName: f.causeName, deviceId: f.deviceId, processId: f.processId, iotval: hexOf(f.iotval),
      iotval2: hexOf(f.iotval2), ttyp: f.ttyp, reason: f.reason, record: f.record,
    })),
    stats: { ...io.stats },
  };
  if (q.deviceId !== undefined) {
    if (!Number.isInteger(q.deviceId) || q.deviceId < 0 || q.deviceId >= 1 << 24) return 'vmscope/iommu: "deviceId" must be a device id (0 to 2^24-1)';
    body.processContexts = io.processContexts(q.deviceId).map(plain);
    if (q.iova !== undefined) {
      const iova = typeof q.iova === 'string' ? parseAddress(q.iova) : undefined;
      if (iova === undefined || iova >= 1n << 53n) return 'vmscope/iommu: "iova" must be an address (0x…)';
      body.translation = plain(io.translateDebug(q.deviceId, Number(iova), { processId: q.processId, access: q.access === 'write' ? 'write' : 'read' }));
    }
  }
  return body;
}

/** The vmscope/vms body. */
export function vmsView(e: Engine): VmsResult {
  const vmm = e.vmm;
  if (vmm === undefined) return { mode: 'bare', vms: [] };
  return {
    mode: 'vm',
    vms: vmm.vms.map((vm) => ({
      id: vm.id, mmu: vm.config.mmu, memory: vm.config.memory, vmid: vm.vmid,
      vcpus: vm.vcpus.map((v) => {
        const [mode, asid, ppn] = vm.shadow !== null ? [v.satp.mode, v.satp.asid, v.satp.ppn] : [v.hart.vsatpMode, v.hart.vsatpAsid, v.hart.vsatpPpn];
        const satp = (BigInt(mode) << 60n) | (BigInt(asid) << 44n) | BigInt(ppn);
        return { index: v.index, threadId: v.hart.id + 1, name: `vm${vm.id}/vcpu${v.index}`, satp: '0x' + satp.toString(16) };
      }),
      assigned: (vm.config.assign ?? []).map((a) => a.name), exitCode: vm.exitCode,
    })),
  };
}

const INFO_HELP = 'commands: translate ADDR [fetch|load|store], info tlb | mmu | exits | iommu | vms';

/**
 * A Debug Console command on hart h, as text; undefined when `text` is not a command (then it is an expression).
 */
export function consoleCommand(e: Engine, h: Hart, text: string): string | undefined {
  const words = text.trim().split(/\s+/);
  if (words[0] === 'help') return INFO_HELP;
  if (words[0] === 'translate') {
    const va = words[1] !== undefined ? parseAddress(words[1]) : undefined;
    if (va === undefined) return 'translate ADDR [fetch|load|store]: give an address (0x…)';
    const access = words[2] === 'fetch' || words[2] === 'store' ? words[2] : 'load';
    const t = translateFor(h, va, access);
    const lines = [`${t.kind} translation of 0x${va.toString(16)} (${access}): ${t.ok ? `→ ${t.pa}` : 'FAULT'}${t.gpa !== undefined ? ` (gpa ${t.gpa})` : ''} — ${t.reason}`];
    t.steps.forEach((s, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${s.stage ?? '  '} L${s.level} PTE @ ${s.pteAddr}${s.spa !== undefined && s.spa !== s.pteAddr ? ` (spa ${s.spa})` : ''} = ${s.pte}`));
    return lines.join('\n');
  }
  if (words[0] !== 'info') return undefined;
  const m = e.board.machine;
  switch (words[1]) {
    case 'tlb': {
      const entries = h.tlb.entries();
      return [`hart ${h.id}: ${entries.length} TLB entries`, ...entries.slice(0, 64).map((x) =>
        `  ${x.stage.padEnd(5)} vmid ${String(x.vmid).padStart(3)} asid ${String(x.asid).padStart(5)} L${x.level} ` +
        `0x${x.va.toString(16)} → 0x${x.pa.toString(16)} ${pteFlags(x.pte)}${x.global ? ' G' : ''}`),
      ...(entries.length > 64 ? [`  … ${entries.length - 64} more (vmscope/tlb lists them all)`] : [])].join('\n');
    }
    case 'mmu': {
      const mode = (n: number, g = false) => pagingModeName(n, g) ?? String(n);
      const s = m.translationStats();
      return [
        `hart ${h.id}: ${h.virt ? 'V=1' : 'V=0'}, satp ${mode(h.satpMode)} root 0x${(h.satpPpn * 4096).toString(16)}, ` +
          `vsatp ${mode(h.vsatpMode)} root 0x${(h.vsatpPpn * 4096).toString(16)}, hgatp ${mode(h.hgatpMode, true)} ` +
          `root 0x${(h.hgatpPpn * 4096).toString(16)}`,
        `walks: host ${s.hostWalks} (${s.hostWalkRefs} references), guest ${s.guestWalks} (${s.guestWalkRefs} references); ` +
          `TLB misses host ${s.hostTlbMisses}/${s.hostTlbHits + s.hostTlbMisses}, guest ${s.guestTlbMisses}/${s.guestTlbHits + s.guestTlbMisses}`,
        ...(e.vmm?.stats() ?? []).map((v) => `vm${v.id} (${v.mmu}): ${v.pagesBacked} guest pages backed, G-stage ${v.gstageTables} tables` +
          (v.shadow !== undefined ? `, shadow ${v.shadow.spaces} spaces / ${v.shadow.tablePages} tables, ${v.shadow.faults} faults` : '')),
      ].join('\n');
    }
    case 'exits': {
      const counts = Object.entries(m.exits.countsByName()).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
      const last = m.exits.list(Math.max(0, m.exits.total - 10), 10).map(exitJson);
      return [`${m.exits.total} VM exits${counts !== '' ? `: ${counts}` : ''}`, ...last.map((x) =>
        `  #${x.seq} vm${x.vm}/vcpu${x.vcpu} ${x.reason} cause ${x.cause} pc ${x.pc} gpa ${x.gpa} → ${x.handling}`)].join('\n');
    }
    case 'iommu': {
      const v = iommuView(e, {}) as IommuResult;
      const st = e.board.iommu.stats;
      return [
        `IOMMU: ddtp ${v.mode}, capabilities ${v.capabilities}; ${st.translations} translations, IOTLB ${st.iotlbHits} hits / ` +
          `${st.iotlbMisses} misses, ${st.faults} faults`,
        ...e.board.iommu.deviceContexts().map((d) => `  device 0x${d.deviceId.toString(16)}: ${d.valid ? 'valid' : 'invalid'}, iohgatp ` +
          `${d.iohgatp.mode} GSCID ${d.iohgatp.gscid} root 0x${(d.iohgatp.rootPpn * 4096).toString(16)}, ${d.fsc.kind} ${d.fsc.mode}` +
          `${d.misconfigured !== null ? ` (misconfigured: ${d.misconfigured})` : ''}${d.stale ? ' (cached copy stale)' : ''}`),
        ...v.faults.slice(-10).map((f) => `  fault #${f.seq}${f.vm !== undefined ? ` vm${f.vm}` : ''} device 0x${f.deviceId.toString(16)} ` +
          `iova ${f.iotval}: ${f.causeName} (${f.record})`),
      ].join('\n');
    }
    case 'vms': {
      const v = vmsView(e);
      if (v.mode === 'bare') return 'bare mode: no VMs (the program runs on the harts itself)';
      return v.vms.map((x) => `vm${x.id}: ${x.mmu} paging, ${x.memory >> 20} MiB, VMID ${x.vmid}, vCPUs ${x.vcpus.map((c) => c.name).join(' ')}` +
        `${x.assigned.length > 0 ? `, owns ${x.assigned.join(', ')}` : ''}${x.exitCode !== undefined ? `, stopped (${x.exitCode})` : ''}`).join('\n');
    }
    default:
      return INFO_HELP;
  }
}
