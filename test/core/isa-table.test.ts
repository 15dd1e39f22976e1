// The instruction table: well-formed entries, no overlapping encodings, every Op reachable,
// and the decoder finds each entry from its own encoding.

import * as assert from 'assert';
import { INSNS, InsnSpec, specMatches } from '../../core/isa/table';
import { decode, Decoded } from '../../core/isa/decode';
import { Op } from '../../core/isa/opcodes';

const EXTS = new Set(['I', 'M', 'A', 'F', 'D', 'C', 'Zicsr', 'Zifencei', 'Zba', 'Zbb', 'Zbs', 'Zicond', 'Priv', 'H']);

/** A word encoded by `s`: its match, or match plus one free bit when an exclusion removes the bare match. */
function sampleWord(s: InsnSpec): number {
  if (specMatches(s, s.match)) return s.match;
  const width = s.len === 2 ? 16 : 32;
  for (let b = 0; b < width; b++) {
    const bit = (1 << b) | 0;
    if ((s.mask & bit) !== 0) continue;
    if (specMatches(s, s.match | bit)) return s.match | bit;
  }
  throw new Error(`no sample word for ${s.name}`);
}

describe('instruction table', () => {
  it('entries are well formed', () => {
    const names = new Set<string>();
    for (const s of INSNS) {
      assert.strictEqual(s.match & ~s.mask, 0, `${s.name}: match has bits outside mask`);
      assert.notStrictEqual(s.op, Op.ILLEGAL, s.name);
      assert.ok(EXTS.has(s.ext), `${s.name}: ext ${s.ext}`);
      assert.ok(s.format.length > 0 && s.desc.length > 0, s.name);
      assert.strictEqual(s.len, s.name.startsWith('c.') ? 2 : 4, s.name);
      if (s.len === 2) {
        assert.strictEqual(s.mask & ~0xffff, 0, `${s.name}: 16-bit mask`);
        assert.notStrictEqual(s.match & 3, 3, `${s.name}: compressed quadrant`);
      } else {
        assert.strictEqual(s.match & 3, 3, `${s.name}: 32-bit opcode low bits`);
      }
      assert.ok(!names.has(s.name), `duplicate ${s.name}`);
      names.add(s.name);
    }
  });

  it('no two 32-bit encodings overlap', () => {
    const w = INSNS.filter((s) => s.len === 4);
    for (let i = 0; i < w.length; i++) {
      for (let j = i + 1; j < w.length; j++) {
        const a = w[i], b = w[j];
        assert.notStrictEqual((a.match ^ b.match) & a.mask & b.mask, 0, `${a.name} overlaps ${b.name}`);
      }
    }
  });

  it('no 16-bit word is claimed by two compressed entries (exhaustive, exclusions included)', () => {
    const c = INSNS.filter((s) => s.len === 2);
    for (let word = 0; word < 0x10000; word++) {
      if ((word & 3) === 3) continue;
      const hits = c.filter((s) => specMatches(s, word));
      assert.ok(hits.length <= 1, `${word.toString(16)}: ${hits.map((s) => s.name).join(', ')}`);
    }
  });

  it('compressed pairs whose masks overlap are separated by an exclusion', () => {
    const c = INSNS.filter((s) => s.len === 2);
    for (let i = 0; i < c.length; i++) {
      for (let j = i + 1; j < c.length; j++) {
        const a = c[i], b = c[j];
        if (((a.match ^ b.match) & a.mask & b.mask) !== 0) continue;
        const sep = (x: InsnSpec, y: InsnSpec): boolean => (x.excl ?? []).some(([m, v]) =>
          (m & ~y.mask) === 0 && (y.match & m) === v);
        assert.ok(sep(a, b) || sep(b, a), `${a.name} / ${b.name}`);
      }
    }
  });

  it('every operation is reached by at least one entry', () => {
    const seen = new Set(INSNS.map((s) => s.op));
    // DEBUG_BREAK is the debugger's breakpoint marker, not an instruction.
    for (let op = 1; op < Op.COUNT; op++) if (op !== Op.DEBUG_BREAK) assert.ok(seen.has(op), `op ${op} has no table entry`);
  });

  it('decoding each entry\'s encoding returns that entry', () => {
    const d = new Decoded();
    for (const s of INSNS) {
      const word = sampleWord(s);
      decode(word, d);
      assert.strictEqual(d.spec, s, `${s.name} (${(word >>> 0).toString(16)}) decoded as ${d.spec?.name}`);
      assert.strictEqual(d.op, s.op, s.name);
      assert.strictEqual(d.len, s.len, s.name);
    }
  });

  it('covers the RV64 compressed set and not the RV32-only c.flw/c.fsw/c.jal', () => {
    const names = new Set(INSNS.map((s) => s.name));
    for (const n of ['c.fld', 'c.fsd', 'c.fldsp', 'c.fsdsp', 'c.ld', 'c.sd', 'c.ldsp', 'c.sdsp', 'c.addiw', 'c.subw', 'c.addw']) {
      assert.ok(names.has(n), n);
    }
    for (const n of ['c.flw', 'c.fsw', 'c.flwsp', 'c.fswsp', 'c.jal']) assert.ok(!names.has(n), n);
  });
});
