/* dwarf4: a small M-mode program built with -gdwarf-4 (build/dwarf4.elf), so the debugger's DWARF reader is
   tested on version 4 tables too (.debug_line v4 file lists, .debug_loc, .debug_ranges, CIE version 3).
   A linked list of shapes in a static array, a recursive walk, a struct passed by pointer, a 2-D array, a
   bit field and an enumeration; prints a checksum and exits 0. */
#include "lib.h"

enum color { RED, GREEN = 5, BLUE };

struct shape {
  const char *name;
  enum color color;
  unsigned sides : 4;
  unsigned filled : 1;
  int corner[2][2];
  struct shape *next;
};

static struct shape shapes[4] = {
  { "triangle", RED, 3, 1, { { 0, 0 }, { 3, 4 } }, 0 },
  { "square", GREEN, 4, 0, { { 1, 1 }, { 5, 5 } }, 0 },
  { "hexagon", BLUE, 6, 1, { { -2, 7 }, { 9, -1 } }, 0 },
  { "line", RED, 1, 0, { { 8, 8 }, { 8, 9 } }, 0 },
};

/* Depth of each walk call's result, stored after the recursive call so the recursion stays a recursion. */
long results[8];

/* Not inlined nor specialised, so each call has its own frame to unwind through. */
static __attribute__((noipa)) long area(const struct shape *s)
{
  long w = s->corner[1][0] - s->corner[0][0];
  long h = s->corner[1][1] - s->corner[0][1];
  long a = w * h;
  if (a < 0) a = -a;
  return s->filled ? a : a / 2;
}

static __attribute__((noipa)) long walk(const struct shape *s, int depth)
{
  if (s == 0) return depth;
  long here = area(s) * (long)s->sides + (long)s->color;
  long rest = walk(s->next, depth + 1);
  results[depth] = rest;
  return here + rest;
}

int main(void)
{
  for (int i = 0; i < 3; i++) shapes[i].next = &shapes[i + 1];
  long total = walk(&shapes[0], 0);
  printf("dwarf4: %d shapes, checksum %ld\n", 4, total);
  return total == 611 ? 0 : 1;
}
