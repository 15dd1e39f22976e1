// The VM Exits view: per session, the exit counters by reason and the exit log, newest first, a page at a time
// (vmscope/exits). It follows vmscope/exit events while the machine runs (at most one refresh a second); a click on
// an exit reveals its pc (the Reveal Exit command).

import * as vscode from 'vscode';
import type { ExitsResult } from '../../debug-adapter/protocol';
import { Command, View } from '../ids';
import type { SessionInfo, Sessions } from '../sessions';
import { BaseNode, InfoNode, SessionTreeProvider, loadMoreNode, messageNode } from './tree';

export type ExitRecord = ExitsResult['exits'][number];

/** How many exits the log shows at first. */
const LOG_PAGE = 50;

export class ExitsProvider extends SessionTreeProvider {
  constructor(sessions: Sessions) { super(View.Exits, sessions, 'exit'); }

  protected async sessionChildren(info: SessionInfo): Promise<BaseNode[]> {
    const base = `${this.viewId}/${info.session.id}`;
    const logId = `${base}/log`;
    const shown = this.pages.get(logId) ?? LOG_PAGE;
    this.pages.set(logId, shown);
    const r = (await info.session.customRequest('vmscope/exits', { count: Math.min(shown, 4096) })) as ExitsResult;
    const counters = new InfoNode(`${base}/counters`, 'Counters', `${r.total} exits`, () => Object.entries(r.counts)
      .sort(([, a], [, b]) => b - a)
      .map(([reason, n]) => {
        const c = new InfoNode(`${base}/counters/${reason}`, reason, String(n), undefined, String(n));
        c.icon = new vscode.ThemeIcon(n > 0 ? 'pulse' : 'circle-outline');
        return c;
      }), String(r.total));
    counters.icon = new vscode.ThemeIcon('graph');
    counters.expanded = true;
    const log = new InfoNode(logId, 'Log', `newest first, ${Math.min(r.exits.length, r.total)} of ${r.total}`, () => {
      if (r.exits.length === 0) return [messageNode(`${logId}/empty`, 'no VM exits yet')];
      const nodes: BaseNode[] = [...r.exits].reverse().map((x) => exitNode(logId, info.session, x));
      if (r.total > r.exits.length && r.exits.length < 4096) nodes.push(loadMoreNode(logId, r.total - r.exits.length));
      return nodes;
    });
    log.icon = new vscode.ThemeIcon('list-ordered');
    log.expanded = true;
    return [counters, log];
  }
}

function exitNode(parentId: string, session: vscode.DebugSession, x: ExitRecord): InfoNode {
  const n = new InfoNode(`${parentId}/${x.seq}`, `#${x.seq} ${x.reason}`, `pc ${x.pc} · vm${x.vm}/vcpu${x.vcpu} · ${x.handling}`);
  n.icon = new vscode.ThemeIcon(x.interrupt ? 'bell' : 'debug-stackframe-dot');
  n.tooltip = [`exit #${x.seq}: ${x.reason} (${x.interrupt ? 'interrupt' : 'cause'} ${x.cause})`, `vm${x.vm}/vcpu${x.vcpu} at time ${x.time}`,
    `pc ${x.pc}`, `gva ${x.gva}`, `gpa ${x.gpa}`, `htinst ${x.htinst}`, `handling: ${x.handling}` +
    (x.hostInsns > 0 ? ` (${x.hostInsns} host instructions)` : ''), '', 'Click: reveal the pc'].join('\n');
  n.contextValue = 'exit';
  n.command = { title: 'Reveal the exit\'s pc', command: Command.RevealExit, arguments: [{ sessionId: session.id, exit: x }] };
  return n;
}
