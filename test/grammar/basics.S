# SYNTAX TEST "source.riscv-asm" "labels, mnemonics, registers, numbers"
_start:
# <------ entity.name.label.riscv-asm
#     ^ punctuation.separator.label.riscv-asm
  csrr  t0, mhartid
# ^^^^ keyword.other.instruction.pseudo.riscv-asm
#       ^^ variable.other.register.riscv-asm
#           ^^^^^^^ support.constant.csr.riscv-asm
  addi  sp, sp, -16
# ^^^^ keyword.other.instruction.riscv-asm
#       ^^ variable.other.register.riscv-asm
#               ^ keyword.operator.riscv-asm
#                ^^ constant.numeric.integer.decimal.riscv-asm
1:
# <- entity.name.label.local.riscv-asm
  bnez  t0, 1b
#           ^^ variable.other.label.local.riscv-asm
  fadd.d fa0, fa1, ft11, rne
# ^^^^^^ keyword.other.instruction.riscv-asm
#        ^^^ variable.other.register.fp.riscv-asm
#                  ^^^^ variable.other.register.fp.riscv-asm
#                        ^^^ support.constant.rounding-mode.riscv-asm
  amoswap.w.aqrl t1, t1, (t0)
# ^^^^^^^^^^^^^^ keyword.other.instruction.riscv-asm
#                        ^ punctuation.section.parens.begin.riscv-asm
#                         ^^ variable.other.register.riscv-asm
  hlv.d a0, (a1); hfence.gvma
# ^^^^^ keyword.other.instruction.riscv-asm
#               ^ punctuation.separator.statement.riscv-asm
#                 ^^^^^^^^^^^ keyword.other.instruction.riscv-asm
  c.addi16sp sp, -64
# ^^^^^^^^^^ keyword.other.instruction.riscv-asm
loop: j loop
# <---- entity.name.label.riscv-asm
#     ^ keyword.other.instruction.pseudo.riscv-asm
#       ^^^^ - keyword.other.instruction.riscv-asm
  ld    x31, 8(s11)
#       ^^^ variable.other.register.riscv-asm
#            ^ constant.numeric.integer.decimal.riscv-asm
#              ^^^ variable.other.register.riscv-asm
  li    a0, 0x7fffffff
#           ^^^^^^^^^^ constant.numeric.integer.hexadecimal.riscv-asm
  li    a1, 0b1010
#           ^^^^^^ constant.numeric.integer.binary.riscv-asm
  li    a2, 'A'
#           ^^^ constant.character.riscv-asm
  beqz  a2, 2f
# ^^^^ keyword.other.instruction.pseudo.riscv-asm
#           ^^ variable.other.label.local.riscv-asm
  csrw  hgatp, zero
#       ^^^^^ support.constant.csr.riscv-asm
#              ^^^^ variable.other.register.riscv-asm
  csrs  vsstatus, t0; csrr a0, hstatus; csrr a1, htinst
#       ^^^^^^^^ support.constant.csr.riscv-asm
#                          ^^ variable.other.register.riscv-asm
#                              ^^^^^^^ support.constant.csr.riscv-asm
#                                                ^^^^^^ support.constant.csr.riscv-asm
  CHECK(1, a0, 5)
# ^^^^^ entity.name.function.macro.call.riscv-asm
#          ^^ variable.other.register.riscv-asm
  my_macro a0, \arg
# ^^^^^^^^ entity.name.function.macro.call.riscv-asm
#              ^^^^ variable.parameter.macro.riscv-asm
  ADDI a0, a0, 1
# ^^^^ keyword.other.instruction.riscv-asm
2: ret
# <- entity.name.label.local.riscv-asm
#  ^^^ keyword.other.instruction.pseudo.riscv-asm
  fmv.s fs0, fa0
# ^^^^^ keyword.other.instruction.pseudo.riscv-asm
#       ^^^ variable.other.register.fp.riscv-asm
