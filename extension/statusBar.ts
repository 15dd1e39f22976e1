// The status bar item shown while a vmscope session runs: the machine's mode and memory virtualization, guest
// instructions and VM exits (from vmscope/stateChanged), for the active session. A click switches VM/vCPU.

import * as vscode from 'vscode';
import { Command } from './ids';
import type { SessionInfo, Sessions } from './sessions';

export class StatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('vmscope.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private mode = new Map<string, string>();

  constructor(private readonly sessions: Sessions) {
    this.item.name = 'vmscope';
    this.item.command = Command.SwitchVcpu;
    const update = () => this.update();
    this.disposables.push(
      sessions.onDidChangeState(update), sessions.onDidStart(update), vscode.debug.onDidChangeActiveDebugSession(update),
      sessions.onDidEnd((i) => { this.mode.delete(i.session.id); update(); }),
      sessions.onDidStop((i) => { void this.learnMode(i); }),
    );
  }

  /** "vm · shadow" or "bare · Sv39", asked once per session (at its first stop or state). */
  private async learnMode(info: SessionInfo): Promise<void> {
    const vms = await info.vms();
    if (vms === undefined) return;
    let text: string;
    if (vms.mode === 'vm') {
      const mmus = [...new Set(vms.vms.map((v) => v.mmu))];
      text = `${vms.vms.length} VM${vms.vms.length === 1 ? '' : 's'} · ${mmus.join('+')}`;
    } else {
      const t = await Promise.resolve(info.session.customRequest('vmscope/pageTables', { space: 'satp' })).then((r: { mode: string }) => r.mode, () => 'Bare');
      text = `bare · ${t}`;
    }
    this.mode.set(info.session.id, text);
    this.update();
  }

  private update(): void {
    const info = this.sessions.active();
    if (info === undefined) { this.item.hide(); return; }
    if (!this.mode.has(info.session.id) && info.state !== undefined) void this.learnMode(info);
    const mode = this.mode.get(info.session.id) ?? '…';
    const s = info.state;
    this.item.text = `$(vm) ${mode}` + (s !== undefined ? ` · ${count(s.instructions)} insns · ${s.exits} exits` : '');
    this.item.tooltip = [`vmscope: ${info.session.name}`, `mode: ${mode}`,
      s !== undefined ? `${s.running ? 'running' : 'stopped'}: ${s.instructions.toLocaleString('en-US')} instructions retired, ${s.exits} VM exits, ${s.iommuFaults} IOMMU faults` : '',
      'Click to switch VM/vCPU'].filter((x) => x !== '').join('\n');
    this.item.show();
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }
}

/** 1234567 → "1.23M". */
function count(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}
