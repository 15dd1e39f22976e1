# SYNTAX TEST "source.riscv-asm" "comments, preprocessor, relocations"
#include "test.h"
# <- meta.preprocessor.include.riscv-asm punctuation.definition.directive.riscv-asm
#^^^^^^^ meta.preprocessor.include.riscv-asm keyword.control.directive.include.riscv-asm
#        ^^^^^^^^ string.quoted.double.include.riscv-asm
#include <asm/csr.h>
#        ^^^^^^^^^^^ string.quoted.other.lt-gt.include.riscv-asm
#define REGBYTES 8
#^^^^^^ keyword.control.directive.define.riscv-asm
#       ^^^^^^^^ entity.name.function.preprocessor.riscv-asm
#                ^ constant.numeric.integer.decimal.riscv-asm
#define SAVE(r, n) \
  sd r, n*REGBYTES(sp)
# ^^ meta.preprocessor.macro.riscv-asm keyword.other.instruction.riscv-asm
#       ^^^^^^^^ meta.preprocessor.macro.riscv-asm
  add a0, a0, a1
# ^^^ keyword.other.instruction.riscv-asm - meta.preprocessor
#ifdef __ASSEMBLER__
# <- meta.preprocessor.riscv-asm punctuation.definition.directive.riscv-asm
#^^^^^ keyword.control.directive.conditional.riscv-asm
#if defined(FOO) && BAR > 1
#^^ keyword.control.directive.conditional.riscv-asm
#else
#^^^^ keyword.control.directive.conditional.riscv-asm
#endif
#^^^^^ keyword.control.directive.conditional.riscv-asm
# a plain comment: li a0, 1
# <- comment.line.number-sign.riscv-asm
#  ^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.riscv-asm
  li a0, 1   # trailing comment
#            ^^^^^^^^^^^^^^^^^^ comment.line.number-sign.riscv-asm
#  ^ - comment
  li a0, 1   // C++ style comment
#            ^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.riscv-asm
  li a0, 1   /* block */ ; nop
#            ^^^^^^^^^^^ comment.block.riscv-asm
#                          ^^^ keyword.other.instruction.pseudo.riscv-asm
/* multi-line
   li a0, 2 stays a comment
#  ^^^^^^^^ comment.block.riscv-asm
*/
  lui   a0, %hi(msg)
#           ^^^ support.function.relocation.riscv-asm
#           ^ punctuation.definition.relocation.riscv-asm
  addi  a0, a0, %lo(msg)
#               ^^^ support.function.relocation.riscv-asm
1: auipc a1, %pcrel_hi(sym)
#            ^^^^^^^^^ support.function.relocation.riscv-asm
  addi  a1, a1, %pcrel_lo(1b)
#               ^^^^^^^^^ support.function.relocation.riscv-asm
#                         ^^ variable.other.label.local.riscv-asm
  lui   a2, %tprel_hi(tvar)
#           ^^^^^^^^^ support.function.relocation.riscv-asm
  add   a2, a2, tp, %tprel_add(tvar)
#                   ^^^^^^^^^^ support.function.relocation.riscv-asm
  auipc a3, %got_pcrel_hi(gsym)
#           ^^^^^^^^^^^^^ support.function.relocation.riscv-asm
  ld    a3, %tprel_lo(x)(a3)
#           ^^^^^^^^^ support.function.relocation.riscv-asm
#                        ^^ variable.other.register.riscv-asm
