// The SBI the built-in VMM offers its guests (ecall from VS-mode, cause 10): the same functions as the
// built-in firmware, acting on the calling VM's vCPUs. Timers use Sstc's vstimecmp, so a guest's timer
// interrupt arrives in VS-mode without an exit; IPIs set hvip.VSSIP on the target vCPU's hart.

import { MIP_VSSIP, MIP_VSTIP } from '../cpu/causes';
import { HSM_STARTED, HSM_STOPPED, SBI_ERR_ALREADY_AVAILABLE, SBI_ERR_INVALID_PARAM, SBI_SUCCESS, sbiCall } from '../firmware/sbiCalls';
import type { SbiEnv } from '../firmware/sbiCalls';
import { GUEST_VMID_BASE } from '../cpu/mem';
import { type Vcpu, VcpuState, type Vmm } from './vmm';

export class GuestSbi {
  private readonly envs = new Map<Vcpu, SbiEnv>();

  constructor(private readonly vmm: Vmm) {}

  /** Serves the SBI call of vCPU v. Returns false when the VM stopped (no return to the guest). */
  call(v: Vcpu): boolean {
    let env = this.envs.get(v);
    if (env === undefined) { env = this.envOf(v); this.envs.set(v, env); }
    return sbiCall(env, v.hart, v.index) === 'ret';
  }

  private envOf(v: Vcpu): SbiEnv {
    const vm = v.vm, vmm = this.vmm;
    const vcpu = (i: number) => vm.vcpus[i];
    return {
      hartCount: vm.vcpus.length,
      implVersion: 1,
      setTimer: (caller, when) => {
        const h = vcpu(caller).hart;
        // vstimecmp (Sstc, enabled by henvcfg.STCE): VSTIP follows it in hardware and goes straight to VS-mode.
        h.vstimecmpLo = Number(when & 0xffff_ffffn) | 0;
        h.vstimecmpHi = Number((when >> 32n) & 0xffff_ffffn) | 0;
        h.mipSw &= ~MIP_VSTIP;
        h.host.onStimecmpChange(h);
        h.irqCheck = true;
      },
      putBytes: (bytes) => { vm.uart.flush(); vm.console(bytes); },
      getchar: () => ((vm.uart.read(5) & 1) !== 0 ? vm.uart.read(0) : -1),
      reset: (_kind, failure) => vmm.stopVm(vm, failure ? 1 : 0),
      sendIpi: (t) => {
        const h = vcpu(t).hart;
        h.mipSw |= MIP_VSSIP;
        h.irqCheck = true;
      },
      remoteFence: (t) => {
        const h = vcpu(t).hart;
        h.tlb.flushVmid(GUEST_VMID_BASE + vm.vmid);
        h.mmuContextChanged();
      },
      hartStart: (t, pc, arg) => {
        const target = vcpu(t);
        if (target.state !== VcpuState.STOPPED) return SBI_ERR_ALREADY_AVAILABLE;
        if (!vm.pmap.contains(Number(pc))) return SBI_ERR_INVALID_PARAM;
        vmm.startVcpu(target, pc, arg);
        return SBI_SUCCESS;
      },
      hartStop: (caller) => vmm.park(vcpu(caller).hart),
      hartStatus: (t) => (vcpu(t).state === VcpuState.STARTED ? HSM_STARTED : HSM_STOPPED),
      // DBCN hands over guest physical addresses: read through the pmap, never outside the VM's memory.
      readMemory: (gpa, len) => (gpa > BigInt(Number.MAX_SAFE_INTEGER) ? null : vmm.readGuest(vm, Number(gpa), len)),
    };
  }
}
