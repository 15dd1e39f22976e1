// DAP round-trip latency: the bundled adapter (dist/debugAdapter.js) over stdio, stopped in the minikernel; each
// request kind is sent many times and its round trip (request written → response parsed) measured. Also the time
// from launch to the first stop, and from `continue` to a breakpoint stop.

import { spawn } from 'node:child_process';
import * as path from 'node:path';

interface Pending { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }

/** A minimal DAP client over a child's stdio (Content-Length framing). */
class Client {
  private seq = 1;
  private buf = Buffer.alloc(0);
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: { event: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  private readonly child;

  constructor(adapter: string) {
    this.child = spawn(process.execPath, [adapter], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout.on('data', (d: Buffer) => this.data(d));
  }

  private data(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString())?.[1]);
      if (this.buf.length < sep + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString()) as Record<string, unknown>;
      this.buf = this.buf.subarray(sep + 4 + len);
      if (msg.type === 'response') {
        const p = this.pending.get(msg.request_seq as number);
        this.pending.delete(msg.request_seq as number);
        if (msg.success === false) p?.reject(new Error(String(msg.message))); else p?.resolve(msg);
      } else if (msg.type === 'event') {
        const i = this.waiters.findIndex((w) => w.event === msg.event);
        if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg);
      }
    }
  }

  request(command: string, args: unknown = {}): Promise<Record<string, unknown>> {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return new Promise((resolve, reject) => this.pending.set(seq, { resolve, reject }));
  }

  event(event: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.waiters.push({ event, resolve }));
  }

  close(): void { this.child.kill(); }
}

function quantiles(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms`;
}

export async function benchDap(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const c = new Client(path.join(root, 'dist', 'debugAdapter.js'));
  const kernel = path.join(root, 'examples', 'build', 'minikernel.elf');
  try {
    await c.request('initialize', { adapterID: 'vmscope', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const t0 = performance.now();
    const stopped = c.event('stopped');
    await c.request('launch', { kernel, mode: 'vm', mmu: 'nested', stopOnEntry: true });
    await c.request('setFunctionBreakpoints', { breakpoints: [{ name: 'schedule' }] });
    await c.request('configurationDone');
    await stopped;
    const launchMs = performance.now() - t0;
    const next = c.event('stopped');
    const t1 = performance.now();
    await c.request('continue', { threadId: 1 });
    await next;
    const runMs = performance.now() - t1;
    const frames = ((await c.request('stackTrace', { threadId: 1 })).body as { stackFrames: { id: number }[] }).stackFrames;
    const kinds: [string, string, unknown][] = [
      ['threads', 'threads', {}],
      ['stackTrace', 'stackTrace', { threadId: 1 }],
      ['scopes', 'scopes', { frameId: frames[0].id }],
      ['variables (registers)', 'variables', { variablesReference: 1 }],
      ['variables (CSRs)', 'variables', { variablesReference: 2 }],
      ['readMemory 256 B (gva)', 'readMemory', { memoryReference: 'gva:vm0:0x80200000', count: 256 }],
      ['disassemble 50', 'disassemble', { memoryReference: '0x80200000', instructionCount: 50 }],
      ['evaluate', 'evaluate', { expression: 'sp + 16', context: 'repl', frameId: frames[0].id }],
      ['vmscope/translate', 'vmscope/translate', { address: '0x80200000' }],
      ['vmscope/exits', 'vmscope/exits', { count: 256 }],
    ];
    console.log(`\nDAP over stdio (minikernel in a nested-paging VM): launch to entry stop ${launchMs.toFixed(0)} ms, ` +
      `continue to a breakpoint ${runMs.toFixed(0)} ms`);
    // A step: from the request to its stopped event (instruction granularity, and a source line).
    for (const granularity of ['instruction', 'line'] as const) {
      const times: number[] = [];
      for (let i = 0; i < 50; i++) {
        const s = performance.now();
        const done = c.event('stopped');
        await c.request('next', { threadId: 1, granularity: granularity === 'line' ? undefined : 'instruction' });
        await done;
        times.push(performance.now() - s);
      }
      console.log(`  ${`step (${granularity})`.padEnd(26)} ${quantiles(times)}`);
    }
    // A full dump of the guest's page tables: every table page reachable from the root, one request per page.
    for (const space of ['vsatp', 'hgatp'] as const) {
      const s = performance.now();
      let pages = 0, entries = 0;
      const walk = async (table?: string, level?: number, va?: string): Promise<void> => {
        const r = (await c.request('vmscope/pageTables', { space, table, level, va })).body as
          { entries: { next?: { table: string; level: number; va: string } }[] };
        pages++;
        entries += r.entries.length;
        for (const e of r.entries) if (e.next !== undefined) await walk(e.next.table, e.next.level, e.next.va);
      };
      await walk();
      console.log(`  ${`pageTables dump (${space})`.padEnd(26)} ${(performance.now() - s).toFixed(1)} ms for ${pages} table pages, ${entries} entries`);
    }
    for (const [name, command, args] of kinds) {
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const s = performance.now();
        await c.request(command, args);
        times.push(performance.now() - s);
      }
      console.log(`  ${name.padEnd(26)} ${quantiles(times)}`);
    }
  } finally {
    c.close();
  }
}
