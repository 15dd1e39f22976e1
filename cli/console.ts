// The guest console on the host terminal: raw mode on a TTY with QEMU's Ctrl-A escape keys, or a pipe.

export interface ConsoleHandlers {
  input(bytes: Uint8Array): void;
  quit(): void;
  stats(): string;
}

const CTRL_A = 0x01;

export interface AttachedConsole {
  /** Restores the terminal and stops reading. */
  detach(): void;
  /** False once stdin has ended (a pipe at EOF): no more input can wake the guest. */
  inputOpen(): boolean;
}

/** Connects stdin to the guest. */
export function attachConsole(h: ConsoleHandlers): AttachedConsole {
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  let escape = false;
  const onData = (chunk: Buffer) => {
    if (!tty) { h.input(chunk); return; }
    const out: number[] = [];
    for (const b of chunk) {
      if (escape) {
        escape = false;
        const k = String.fromCharCode(b).toLowerCase();
        if (k === 'x') { h.quit(); return; }
        if (b === CTRL_A) out.push(CTRL_A);
        else if (k === 'h') process.stderr.write('\r\nC-a x  quit\r\nC-a s  show statistics\r\nC-a C-a  send C-a\r\n');
        else if (k === 's') process.stderr.write(`\r\n${h.stats().replace(/\n/g, '\r\n')}\r\n`);
        continue;
      }
      if (b === CTRL_A) { escape = true; continue; }
      out.push(b);
    }
    if (out.length > 0) h.input(Uint8Array.from(out));
  };
  if (tty) stdin.setRawMode(true);
  stdin.on('data', onData);
  // With a pipe, end of input is not the end of the run: the guest keeps going.
  let open = true;
  stdin.on('end', () => { open = false; });
  stdin.on('error', () => { open = false; });
  stdin.resume();
  return {
    detach: () => {
      stdin.off('data', onData);
      if (tty) stdin.setRawMode(false);
      stdin.pause();
    },
    inputOpen: () => open,
  };
}
