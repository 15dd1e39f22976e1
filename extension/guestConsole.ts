// The guest console in a terminal: for a session launched with "console": "terminal", a Pseudoterminal shows the
// vmscope/console events and sends what is typed to the guest with vmscope/consoleInput.

import * as vscode from 'vscode';
import type { ConsoleInputArguments } from '../debug-adapter/protocol';
import type { SessionInfo, Sessions } from './sessions';

/** One session's terminal. */
export class GuestTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly terminal: vscode.Terminal;
  /** Everything the guest wrote (tests read it). */
  transcript = '';
  private open_ = false;
  private pending = '';

  constructor(readonly info: SessionInfo) {
    this.terminal = vscode.window.createTerminal({ name: `Guest: ${info.session.name}`, pty: this, iconPath: new vscode.ThemeIcon('vm') });
  }

  open(): void {
    this.open_ = true;
    if (this.pending !== '') this.writeEmitter.fire(this.pending);
    this.pending = '';
  }

  close(): void { this.open_ = false; }

  /** Guest output: newlines become CR LF for the terminal. */
  write(text: string): void {
    this.transcript += text;
    const out = text.replace(/\r?\n/g, '\r\n');
    if (this.open_) this.writeEmitter.fire(out); else this.pending += out;
  }

  handleInput(data: string): void {
    void Promise.resolve(this.info.session.customRequest('vmscope/consoleInput', { text: data } satisfies ConsoleInputArguments)).catch(() => undefined);
  }

  ended(): void { this.write('\n[vmscope: the session has ended]\n'); }
}

/** Opens a terminal for each session whose configuration asks for one. */
export class GuestConsoles implements vscode.Disposable {
  readonly terminals = new Map<string, GuestTerminal>();
  private readonly disposables: vscode.Disposable[];

  constructor(sessions: Sessions) {
    this.disposables = [
      sessions.onDidStart((info) => {
        if (info.session.configuration.console !== 'terminal') return;
        const t = new GuestTerminal(info);
        this.terminals.set(info.session.id, t);
        t.terminal.show(true);
      }),
      sessions.onConsole(({ info, text }) => this.terminals.get(info.session.id)?.write(text)),
      sessions.onDidEnd((info) => this.terminals.get(info.session.id)?.ended()),
    ];
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }
}
