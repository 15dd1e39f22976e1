# SYNTAX TEST "source.riscv-asm" "directives, strings, symbols"
  .section .text.init, "ax", @progbits
# ^^^^^^^^ keyword.control.directive.riscv-asm
#                      ^^^^ string.quoted.double.riscv-asm
#                            ^^^^^^^^^ storage.type.symbol-type.riscv-asm
  .globl _start
# ^^^^^^ keyword.control.directive.riscv-asm
  .align 3
# ^^^^^^ keyword.control.directive.riscv-asm
#        ^ constant.numeric.integer.decimal.riscv-asm
  .balign 4
# ^^^^^^^ keyword.control.directive.riscv-asm
  .word 1, 2
# ^^^^^ keyword.control.directive.riscv-asm
#        ^ punctuation.separator.comma.riscv-asm
  .dword 0xdeadbeef
# ^^^^^^ keyword.control.directive.riscv-asm
  .half 3
# ^^^^^ keyword.control.directive.riscv-asm
  .byte 'a', 0
# ^^^^^ keyword.control.directive.riscv-asm
  .asciz "hello\n"
# ^^^^^^ keyword.control.directive.riscv-asm
#        ^ string.quoted.double.riscv-asm punctuation.definition.string.begin.riscv-asm
#              ^^ string.quoted.double.riscv-asm constant.character.escape.riscv-asm
  .string "x # not a comment"
#           ^^^^^^^^^^^^^^^ string.quoted.double.riscv-asm - comment
  .equ UART_BASE, 0x10000000
# ^^^^ keyword.control.directive.riscv-asm
#      ^^^^^^^^^ variable.other.constant.riscv-asm
  .set COUNT, 4
#      ^^^^^ variable.other.constant.riscv-asm
STACK_SIZE = 4096
# <---------- variable.other.constant.riscv-asm
#          ^ keyword.operator.assignment.riscv-asm
  .macro push reg
# ^^^^^^ keyword.control.directive.riscv-asm
#        ^^^^ entity.name.function.macro.riscv-asm
  addi sp, sp, -8
  sd \reg, 0(sp)
#    ^^^^ variable.parameter.macro.riscv-asm
  .endm
# ^^^^^ keyword.control.directive.riscv-asm
  .rept 4
# ^^^^^ keyword.control.directive.riscv-asm
  nop
# ^^^ keyword.other.instruction.pseudo.riscv-asm
  .endr
# ^^^^^ keyword.control.directive.riscv-asm
  .if COUNT > 2
# ^^^ keyword.control.directive.riscv-asm
  .else
# ^^^^^ keyword.control.directive.riscv-asm
  .endif
# ^^^^^^ keyword.control.directive.riscv-asm
  .option push
# ^^^^^^^ keyword.control.directive.riscv-asm
  .attribute arch, "rv64gc"
# ^^^^^^^^^^ keyword.control.directive.riscv-asm
  .type main, @function
# ^^^^^ keyword.control.directive.riscv-asm
#             ^^^^^^^^^ storage.type.symbol-type.riscv-asm
  .size main, .-main
# ^^^^^ keyword.control.directive.riscv-asm
  .include "macros.inc"
# ^^^^^^^^ keyword.control.directive.riscv-asm
#          ^^^^^^^^^^^^ string.quoted.double.riscv-asm
  .cfi_startproc
# ^^^^^^^^^^^^^^ keyword.control.directive.riscv-asm
  .cfi_def_cfa_offset 16
# ^^^^^^^^^^^^^^^^^^^ keyword.control.directive.other.riscv-asm
.Lfunc_end0:
# <----------- entity.name.label.riscv-asm
  .float 1.5
#        ^^^ constant.numeric.float.riscv-asm
