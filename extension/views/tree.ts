// The node classes every vmscope tree view is made of, and the provider they share: one root per debug session,
// children fetched lazily through the session's custom requests, stable node ids (so VS Code keeps what was
// expanded across refreshes), values compared with those of the previous stop (changed ones are marked), and
// long lists shown a page at a time behind a "load more" node.

import * as vscode from 'vscode';
import { Command } from '../ids';
import type { SessionInfo, Sessions } from '../sessions';

/** The scheme of the resourceUri a changed node carries, so ChangeDecorations can colour its label. */
const CHANGED_SCHEME = 'vmscope-changed';

/** A node of a vmscope tree. `value` is what "changed since the last stop" compares. */
export abstract class BaseNode {
  /** Set by the provider when it hands the node out: the value differs from the one at the previous stop. */
  changed = false;
  constructor(readonly id: string, readonly label: string) {}
  /** The value compared across stops (undefined: not compared). */
  get value(): string | undefined { return undefined; }
  abstract treeItem(): vscode.TreeItem;
  /** Children, fetched when the node is expanded; undefined for a leaf. */
  children(): Promise<BaseNode[]> | BaseNode[] { return []; }
}

/** A node with a label, a description and optional children (given or fetched). */
export class InfoNode extends BaseNode {
  icon?: vscode.ThemeIcon;
  tooltip?: string | vscode.MarkdownString;
  contextValue?: string;
  command?: vscode.Command;
  expanded = false;
  constructor(id: string, label: string, public description = '', private readonly kids?: () => Promise<BaseNode[]> | BaseNode[],
    private readonly compared?: string) {
    super(id, label);
  }
  override get value(): string | undefined { return this.compared; }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, this.kids === undefined ? vscode.TreeItemCollapsibleState.None
      : this.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.description = this.description;
    if (this.icon !== undefined) item.iconPath = this.icon;
    if (this.tooltip !== undefined) item.tooltip = this.tooltip;
    if (this.contextValue !== undefined) item.contextValue = this.contextValue;
    if (this.command !== undefined) item.command = this.command;
    return item;
  }
  override children(): Promise<BaseNode[]> | BaseNode[] { return this.kids?.() ?? []; }
}

/** An error or an empty state, shown in place of children. */
export function messageNode(id: string, text: string, icon = 'info'): InfoNode {
  const n = new InfoNode(id, text);
  n.icon = new vscode.ThemeIcon(icon);
  return n;
}

/**
 * Shows `items` a page at a time: the first `step` of them, then a "load more" node (which doubles what is shown).
 * `pages` keeps how many each list shows (by the list's node id) across refreshes.
 */
export function paged<T>(listId: string, items: readonly T[], make: (x: T) => BaseNode, pages: Map<string, number>, step = 100): BaseNode[] {
  const shown = pages.get(listId) ?? step;
  pages.set(listId, shown);
  const out = items.slice(0, shown).map(make);
  if (items.length > shown) out.push(loadMoreNode(listId, items.length - shown));
  return out;
}

/** A "load more" node for the list `listId` with `hidden` items not shown. */
export function loadMoreNode(listId: string, hidden: number): InfoNode {
  const more = new InfoNode(`${listId}/more`, `Load more… (${hidden} not shown)`);
  more.icon = new vscode.ThemeIcon('ellipsis');
  more.command = { title: 'Load more', command: Command.LoadMore, arguments: [listId] };
  more.contextValue = 'loadMore';
  return more;
}

/** The root of one session in a view. */
export class SessionNode extends InfoNode {
  constructor(readonly info: SessionInfo, viewId: string, kids: () => Promise<BaseNode[]>) {
    super(`${viewId}/${info.session.id}`, info.session.name, '', kids);
    this.expanded = true;
    this.icon = new vscode.ThemeIcon('debug-alt');
  }
  override treeItem(): vscode.TreeItem {
    const item = super.treeItem();
    item.description = this.info.stopped ? 'stopped' : 'running';
    return item;
  }
}

/**
 * A tree of vmscope sessions: `sessionChildren` builds what is under a session's root. Refreshes on each stop, on
 * `memory` events and (throttled) when `refreshOnState` is set and the state changes while running.
 */
export abstract class SessionTreeProvider implements vscode.TreeDataProvider<BaseNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<BaseNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  /** Per session: the values at the previous stop, and the values seen since. */
  private readonly baseline = new Map<string, Map<string, string>>();
  private readonly current = new Map<string, Map<string, string>>();
  /** Per session: the first value of each node seen since the last stop. */
  private readonly first = new Map<string, Map<string, string>>();
  private readonly lastStops = new Map<string, number>();
  /** Pages shown by each paged list (by its id). */
  readonly pages = new Map<string, number>();
  protected readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private throttle: NodeJS.Timeout | undefined;
  /** How many refreshes were announced (tests wait for it to grow). */
  refreshes = 0;

  constructor(readonly viewId: string, protected readonly sessions: Sessions, refreshWhileRunning: 'state' | 'exit' | 'none' = 'none') {
    this.disposables.push(
      sessions.onDidStop((info) => { this.rollBaseline(info); this.refresh(); }),
      sessions.onDidStart(() => this.refresh()),
      sessions.onDidEnd((info) => { this.baseline.delete(info.session.id); this.current.delete(info.session.id); this.first.delete(info.session.id); this.refresh(); }),
      sessions.onDidChangeMemory(() => this.refresh()),
    );
    if (refreshWhileRunning === 'state') this.disposables.push(sessions.onDidChangeState((i) => { if (!i.stopped) this.refreshSoon(); }));
    if (refreshWhileRunning === 'exit') this.disposables.push(sessions.onDidExit(({ info }) => { if (!info.stopped) this.refreshSoon(); }));
  }

  /** What is under a session's root. */
  protected abstract sessionChildren(info: SessionInfo): Promise<BaseNode[]>;

  /** Shows twice as many items of the paged list `listId`; false when the list is not this view's. */
  loadMore(listId: string): boolean {
    const shown = this.pages.get(listId);
    if (shown === undefined) return false;
    this.pages.set(listId, shown * 2);
    this.refresh();
    return true;
  }

  refresh(): void {
    this.refreshes++;
    this.changeEmitter.fire(undefined);
  }

  /** At most one refresh a second while the machine runs. */
  private refreshSoon(): void {
    if (this.throttle !== undefined) return;
    this.throttle = setTimeout(() => { this.throttle = undefined; this.refresh(); }, 1000);
  }

  /** A new stop: what was seen becomes what "changed" compares with. */
  private rollBaseline(info: SessionInfo): void {
    const id = info.session.id;
    if (this.lastStops.get(id) === info.stops) return;
    this.lastStops.set(id, info.stops);
    const seen = this.current.get(id);
    if (seen !== undefined) {
      const base = this.baseline.get(id) ?? new Map<string, string>();
      for (const [k, v] of seen) base.set(k, v);
      this.baseline.set(id, base);
    }
    this.current.set(id, new Map());
    this.first.set(id, new Map());
  }

  getTreeItem(node: BaseNode): vscode.TreeItem {
    const item = node.treeItem();
    item.id = node.id;
    if (node.changed) {
      item.description = `● ${typeof item.description === 'string' ? item.description : ''}`;
      item.resourceUri = vscode.Uri.from({ scheme: CHANGED_SCHEME, path: '/' + encodeURIComponent(node.id) });
      const tip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip ?? node.label;
      item.tooltip = `${tip}\n\nChanged since the last stop`;
    }
    return item;
  }

  async getChildren(node?: BaseNode): Promise<BaseNode[]> {
    if (node === undefined) {
      return this.sessions.all().map((info) => new SessionNode(info, this.viewId, async () => this.mark(info, await this.sessionChildren(info))));
    }
    let kids: BaseNode[];
    try {
      kids = await node.children();
    } catch (e) {
      return [messageNode(`${node.id}/error`, (e as Error).message, 'error')];
    }
    const info = this.sessionOf(node);
    return info === undefined ? kids : this.mark(info, kids);
  }

  /** The session a node belongs to (its id starts with the view's id and the session's). */
  private sessionOf(node: BaseNode): SessionInfo | undefined {
    return this.sessions.all().find((i) => node.id.startsWith(`${this.viewId}/${i.session.id}/`));
  }

  /** Sets `changed` on nodes whose value differs from the previous stop's, and remembers the values. */
  private mark(info: SessionInfo, nodes: BaseNode[]): BaseNode[] {
    const id = info.session.id;
    const base = this.baseline.get(id);
    let seen = this.current.get(id), first = this.first.get(id);
    if (seen === undefined) { seen = new Map(); this.current.set(id, seen); }
    if (first === undefined) { first = new Map(); this.first.set(id, first); }
    for (const n of nodes) {
      const v = n.value;
      if (v === undefined) continue;
      // Compared with the value at the previous stop, or for a node first seen at this stop, with what it showed first.
      const before = base?.get(n.id) ?? first.get(n.id);
      n.changed = before !== undefined && before !== v;
      seen.set(n.id, v);
      if (!first.has(n.id)) first.set(n.id, v);
    }
    return nodes;
  }

  dispose(): void {
    if (this.throttle !== undefined) clearTimeout(this.throttle);
    for (const d of this.disposables) d.dispose();
  }
}

/** Colours the labels of changed nodes. */
export class ChangeDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== CHANGED_SCHEME) return undefined;
    return new vscode.FileDecoration(undefined, 'changed since the last stop', new vscode.ThemeColor('debugTokenExpression.number'));
  }
}

/** '0x…' with `digits` hex digits at least. */
export function hex(v: string | number | bigint, digits = 0): string {
  const s = typeof v === 'string' ? v.replace(/^0x/, '') : v.toString(16);
  return '0x' + s.padStart(digits, '0');
}
