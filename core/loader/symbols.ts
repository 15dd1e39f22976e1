// Address → symbol lookup for reports, traces and the debugger.

import type { ElfSymbol } from './elf';

const STT_OBJECT = 1, STT_FUNC = 2, STT_NOTYPE = 0;

export class SymbolTable {
  private readonly sorted: ElfSymbol[];
  private readonly byName = new Map<string, ElfSymbol>();

  constructor(symbols: readonly ElfSymbol[] = []) {
    this.sorted = symbols
      .filter((s) => s.type === STT_FUNC || s.type === STT_OBJECT || (s.type === STT_NOTYPE && !s.name.startsWith('.') && !s.name.startsWith('$')))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    for (const s of symbols) if (!this.byName.has(s.name)) this.byName.set(s.name, s);
  }

  get size(): number { return this.sorted.length; }

  addressOf(name: string): bigint | undefined { return this.byName.get(name)?.value; }

  /** The symbol containing (or, for sizeless labels, preceding) addr, with the offset from its start. */
  lookup(addr: bigint): { name: string; offset: bigint } | undefined {
    const a = this.sorted;
    let lo = 0, hi = a.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid].value <= addr) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    // prefer a function among symbols at the same address
    let s = a[best];
    for (let i = best; i >= 0 && a[i].value === s.value; i--) if (a[i].type === STT_FUNC) { s = a[i]; break; }
    const offset = addr - s.value;
    if (s.size > 0 && offset >= BigInt(s.size)) {
      // past the end of a sized symbol: only report it if nothing else is closer (4 KiB window)
      if (offset > 0x1000n) return undefined;
    }
    return { name: s.name, offset };
  }

  /** "name+0x10", or "" when unknown. */
  describe(addr: bigint): string {
    const r = this.lookup(addr);
    if (r === undefined) return '';
    return r.offset === 0n ? r.name : `${r.name}+0x${r.offset.toString(16)}`;
  }
}
