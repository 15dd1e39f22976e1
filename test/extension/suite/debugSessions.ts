// Test helper: starts vmscope debug sessions through vscode.debug and follows what their adapters send
// (a debug adapter tracker), so a test can wait for a stopped, output or terminated event.

import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';

interface Waiter { match: (m: DebugProtocol.ProtocolMessage) => boolean; resolve: (m: DebugProtocol.Event) => void }

/** One started session and the events its adapter sent. */
export class TrackedSession {
  readonly events: DebugProtocol.Event[] = [];
  private waiters: Waiter[] = [];
  /** Events before this index were returned by next() or passed over by it. */
  private cursor = 0;
  terminated = false;
  private onTerminate: (() => void)[] = [];

  constructor(readonly session: vscode.DebugSession) {}

  /** Called by the tracker for each message the adapter sends. */
  received(m: DebugProtocol.ProtocolMessage): void {
    if (m.type !== 'event') return;
    this.events.push(m as DebugProtocol.Event);
    this.waiters = this.waiters.filter((w) => { if (!w.match(m)) return true; w.resolve(m as DebugProtocol.Event); return false; });
  }

  ended(): void {
    this.terminated = true;
    for (const f of this.onTerminate) f();
  }

  /** The next event named `event` that satisfies `pred`, after the last one a call returned (it may have arrived already). */
  next<E extends DebugProtocol.Event>(event: string, pred: (e: E) => boolean = () => true, ms = 30_000): Promise<E> {
    const match = (m: DebugProtocol.ProtocolMessage) => (m as DebugProtocol.Event).event === event && pred(m as E);
    for (let i = this.cursor; i < this.events.length; i++) {
      if (match(this.events[i])) { this.cursor = i + 1; return Promise.resolve(this.events[i] as E); }
    }
    return withTimeout(new Promise<E>((resolve) => {
      this.waiters.push({ match, resolve: (m) => { this.cursor = this.events.length; resolve(m as E); } });
    }), ms, `no '${event}' event within ${ms} ms (seen: ${this.events.map((e) => e.event).join(', ')})`);
  }

  /** Text of every output event so far. */
  output(): string {
    return this.events.filter((e) => e.event === 'output').map((e) => (e as DebugProtocol.OutputEvent).body.output).join('');
  }

  /** Resolves when VS Code has ended the session. */
  whenTerminated(ms = 30_000): Promise<void> {
    if (this.terminated) return Promise.resolve();
    return withTimeout(new Promise<void>((resolve) => this.onTerminate.push(resolve)), ms, 'the session did not terminate');
  }
}

/** Follows every vmscope session started from now on. */
export class SessionTracker implements vscode.Disposable {
  private readonly byId = new Map<string, TrackedSession>();
  private starting: ((t: TrackedSession) => void)[] = [];
  private readonly disposables: vscode.Disposable[];

  constructor() {
    this.disposables = [
      vscode.debug.registerDebugAdapterTrackerFactory('vmscope', {
        createDebugAdapterTracker: (session) => {
          const t = new TrackedSession(session);
          this.byId.set(session.id, t);
          for (const f of this.starting.splice(0)) f(t);
          return { onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => t.received(m) };
        },
      }),
      vscode.debug.onDidTerminateDebugSession((s) => this.byId.get(s.id)?.ended()),
    ];
  }

  /** Starts a session with `config` and resolves with it once its adapter exists (before the launch answers). */
  async start(config: vscode.DebugConfiguration, folder?: vscode.WorkspaceFolder): Promise<TrackedSession> {
    const created = new Promise<TrackedSession>((resolve) => this.starting.push(resolve));
    const ok = vscode.debug.startDebugging(folder, config);
    const t = await withTimeout(Promise.race([created, ok.then((started) => {
      if (!started) throw new Error(`startDebugging refused ${JSON.stringify(config)}`);
      return created;
    })]), 30_000, 'the debug session did not start');
    return t;
  }

  /** Stops every session still running and waits until they have ended. */
  async stopAll(): Promise<void> {
    const running = [...this.byId.values()].filter((t) => !t.terminated);
    await vscode.debug.stopDebugging();
    await Promise.all(running.map((t) => t.whenTerminated(15_000)));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
