// The DWARF reader against GNU binutils 2.40 (fixtures made by scripts/gen-dwarf-golden.sh from the committed ELFs):
// decoded line tables, address → source with the inline chain (addr2line -i), subprograms, CFI rows
// (objdump --dwarf=frames-interp); then unwinding, variables and types on a running program (DWARF 4 and 5).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { VirtBoard } from '../../core/board/virt';
import { debugTranslate } from '../../core/cpu/debugAccess';
import { Access } from '../../core/mmu/walk';
import { DwarfInfo, type RegRule, type RegisterFile, viewVariable } from '../../core/loader/dwarf';
import { SymbolTable } from '../../core/loader/symbols';
import { parseElf } from '../../core/loader/elf';

const root = path.resolve(__dirname, '..', '..');
const elfPath = (name: string) => path.join(root, 'examples', 'build', `${name}.elf`);
const fixture = (name: string, kind: string) => path.join(root, 'test', 'fixtures', 'dwarf', `${name}.${kind}.txt`);

/** A fixture's lines (without its '# sha256' header), after checking it was made from this very ELF. */
function golden(name: string, kind: string): string[] {
  const lines = readFileSync(fixture(name, kind), 'utf8').split('\n');
  const sum = createHash('sha256').update(readFileSync(elfPath(name))).digest('hex');
  assert.equal(lines[0], `# sha256 ${sum}`, `${name}.${kind}.txt was made from another build of ${name}.elf: run scripts/gen-dwarf-golden.sh`);
  return lines.slice(1).filter((l) => l !== '');
}

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const hex = (v: bigint) => '0x' + v.toString(16);
const cache = new Map<string, DwarfInfo>();
const load = (name: string) => {
  let d = cache.get(name);
  if (d === undefined) { d = DwarfInfo.fromElf(new Uint8Array(readFileSync(elfPath(name))), name); cache.set(name, d); }
  return d;
};

for (const name of ['demo', 'minivisor', 'dwarf4']) {
  describe(`DWARF of ${name}.elf against binutils`, () => {
    it('parses without warnings', () => {
      const d = load(name);
      assert.deepEqual(d.warnings, []);
      assert.ok(d.units.length > 0 && d.programs.length === d.units.length);
      assert.deepEqual(new Set(d.programs.map((p) => p.version)), new Set([name === 'dwarf4' ? 4 : 5]));
    });

    it('decodes the whole line table as readelf -wL does (every row, file, line, address, is_stmt, end of sequence)', () => {
      const d = load(name);
      const mine: string[] = [];
      for (const p of d.programs) {
        for (const seq of p.sequences) {
          for (const r of seq) mine.push(`${base(p.files[r.file])}\t${r.endSequence ? '-' : r.line}\t${hex(r.address)}\t${r.isStmt && !r.endSequence ? 'x' : ''}`);
        }
      }
      const theirs = golden(name, 'lines').filter((l) => !l.startsWith('#'));
      assert.ok(theirs.length > 500);
      assert.deepEqual(mine, theirs);
    });

    it('maps every row address to the source and inline chain addr2line -i reports', () => {
      const d = load(name);
      const symbols = new SymbolTable(parseElf(new Uint8Array(readFileSync(elfPath(name)))).symbols);
      let inlined = 0;
      for (const l of golden(name, 'addr2line')) {
        const [addr, ...rest] = l.split('\t');
        const pc = BigInt(addr);
        const chain = rest.join('\t').split(';').map((x) => x.split('\t'));
        const loc = d.sourceAt(pc);
        assert.ok(loc !== undefined, `no source for ${addr}`);
        assert.equal(`${loc.file}:${loc.line}`, chain[0][1], `source of ${addr}`);
        const frames = d.inlineFramesAt(pc);
        if (frames.length === 0) {
          // no DWARF function (assembly): addr2line names the symbol
          assert.equal(symbols.lookup(pc)?.name, chain[0][0], `symbol at ${addr}`);
          continue;
        }
        assert.deepEqual(frames.map((f) => [f.name, f.location === undefined ? '?' : `${f.location.file}:${f.location.line}`]), chain, `inline chain at ${addr}`);
        if (frames.length > 1) inlined++;
      }
      if (name !== 'dwarf4') assert.ok(inlined > 10, 'inlined calls are covered');
    });

    it('finds every subprogram readelf lists, at its address and with its length', () => {
      const d = load(name);
      for (const l of golden(name, 'functions')) {
        const [low, len, fname] = l.split('\t');
        const f = d.functionAt(BigInt(low));
        assert.ok(f !== undefined, `function at ${low}`);
        assert.equal(f.lo, BigInt(low));
        assert.equal(f.ranges[0].hi - f.ranges[0].lo, BigInt(len));
        if (fname !== '') assert.equal(f.name, fname);
        else assert.notEqual(f.name, '??', `${low}: named through its abstract origin`);
      }
    });

    it('computes the CFI rows objdump --dwarf=frames-interp shows', () => {
      const d = load(name);
      const names = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
        's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
      const rule = (r: RegRule | undefined): string => {
        if (r === undefined || r.kind === 'undefined') return 'u';
        switch (r.kind) {
          case 'offset': return `c${r.n >= 0 ? '+' : ''}${r.n}`;
          case 'same': return 's';
          case 'register': return names[r.reg];
          case 'valOffset': return `v${r.n >= 0 ? '+' : ''}${r.n}`;
          default: return 'exp';
        }
      };
      let header: string[] = [], fdes = 0, rows = 0;
      for (const l of golden(name, 'frames')) {
        const fde = /FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.([0-9a-f]+)/.exec(l);
        if (fde !== null) {
          fdes++;
          const f = d.frames.fdeFor(BigInt('0x' + fde[1]));
          assert.ok(f !== undefined && f.lo === BigInt('0x' + fde[1]) && f.hi === BigInt('0x' + fde[2]), l);
          continue;
        }
        if (/^ +LOC +CFA/.test(l)) { header = l.trim().split(/\s+/).slice(2); continue; }
        const m = /^([0-9a-f]{16}) (.*)$/.exec(l);
        if (m === null || BigInt('0x' + m[1]) === 0n) continue;                   // CIE rows are at 0
        const [cfa, ...regs] = m[2].trim().split(/\s+/);
        const row = d.frames.rowAt(BigInt('0x' + m[1]))!;
        assert.ok(row !== undefined, l);
        assert.ok('reg' in row.cfa);
        assert.equal(`${names[row.cfa.reg]}+${row.cfa.offset}`, cfa, `CFA at ${m[1]}`);
        assert.deepEqual(header.map((h) => rule(row.regs.get(names.indexOf(h)))), regs, `rules at ${m[1]}`);
        rows++;
      }
      assert.equal(fdes, d.frames.fdes.length);
      assert.ok(rows > 10);
    });
  });
}

describe('DWARF queries', () => {
  it('resolves a source line to breakpoint addresses (the next line with code for one without)', () => {
    const d = load('dwarf4');
    const src = readFileSync(path.join(root, 'examples', 'dwarf4', 'dwarf4.c'), 'utf8').split('\n');
    const lineOf = (text: string) => src.findIndex((l) => l.includes(text)) + 1;
    const walkIf = lineOf('if (s == 0) return depth;');
    const r = d.addressesFor('/somewhere/else/examples/dwarf4/dwarf4.c', walkIf)!;
    assert.equal(r.line, walkIf);
    assert.equal(r.file, 'examples/dwarf4/dwarf4.c');
    assert.ok(r.addresses.length >= 1);
    // one address per function, its lowest (as gdb): the entry, where the line's first is_stmt row is (addr2line
    // names the '{' line there, the last row at that address), not the early return further down
    assert.deepEqual(r.addresses.map((a) => d.functionAt(a)?.name), ['walk']);
    assert.equal(r.addresses[0], d.functionNamed('walk')!.lo);
    assert.ok(r.addresses.every((a) => d.isStatement(a)));
    // a comment line: the next line with code
    const comment = lineOf('/* Not inlined');
    const next = d.addressesFor('dwarf4.c', comment)!;
    assert.ok(next.line > comment && next.addresses.length > 0);
    assert.equal(d.addressesFor('nosuchfile.c', 10), undefined);
    assert.equal(d.addressesFor('dwarf4.c', 100000), undefined);
    assert.ok(d.sourceFiles().includes('examples/dwarf4/dwarf4.c'));
    assert.ok(d.sourceFiles().includes('examples/common/start.S'));
  });

  it('reads version 4 ranges and location lists (.debug_ranges, .debug_loc)', () => {
    const d = load('dwarf4');
    assert.equal(d.units[0].version, 4);
    const main = d.functionNamed('main')!;
    const frames = d.inlineFramesAt(main.lo);
    assert.equal(frames[frames.length - 1].name, 'main');
    const walk = d.functionNamed('walk')!;
    const vars = d.variables(d.inlineFramesAt(walk.lo)[0]);
    assert.deepEqual(vars.map((v) => [v.name, v.parameter, v.type?.name]),
      [['s', true, 'const struct shape *'], ['depth', true, 'int'], ['here', false, 'long int'], ['rest', false, 'long int']]);
    assert.equal(vars[0].location.kind, 'list');
  });
});

describe('unwinding, variables and types on a running program', () => {
  /** Runs dwarf4.elf to the n-th call of `area` and returns the board stopped there. */
  function stopIn(fn: string, hits: number) {
    const bytes = new Uint8Array(readFileSync(elfPath('dwarf4')));
    const board = new VirtBoard({ memorySize: 128 << 20, harts: 1, host: { consoleWrite: () => undefined } });
    board.load({ kernel: { name: 'dwarf4.elf', bytes } });
    const d = load('dwarf4');
    const at = d.functionNamed(fn)!.lo;
    board.machine.setBreakpoints([at]);
    for (let i = 0; i < hits; i++) {
      if (i > 0) board.machine.stepOverBreakpoint();
      assert.equal(board.machine.run(10_000_000).reason, 'breakpoint');
    }
    const h = board.machine.harts[0];
    const read = (a: bigint, size: number): bigint | undefined => {
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) {
        const pa = debugTranslate(h, Number((a + BigInt(i)) & 0xffffffffn) | 0, Number((a + BigInt(i)) >> 32n) | 0, Access.LOAD);
        if (pa < 0) return undefined;
        v = (v << 8n) | BigInt(board.machine.readPhys(pa, 1)[0]);
      }
      return v;
    };
    const bytesAt = (a: bigint, n: number) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) { const b = read(a + BigInt(i), 1); if (b === undefined) return undefined; out[i] = Number(b); }
      return out;
    };
    const regs: RegisterFile = Array.from({ length: 32 }, (_, i) => h.getX(i));
    return { d, h, read, bytesAt, regs, pc: h.getPc() };
  }

  it('unwinds area ← walk ← walk ← walk ← main through the CFI, each frame at the line addr2line gives', () => {
    const { d, read, regs, pc } = stopIn('area', 3);
    const chain: string[] = [];
    let frame = { pc, regs }, caller = false;
    for (let i = 0; i < 16; i++) {
      const fn = d.functionAt(caller ? frame.pc - 1n : frame.pc);
      chain.push(fn?.name ?? '?');
      const up = d.unwind(frame.pc, frame.regs, read, caller);
      if (up === undefined || fn === undefined) break;
      assert.equal(up.method, 'cfi');
      assert.ok(up.regs[2]! >= frame.regs[2]!, 'the stack pointer goes up (or stays, from a leaf)');
      frame = { pc: up.pc, regs: up.regs };
      caller = true;
    }
    assert.deepEqual(chain.slice(0, 5), ['area', 'walk', 'walk', 'walk', 'main']);
  });

  it('shows parameters with their types: a pointer to a struct with a bit field, an enum, a 2-D array, a string', () => {
    const { d, h, read, bytesAt, regs, pc } = stopIn('walk', 2);
    const frame = d.inlineFramesAt(pc)[0];
    const cfa = () => d.frames.unwind(pc, regs, read)?.cfa;
    const views = d.variables(frame).map((v) => viewVariable(v.name, v.type, d.locate(v, frame, pc, { reg: (n) => regs[n], read, cfa }),
      (n) => regs[n], bytesAt));
    const s = views.find((v) => v.name === 's')!;
    assert.equal(s.type, 'const struct shape *');
    assert.equal(BigInt(s.value), h.getX(10), 's is in a0 at entry');
    const shape = s.children!()[0];
    assert.equal(shape.type, 'const struct shape');
    const m = Object.fromEntries(shape.children!().map((c) => [c.name, c]));
    assert.match(m.name.value, /^0x[0-9a-f]+ "square"$/);
    assert.equal(m.color.value, 'GREEN');
    assert.equal(m.sides.value, '4');
    assert.equal(m.filled.value, '0');
    assert.equal(m.corner.type, 'int [2][2]');
    assert.deepEqual(m.corner.children!().map((row) => row.children!().map((c) => c.value)), [['1', '1'], ['5', '5']]);
    assert.equal(views.find((v) => v.name === 'depth')!.value, '1');
  });
});

describe('robustness: corrupt DWARF never throws out of a query and never hangs', () => {
  it('reads the minikernel (DWARF 5, inlined calls, location lists) without warnings', () => {
    const d = DwarfInfo.fromElf(new Uint8Array(readFileSync(elfPath('minikernel'))), 'minikernel.elf');
    assert.deepEqual(d.warnings, []);
    assert.ok(d.sourceFiles().includes('examples/minikernel/main.c'));
    assert.ok(d.functionNamed('kmain') !== undefined && d.frames.fdes.length > 20);
  });

  it('reports a truncated unit with the section and offset, and keeps the units before it', () => {
    const good = load('demo');
    const line = good.sections.line!;
    const cut = good.programs[good.programs.length - 1].offset + 20;
    const d = new DwarfInfo({ ...good.sections, line: line.subarray(0, cut), info: good.sections.info!.subarray(0, 100) });
    assert.equal(d.programs.length, good.programs.length - 1);
    assert.ok(d.warnings.some((w) => /^\.debug_line\+0x[0-9a-f]+: unit length 0x[0-9a-f]+ runs past the section/.test(w)), d.warnings.join('\n'));
    assert.ok(d.warnings.some((w) => /\.debug_info/.test(w)), d.warnings.join('\n'));
    assert.ok(d.sourceAt(good.programs[0].sequences[0][0].address) !== undefined);
  });

  /** A small deterministic generator (xorshift32). */
  const rng = (seed: number) => () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 2 ** 32; };

  for (const name of ['demo', 'dwarf4']) {
    it(`${name}.elf: 150 sections truncated or with flipped bytes`, function () {
      this.timeout(120_000);
      const good = load(name);
      const keys = Object.keys(good.sections) as (keyof typeof good.sections)[];
      const rand = rng(name === 'demo' ? 12345 : 678);
      const pcs = [...good.frames.fdes.map((f) => f.lo + 4n), 0n, 0x80000000n, 0xffffffffffffffffn];
      for (let iter = 0; iter < 150; iter++) {
        const s = { ...good.sections };
        for (let k = 0; k < 3; k++) {
          const key = keys[Math.floor(rand() * keys.length)];
          const sec = s[key];
          if (sec === undefined || sec.length === 0) continue;
          const c = sec.slice();
          if (rand() < 0.3) s[key] = c.subarray(0, Math.floor(rand() * c.length));
          else {
            for (let f = 0; f < 1 + rand() * 8; f++) c[Math.floor(rand() * c.length)] = Math.floor(rand() * 256);
            s[key] = c;
          }
        }
        const d = new DwarfInfo(s);
        const regs: RegisterFile = Array.from({ length: 32 }, (_, i) => BigInt(0x80010000 + i * 8));
        const read = (a: bigint) => (a & 0xffn) * 0x1000n;
        for (const pc of pcs) {
          d.sourceAt(pc);
          d.isStatement(pc);
          for (const f of d.inlineFramesAt(pc)) {
            for (const v of d.variables(f)) viewVariable(v.name, v.type, d.locate(v, f, pc, { reg: (n) => regs[n], read }), (n) => regs[n], () => undefined);
          }
          let fr = { pc, regs };
          for (let i = 0; i < 8; i++) { const up = d.unwind(fr.pc, fr.regs, read, i > 0); if (up === undefined) break; fr = up; }
        }
        for (const f of d.sourceFiles().slice(0, 5)) d.addressesFor(f, 10);
      }
    });
  }
});
