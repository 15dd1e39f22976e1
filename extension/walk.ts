// Translate Address: asks the session how a hart translates an address now (vmscope/translate) and builds the
// picture's model — every memory reference of the walk, numbered, placed in the 2D grid of VS-stage levels × G-stage
// levels for a two-stage walk, or in a column for a one-stage walk, with the fault where the walk stops. For a
// shadow-paged VM the hart walks the shadow tables; the guest's own walk (its satp from vmscope/vms, its PTEs read
// with readMemory at gpa:vmN:…) is drawn beside it. walkPanel.ts renders the model.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type * as vscode from 'vscode';
import type { TranslateArguments, TranslateResult, VmsResult } from '../debug-adapter/protocol';

/** One memory reference of a walk. */
export interface WalkRef {
  /** 1-based, in the order the walk makes them. */
  n: number;
  stage: 'VS' | 'G' | 'one';
  level: number;
  /** The PTE's address as its stage names it (guest-physical for VS, host-physical otherwise) and where it is in host memory. */
  pteAddr: string;
  spa?: string;
  pte: string;
  flags: string;
  /** The walk stopped at this reference (an invalid or faulting PTE). */
  fault: boolean;
}

/** One walk as drawn: a grid (two-stage) or a column (one-stage). */
export interface WalkPicture {
  title: string;
  kind: TranslateResult['kind'];
  ok: boolean;
  pa?: string;
  gpa?: string;
  reason: string;
  refs: WalkRef[];
  /** Two-stage: row labels (VS levels, then the final gPA), column labels (G levels, then the VS PTE), and per cell the index in `refs`. */
  grid?: { rows: string[]; cols: string[]; cells: (number | undefined)[][] };
}

/** What the webview shows. */
export interface WalkModel {
  address: string;
  access: 'fetch' | 'load' | 'store';
  hart: number;
  thread: string;
  walks: WalkPicture[];
}

const FLAG_NAMES = 'DAGUXWRV';
export function pteFlags(pte: bigint): string {
  return FLAG_NAMES.split('').map((c, i) => ((pte >> BigInt(7 - i)) & 1n ? c : '-')).join('');
}

/** The picture of a vmscope/translate result. */
export function pictureOf(title: string, t: TranslateResult): WalkPicture {
  const last = t.steps.length - 1;
  const refs: WalkRef[] = t.steps.map((s, i) => ({
    n: i + 1, stage: s.stage ?? 'one', level: s.level, pteAddr: s.pteAddr, spa: s.spa, pte: s.pte,
    flags: pteFlags(BigInt(s.pte)), fault: !t.ok && i === last,
  }));
  const picture: WalkPicture = { title, kind: t.kind, ok: t.ok, pa: t.pa, gpa: t.gpa, reason: t.reason, refs };
  if (refs.some((r) => r.stage === 'G')) picture.grid = gridOf(refs);
  return picture;
}

/**
 * The 2D walk: row r holds the G-stage references that translate the gPA of the VS-stage table at that level
 * (the last row: the final gPA), then that VS-stage PTE's own reference in the last column.
 */
function gridOf(refs: WalkRef[]): NonNullable<WalkPicture['grid']> {
  const vs = refs.filter((r) => r.stage === 'VS'), g = refs.filter((r) => r.stage === 'G');
  const topVs = Math.max(2, ...vs.map((r) => r.level)), topG = Math.max(2, ...g.map((r) => r.level));
  const rows = [...Array.from({ length: topVs + 1 }, (_, i) => `VS level ${topVs - i}`), 'final gPA'];
  const cols = [...Array.from({ length: topG + 1 }, (_, i) => `G level ${topG - i}`), 'VS PTE'];
  const cells: (number | undefined)[][] = rows.map(() => cols.map(() => undefined));
  let row = 0;
  refs.forEach((r, i) => {
    if (r.stage === 'VS') {
      row = topVs - r.level;
      cells[row][cols.length - 1] = i;
      row++;
    } else if (row < rows.length) {
      cells[row][topG - r.level] = i;
    }
  });
  return { rows, cols, cells };
}

type Vcpu = VmsResult['vms'][number]['vcpus'][number];

/**
 * The guest's own walk of `address` for a shadow-paged VM's vCPU: its satp (as the VMM keeps it) and its PTEs read
 * at guest-physical addresses (readMemory gpa:vmN:…, side-effect free). Sv39/48/57, RISC-V privileged spec 12.3.2.
 */
export async function guestWalk(session: vscode.DebugSession, vm: number, vcpu: Vcpu, address: bigint): Promise<WalkPicture> {
  const satp = BigInt(vcpu.satp);
  const mode = Number(satp >> 60n);
  const levels = mode === 8 ? 3 : mode === 9 ? 4 : mode === 10 ? 5 : 0;
  const title = `Guest's own tables (satp ${vcpu.satp}): gVA → gPA`;
  if (levels === 0) {
    return { title, kind: 'bare', ok: true, gpa: hexOf(address), pa: undefined, reason: 'the guest\'s satp is Bare: gVA = gPA', refs: [] };
  }
  let table = (satp & ((1n << 44n) - 1n)) << 12n;
  const refs: WalkRef[] = [];
  for (let level = levels - 1; level >= 0; level--) {
    const vpn = (address >> BigInt(12 + 9 * level)) & 0x1ffn;
    const pteAddr = table + vpn * 8n;
    const r = (await session.customRequest('readMemory', { memoryReference: `gpa:vm${vm}:${hexOf(pteAddr)}`, count: 8 })) as DebugProtocol.ReadMemoryResponse['body'];
    const bytes = Buffer.from(r?.data ?? '', 'base64');
    const ref: WalkRef = { n: refs.length + 1, stage: 'one', level, pteAddr: hexOf(pteAddr), pte: '?', flags: '', fault: false };
    refs.push(ref);
    if (bytes.length < 8) {
      ref.fault = true;
      return { title, kind: 'one-stage', ok: false, reason: `the PTE at gpa ${hexOf(pteAddr)} cannot be read`, refs };
    }
    const pte = bytes.readBigUInt64LE(0);
    ref.pte = hexOf(pte);
    ref.flags = pteFlags(pte);
    const v = pte & 1n, r_ = (pte >> 1n) & 1n, w = (pte >> 2n) & 1n, x = (pte >> 3n) & 1n;
    if (v === 0n || (r_ === 0n && w === 1n)) {
      ref.fault = true;
      return { title, kind: 'one-stage', ok: false, reason: `level ${level} PTE not valid (guest page fault in the guest's own tables)`, refs };
    }
    const ppn = (pte >> 10n) & ((1n << 44n) - 1n);
    if (r_ === 1n || x === 1n) {
      const span = 1n << BigInt(12 + 9 * level);
      const gpa = ((ppn << 12n) & ~(span - 1n)) | (address & (span - 1n));
      return { title, kind: 'one-stage', ok: true, gpa: hexOf(gpa), reason: `leaf at level ${level} (${['4 KiB', '2 MiB', '1 GiB', '512 GiB', '256 TiB'][level]} page)`, refs };
    }
    table = ppn << 12n;
  }
  refs[refs.length - 1].fault = true;
  return { title, kind: 'one-stage', ok: false, reason: 'no leaf at level 0', refs };
}

/** Everything the picture needs for `address` on `hart` of `session`. */
export async function walkModel(session: vscode.DebugSession, address: string, hart: number, access: WalkModel['access'], thread: string,
  vms: VmsResult | undefined): Promise<WalkModel> {
  const t = (await session.customRequest('vmscope/translate', { address, hart, access } satisfies TranslateArguments)) as TranslateResult;
  const vm = vms?.vms.find((v) => v.vcpus.some((c) => c.threadId === hart + 1));
  const vcpu = vm?.vcpus.find((c) => c.threadId === hart + 1);
  const walks: WalkPicture[] = [];
  if (vm !== undefined && vcpu !== undefined && vm.mmu === 'shadow') {
    walks.push(pictureOf('Shadow tables (what the hart walks): gVA → hPA', { ...t, kind: 'one-stage' }));
    walks.push(await guestWalk(session, vm.id, vcpu, BigInt(address)));
  } else {
    walks.push(pictureOf(t.kind === 'two-stage' ? 'Two-stage walk: VS stage (vsatp) × G stage (hgatp)' : t.kind === 'one-stage' ? 'One-stage walk (satp)' : 'No translation', t));
  }
  return { address, access, hart, thread, walks };
}

function hexOf(v: bigint): string { return '0x' + v.toString(16); }
