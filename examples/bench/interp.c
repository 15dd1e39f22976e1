/* A tiny stack-based bytecode interpreter (switch dispatch) running a loop program: for each
   i below a bound it computes a Collatz-style step count and accumulates a hash. Exercises
   indirect branches, small loads/stores and a hot dispatch loop. */
#define BENCH_NAME "interp"
#include "bench.h"

#ifndef INTERP_N
#define INTERP_N 12000
#endif

enum opcode {
  OP_PUSH,  /* push imm */
  OP_LOAD,  /* push var[imm] */
  OP_STORE, /* var[imm] = pop */
  OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR, OP_SHR, /* a = pop, b = pop, push b op a */
  OP_LT,    /* push b < a */
  OP_EQ,    /* push b == a */
  OP_JMP,   /* pc = imm */
  OP_JZ,    /* if pop == 0: pc = imm */
  OP_HALT,
};

struct insn {
  uint8_t op;
  int32_t imm;
};

/* Variables: 0 = i, 1 = n, 2 = steps, 3 = hash, 4 = limit. The program is assembled at run
   time by assemble() so jump targets can be patched by name. */
static struct insn code[64];
static int code_len;

static void emit(uint8_t op, int32_t imm)
{
  code[code_len].op = op;
  code[code_len].imm = imm;
  code_len++;
}

static void assemble(void)
{
  /* i = 1 */
  emit(OP_PUSH, 1);
  emit(OP_STORE, 0);
  int loop_i = code_len;
  emit(OP_LOAD, 0);
  emit(OP_LOAD, 4);
  emit(OP_LT, 0);
  int exit_i = code_len;
  emit(OP_JZ, 0);                 /* -> done */
  emit(OP_LOAD, 0);
  emit(OP_STORE, 1);              /* n = i */
  emit(OP_PUSH, 0);
  emit(OP_STORE, 2);              /* steps = 0 */
  int loop_n = code_len;
  emit(OP_LOAD, 1);
  emit(OP_PUSH, 1);
  emit(OP_EQ, 0);
  int not_one = code_len;
  emit(OP_JZ, 0);                 /* n != 1 -> body */
  int to_next = code_len;
  emit(OP_JMP, 0);                /* n == 1 -> next i */
  code[not_one].imm = code_len;
  emit(OP_LOAD, 1);
  emit(OP_PUSH, 1);
  emit(OP_AND, 0);
  int even = code_len;
  emit(OP_JZ, 0);                 /* even -> halve */
  emit(OP_LOAD, 1);
  emit(OP_PUSH, 3);
  emit(OP_MUL, 0);
  emit(OP_PUSH, 1);
  emit(OP_ADD, 0);
  emit(OP_STORE, 1);              /* n = 3n + 1 */
  int to_count = code_len;
  emit(OP_JMP, 0);
  code[even].imm = code_len;
  emit(OP_LOAD, 1);
  emit(OP_PUSH, 1);
  emit(OP_SHR, 0);
  emit(OP_STORE, 1);              /* n >>= 1 */
  code[to_count].imm = code_len;
  emit(OP_LOAD, 2);
  emit(OP_PUSH, 1);
  emit(OP_ADD, 0);
  emit(OP_STORE, 2);              /* steps++ */
  emit(OP_JMP, loop_n);
  code[to_next].imm = code_len;
  emit(OP_LOAD, 3);
  emit(OP_PUSH, 31);
  emit(OP_MUL, 0);
  emit(OP_LOAD, 2);
  emit(OP_XOR, 0);
  emit(OP_STORE, 3);              /* hash = hash * 31 ^ steps */
  emit(OP_LOAD, 0);
  emit(OP_PUSH, 1);
  emit(OP_ADD, 0);
  emit(OP_STORE, 0);              /* i++ */
  emit(OP_JMP, loop_i);
  code[exit_i].imm = code_len;
  emit(OP_HALT, 0);
}

static uint64_t run(int64_t *vars)
{
  int64_t stack[16];
  int sp = 0;
  int pc = 0;
  uint64_t executed = 0;
  for (;;) {
    const struct insn *in = &code[pc++];
    executed++;
    switch (in->op) {
    case OP_PUSH:
      stack[sp++] = in->imm;
      break;
    case OP_LOAD:
      stack[sp++] = vars[in->imm];
      break;
    case OP_STORE:
      vars[in->imm] = stack[--sp];
      break;
    case OP_ADD:
      sp--;
      stack[sp - 1] += stack[sp];
      break;
    case OP_SUB:
      sp--;
      stack[sp - 1] -= stack[sp];
      break;
    case OP_MUL:
      sp--;
      stack[sp - 1] *= stack[sp];
      break;
    case OP_AND:
      sp--;
      stack[sp - 1] &= stack[sp];
      break;
    case OP_XOR:
      sp--;
      stack[sp - 1] ^= stack[sp];
      break;
    case OP_SHR:
      sp--;
      stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> stack[sp]);
      break;
    case OP_LT:
      sp--;
      stack[sp - 1] = stack[sp - 1] < stack[sp];
      break;
    case OP_EQ:
      sp--;
      stack[sp - 1] = stack[sp - 1] == stack[sp];
      break;
    case OP_JMP:
      pc = in->imm;
      break;
    case OP_JZ:
      if (stack[--sp] == 0) {
        pc = in->imm;
      }
      break;
    default:
      return executed;
    }
  }
}

static uint64_t bench_run(void)
{
  int64_t vars[8] = {0};
  assemble();
  vars[4] = INTERP_N;
  uint64_t executed = run(vars);
  return (uint64_t)vars[3] ^ (executed << 40);
}
