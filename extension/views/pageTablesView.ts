// The Page Tables view: per session, each hart (or vCPU) and the address spaces it translates through — satp,
// a guest's vsatp (VS stage) and hgatp (G stage), or a shadow-paged VM's shadow tables — each a tree of table
// pages fetched lazily with vmscope/pageTables. Shadow leaves show the guest PTE they mirror, stale ones flagged.

import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { PageTablesArguments, PageTablesResult } from '../../debug-adapter/protocol';
import { View } from '../ids';
import type { SessionInfo, Sessions } from '../sessions';
import { BaseNode, InfoNode, SessionTreeProvider, messageNode, paged } from './tree';

type Space = PageTablesArguments['space'];
type Entry = PageTablesResult['entries'][number];

const SPACE_LABELS: Record<Space, string> = {
  satp: 'satp', vsatp: 'vsatp (VS stage, gVA→gPA)', hgatp: 'hgatp (G stage, gPA→hPA)', shadow: 'shadow (gVA→hPA)',
};

/** A hart (a vCPU in vm mode) whose address spaces are listed. */
export interface HartRef { session: vscode.DebugSession; hart: number; name: string; vm?: number; mmu?: string }

export class PageTablesProvider extends SessionTreeProvider {
  constructor(sessions: Sessions) { super(View.PageTables, sessions); }

  protected async sessionChildren(info: SessionInfo): Promise<BaseNode[]> {
    const harts = await hartsOf(info);
    const base = `${this.viewId}/${info.session.id}`;
    return harts.map((h) => {
      const n = new InfoNode(`${base}/h${h.hart}`, h.name, h.mmu !== undefined ? `${h.mmu} paging` : '', () => this.spaces(base, h));
      n.icon = new vscode.ThemeIcon('server-process');
      n.expanded = harts.length === 1;
      return n;
    });
  }

  /** The spaces worth showing for a hart: those that are not Bare. */
  private async spaces(base: string, h: HartRef): Promise<BaseNode[]> {
    const candidates: Space[] = h.mmu === 'shadow' ? ['shadow'] : h.mmu === 'nested' ? ['vsatp', 'hgatp'] : ['satp', 'vsatp', 'hgatp'];
    const results = await Promise.all(candidates.map(async (space) => {
      try {
        return { space, r: (await h.session.customRequest('vmscope/pageTables', { hart: h.hart, space } satisfies PageTablesArguments)) as PageTablesResult };
      } catch (e) {
        return { space, error: (e as Error).message.replace(/^vmscope\/pageTables: /, '') };
      }
    }));
    return results.map(({ space, r, error }) => {
      const id = `${base}/h${h.hart}/${space}`;
      if (r === undefined) {
        const n = messageNode(id, `${SPACE_LABELS[space]}: ${error}`, 'circle-slash');
        return n;
      }
      const n = new InfoNode(id, SPACE_LABELS[space], `${r.mode} · root ${r.table}`, () => this.entries(id, h, space, r), `${r.mode} ${r.table}`);
      n.icon = new vscode.ThemeIcon('symbol-structure');
      n.tooltip = `${space}: ${r.mode}, root table ${r.table} (level ${r.level}), ${r.entries.length} valid entries`;
      return n;
    });
  }

  private entries(parentId: string, h: HartRef, space: Space, r: PageTablesResult): BaseNode[] {
    const listId = `${parentId}/L${r.level}/${r.table}`;
    return paged(listId, r.entries, (e) => new PteNode(`${parentId}/L${r.level}/${e.va}`, h, space, r.level, e,
      (n) => this.table(n)), this.pages, 128);
  }

  /** The table a pointer entry leads to. */
  private async table(n: PteNode): Promise<BaseNode[]> {
    const next = n.entry.next!;
    const r = (await n.hart.session.customRequest('vmscope/pageTables', { hart: n.hart.hart, space: n.space, table: next.table,
      level: next.level, va: next.va } satisfies PageTablesArguments)) as PageTablesResult;
    if (r.entries.length === 0) return [messageNode(`${n.id}/empty`, 'no valid entries')];
    const parentId = n.id.slice(0, n.id.lastIndexOf('/L'));
    return this.entries(parentId, n.hart, n.space, r);
  }
}

/** One page-table entry: a pointer to the next table (expandable) or a leaf. */
export class PteNode extends BaseNode {
  constructor(id: string, readonly hart: HartRef, readonly space: Space, readonly level: number, readonly entry: Entry,
    private readonly fetchNext: (n: PteNode) => Promise<BaseNode[]>) {
    super(id, `[${entry.index}] ${entry.va}`);
  }
  override get value(): string { return `${this.entry.pte}${this.entry.stale === true ? ' stale' : ''}`; }
  /** The address the Translate Address command starts from. */
  get address(): string { return this.entry.va; }

  treeItem(): vscode.TreeItem {
    const e = this.entry;
    const pointer = e.next !== undefined;
    const item = new vscode.TreeItem(this.label, pointer ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    const target = this.space === 'vsatp' ? 'gPA' : this.space === 'hgatp' || this.space === 'shadow' ? 'hPA' : 'PA';
    const mirror = e.mirror === undefined ? '' : e.mirror === null ? ' · guest maps nothing' : ` · mirrors guest PTE ${e.mirror.pte} @gpa ${e.mirror.pteGpa}`;
    item.description = pointer ? `→ table ${e.next!.table} (L${e.next!.level}) ${e.flags}`
      : e.leaf ? `→ ${target} ${e.target} ${e.pageSize ?? ''} ${e.flags}${mirror}` : `${e.flags} (not valid)`;
    const lines = [`${this.space} level ${this.level} entry ${e.index}: PTE ${e.pte}`, `va ${e.va}`,
      pointer ? `next table ${e.next!.table} (level ${e.next!.level})` : `maps ${target} ${e.target} (${e.pageSize ?? '—'})`, `flags ${e.flags} (DAGUXWRV)`];
    if (e.mirror != null) lines.push(`mirrors the guest PTE ${e.mirror.pte} at gpa ${e.mirror.pteGpa} (level ${e.mirror.level}, gpa ${e.mirror.gpa})`);
    if (e.mirror === null) lines.push('the guest\'s tables map nothing here now');
    if (e.stale === true) lines.push(`STALE: ${e.staleWhy ?? ''}`);
    item.tooltip = lines.join('\n');
    item.iconPath = e.stale === true ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : pointer ? new vscode.ThemeIcon('symbol-namespace') : e.valid ? new vscode.ThemeIcon('symbol-field') : new vscode.ThemeIcon('circle-slash');
    item.contextValue = e.stale === true ? 'pte stale' : 'pte';
    return item;
  }

  override children(): Promise<BaseNode[]> | BaseNode[] {
    return this.entry.next === undefined ? [] : this.fetchNext(this);
  }
}

/** The harts of a session: its VMs' vCPUs in vm mode (with their paging), else its threads. */
export async function hartsOf(info: SessionInfo): Promise<HartRef[]> {
  const vms = await info.vms();
  if (vms?.mode === 'vm') {
    return vms.vms.flatMap((vm) => vm.vcpus.map((c) => ({ session: info.session, hart: c.threadId - 1, name: c.name, vm: vm.id, mmu: vm.mmu })));
  }
  const threads = ((await info.session.customRequest('threads')) as DebugProtocol.ThreadsResponse['body']).threads;
  return threads.map((t) => ({ session: info.session, hart: t.id - 1, name: t.name }));
}
