// Hover text (Markdown) for the token under the cursor: instructions (description, syntax, encoding format
// and fixed bits from the instruction table, extension), pseudo-instructions (expansion), registers (number,
// ABI name, role), CSRs (number, privilege, access, fields), directives, relocation functions, labels,
// macros and numbers.

import { Analysis, SymbolDef, tokenAt } from './analysis';
import { csrInfo } from '../core/isa/csrInfo';
import { DIRECTIVES } from './directives';
import { lookupMnemonic, MnemonicInfo } from './mnemonics';
import { classifyOperand, evaluate, parseInteger } from './operands';
import { Span } from './parser';
import { registerInfo, ROUNDING_MODES } from './registers';
import { RELOCATIONS } from './relocations';

const EXTENSIONS: Record<string, string> = {
  I: 'RV64I base integer', M: 'M (integer multiply/divide)', A: 'A (atomics)', F: 'F (single-precision FP)',
  D: 'D (double-precision FP)', C: 'C (compressed, 16-bit)', Zicsr: 'Zicsr (CSR access)', Zifencei: 'Zifencei (instruction fence)',
  Zba: 'Zba (address generation)', Zbb: 'Zbb (basic bit manipulation)', Zbs: 'Zbs (single-bit)', Zicond: 'Zicond (conditional zero)',
  Priv: 'privileged architecture', H: 'H (hypervisor)',
};

/** The fixed bits of an encoding as a bit string, '-' for operand bits (most significant bit first). */
export function encodingPattern(match: number, mask: number, len: 2 | 4): string {
  let s = '';
  for (let b = len * 8 - 1; b >= 0; b--) s += ((mask >>> b) & 1) === 0 ? '-' : String((match >>> b) & 1);
  return s;
}

const hex = (n: number, w: number): string => `0x${(n >>> 0).toString(16).padStart(w, '0')}`;

/** Markdown describing a mnemonic. */
export function mnemonicMarkdown(info: MnemonicInfo, written?: string): string {
  const lines: string[] = [];
  const title = written !== undefined && written.toLowerCase() !== info.name ? `${written.toLowerCase()} (${info.name})` : info.name;
  lines.push(`**${title}** — ${info.desc}`, '', '```riscv-asm', ...info.syntax, '```');
  const ext = EXTENSIONS[info.ext] ?? info.ext;
  if (info.spec !== undefined) {
    const s = info.spec;
    lines.push('', `Extension: ${ext} · format ${s.format} · ${s.len * 8}-bit`, '',
      `Encoding: \`${encodingPattern(s.match, s.mask, s.len)}\` (match ${hex(s.match, s.len * 2)}, mask ${hex(s.mask, s.len * 2)})`);
    if (info.ext === 'A') lines.push('', 'Ordering suffixes: `.aq`, `.rl`, `.aqrl`.');
  } else {
    lines.push('', `Pseudo-instruction (${ext}) — expands to \`${info.expansion}\``);
  }
  return lines.join('\n');
}

function csrMarkdown(name: string): string | undefined {
  const c = csrInfo(name);
  if (c === undefined) return undefined;
  const lines = [`**${c.name}** (CSR ${hex(c.num, 3)})${c.desc !== '' ? ` — ${c.desc}` : ''}`, '',
    `Privilege: ${c.privilege}-mode and above · ${c.readOnly ? 'read-only' : 'read/write'}`];
  if (c.fields.length > 0) {
    lines.push('', '| bits | field | meaning |', '| --- | --- | --- |');
    for (const f of [...c.fields].sort((a, b) => b.hi - a.hi)) {
      lines.push(`| ${f.hi === f.lo ? f.hi : `${f.hi}:${f.lo}`} | ${f.name} | ${f.desc} |`);
    }
  }
  return lines.join('\n');
}

function registerMarkdown(name: string): string | undefined {
  const r = registerInfo(name);
  if (r === undefined) return undefined;
  const file = r.file === 'x' ? 'integer' : 'floating-point';
  const saver = r.saver === '' ? '' : ` · ${r.saver}-saved`;
  const alias = r.file === 'x' && r.num === 8 ? ' (also fp)' : '';
  return `**${name}** — ${file} register ${r.file}${r.num}, ABI name ${r.abi}${alias}\n\n${r.role}${saver}`;
}

function defMarkdown(a: Analysis, d: SymbolDef): string {
  const where = d.uri !== undefined && d.uri !== a.uri ? ` in ${d.uri.replace(/^.*\//, '')}` : '';
  const at = `line ${d.span.line + 1}${where}`;
  switch (d.kind) {
    case 'label': {
      const kind = a.functions.has(d.name) ? 'function' : 'label';
      return `**${d.name}** — ${a.globals.has(d.name) ? 'global ' : ''}${kind} (${at})`;
    }
    case 'numeric': return `**${d.name}:** — local label (${at})`;
    case 'equ': return `**${d.name}** = \`${d.value ?? ''}\` (${at})`;
    case 'macro': return `**${d.name}** — assembler macro${d.params !== undefined && d.params.length > 0 ? `(${d.params.join(', ')})` : ''} (${at})`;
    default: {
      const params = d.params !== undefined ? `(${d.params.join(', ')})` : '';
      return `**${d.name}${params}** — preprocessor macro (${at})\n\n\`\`\`c\n#define ${d.name}${params} ${d.value ?? ''}\n\`\`\``;
    }
  }
}

function valueMarkdown(text: string, v: bigint): string {
  const u = v & ((1n << 64n) - 1n);
  return `\`${text}\` = ${v} = 0x${u.toString(16)}${v < 1n << 32n && v >= 0n ? ` = 0b${v.toString(2)}` : ''}`;
}

function numberMarkdown(text: string): string | undefined {
  const v = parseInteger(text);
  return v === undefined ? undefined : valueMarkdown(text, v);
}

/** Hover text and range for (line, character), or undefined. */
export function hoverAt(a: Analysis, line: number, ch: number): { markdown: string; span: Span } | undefined {
  const t = tokenAt(a, line, ch);
  if (t === undefined) return undefined;
  let md: string | undefined;
  switch (t.kind) {
    case 'op': {
      const name = t.span.text;
      if (name.startsWith('.')) {
        const d = DIRECTIVES.get(name.toLowerCase());
        md = d !== undefined ? `**${name}** — ${d}` : undefined;
        break;
      }
      const info = lookupMnemonic(name);
      if (info !== undefined) { md = mnemonicMarkdown(info, name); break; }
      const m = a.macros.get(name) ?? a.defines.get(name);
      if (m !== undefined) md = defMarkdown(a, m);
      break;
    }
    case 'label': md = defMarkdown(a, t.def); break;
    case 'preprocessor': md = defMarkdown(a, t.def); break;
    case 'operand': {
      const tok = t.token;
      if (tok.kind === 'reloc') {
        const r = RELOCATIONS.get(tok.text.slice(1));
        md = r !== undefined ? `**${tok.text}**(symbol) — ${r[1]}` : undefined;
      } else if (tok.kind === 'number' || tok.kind === 'char') {
        // The value of the whole operand (or of a memory operand's offset) when it is constant: -1, 1 << 13, ...
        const operand = t.stmt.operands[t.operandIndex]?.text ?? tok.text;
        const c = classifyOperand(operand);
        const expr = c.t === 'mem' ? c.offset : operand;
        const v = evaluate(expr);
        md = v !== undefined ? valueMarkdown(expr, v) : numberMarkdown(tok.text);
      } else if (tok.kind === 'numref') {
        const d = t.ref?.target;
        md = d !== undefined ? `**${tok.text}** → local label ${d.name}: at line ${d.span.line + 1}` : `**${tok.text}** — no matching local label`;
      } else if (tok.kind === 'ident') {
        const defs = t.ref?.target;
        md = registerMarkdown(tok.text)
          ?? (defs !== undefined ? defMarkdown(a, defs) : undefined)
          ?? csrMarkdown(tok.text)
          ?? (ROUNDING_MODES.has(tok.text) ? `**${tok.text}** — rounding mode: ${ROUNDING_MODES.get(tok.text)}` : undefined);
      }
      break;
    }
  }
  return md === undefined ? undefined : { markdown: md, span: t.span };
}
