// Follows every vmscope debug session through a debug adapter tracker: when it stops, what its vmscope/* events
// say (state, VM exits, console), and when it ends. The views, the status bar and the guest console listen here.

import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ConsoleEventBody, ExitEventBody, StateChangedEventBody, VmsResult } from '../debug-adapter/protocol';
import { DEBUG_TYPE, SESSION_CONTEXT_KEY } from './ids';

/** What the extension knows about one vmscope session. */
export class SessionInfo {
  /** True between a `stopped` event and the next `continued`/run. */
  stopped = false;
  /** Counts the stops, so a view can tell "changed since the last stop". */
  stops = 0;
  state: StateChangedEventBody | undefined;
  private vmsCache: Promise<VmsResult | undefined> | undefined;

  constructor(readonly session: vscode.DebugSession) {}

  /** `vmscope/vms`, asked once per stop (undefined before the machine exists). */
  vms(): Promise<VmsResult | undefined> {
    this.vmsCache ??= Promise.resolve(this.session.customRequest('vmscope/vms')).then((r) => r as VmsResult, () => undefined)
      .then((r) => { if (r === undefined) this.vmsCache = undefined; return r; });
    return this.vmsCache;
  }

  /** Forgets what was asked before this stop. */
  invalidate(): void { this.vmsCache = undefined; }
}

export class Sessions implements vscode.Disposable {
  private readonly infos = new Map<string, SessionInfo>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stopEmitter = new vscode.EventEmitter<SessionInfo>();
  private readonly stateEmitter = new vscode.EventEmitter<SessionInfo>();
  private readonly exitEmitter = new vscode.EventEmitter<{ info: SessionInfo; body: ExitEventBody }>();
  private readonly consoleEmitter = new vscode.EventEmitter<{ info: SessionInfo; text: string }>();
  private readonly memoryEmitter = new vscode.EventEmitter<SessionInfo>();
  private readonly startEmitter = new vscode.EventEmitter<SessionInfo>();
  private readonly endEmitter = new vscode.EventEmitter<SessionInfo>();
  /** A stop (also the first one), or the session started or ended: the views refresh. */
  readonly onDidStop = this.stopEmitter.event;
  /** `vmscope/stateChanged` (at most every 250 ms while running). */
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidExit = this.exitEmitter.event;
  readonly onConsole = this.consoleEmitter.event;
  /** A DAP `memory` event (after writeMemory): what is shown may have changed. */
  readonly onDidChangeMemory = this.memoryEmitter.event;
  readonly onDidStart = this.startEmitter.event;
  readonly onDidEnd = this.endEmitter.event;

  constructor() {
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (session) => {
          const info = new SessionInfo(session);
          this.infos.set(session.id, info);
          void this.updateContext();
          this.startEmitter.fire(info);
          return { onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => this.received(info, m) };
        },
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        const info = this.infos.get(s.id);
        if (info === undefined) return;
        this.infos.delete(s.id);
        void this.updateContext();
        this.endEmitter.fire(info);
      }),
      this.stopEmitter, this.stateEmitter, this.exitEmitter, this.consoleEmitter, this.memoryEmitter, this.startEmitter, this.endEmitter,
    );
  }

  /** The sessions running now, oldest first. */
  all(): SessionInfo[] { return [...this.infos.values()]; }

  get(session: vscode.DebugSession | undefined): SessionInfo | undefined {
    return session === undefined ? undefined : this.infos.get(session.id);
  }

  /** The active vmscope session, else the only one. */
  active(): SessionInfo | undefined {
    return this.get(vscode.debug.activeDebugSession) ?? (this.infos.size === 1 ? this.all()[0] : undefined);
  }

  private received(info: SessionInfo, m: DebugProtocol.ProtocolMessage): void {
    if (m.type === 'response' && ['continue', 'next', 'stepIn', 'stepOut', 'vmscope/stepToExit', 'vmscope/stepThroughExit']
      .includes((m as DebugProtocol.Response).command)) {
      info.stopped = false;
      return;
    }
    if (m.type !== 'event') return;
    const e = m as DebugProtocol.Event;
    switch (e.event) {
      case 'stopped':
        info.stopped = true;
        // A focus (vmscope/focusThread) is the same stop seen from another thread.
        if ((e as DebugProtocol.StoppedEvent).body.text !== 'focus') info.stops++;
        info.invalidate();
        this.stopEmitter.fire(info);
        break;
      case 'continued':
        info.stopped = false;
        break;
      case 'memory':
        info.invalidate();
        this.memoryEmitter.fire(info);
        break;
      case 'vmscope/stateChanged':
        info.state = e.body as StateChangedEventBody;
        this.stateEmitter.fire(info);
        break;
      case 'vmscope/exit':
        this.exitEmitter.fire({ info, body: e.body as ExitEventBody });
        break;
      case 'vmscope/console':
        this.consoleEmitter.fire({ info, text: (e.body as ConsoleEventBody).text });
        break;
    }
  }

  private async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', SESSION_CONTEXT_KEY, this.infos.size > 0);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
