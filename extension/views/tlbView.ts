// The TLB view: per session, each hart's cached translations (vmscope/tlb) grouped by VMID, then ASID, then stage
// (host: one-stage; guest: VS and G combined), each entry va → pa with its level and flags.

import * as vscode from 'vscode';
import type { TlbResult } from '../../debug-adapter/protocol';
import { View } from '../ids';
import type { SessionInfo, Sessions } from '../sessions';
import { hartsOf, type HartRef } from './pageTablesView';
import { BaseNode, InfoNode, SessionTreeProvider, messageNode, paged } from './tree';

type TlbEntry = TlbResult['entries'][number];
const PAGE_SIZES = ['4 KiB', '2 MiB', '1 GiB', '512 GiB', '256 TiB'];

export class TlbProvider extends SessionTreeProvider {
  constructor(sessions: Sessions) { super(View.Tlb, sessions); }

  protected async sessionChildren(info: SessionInfo): Promise<BaseNode[]> {
    const harts = await hartsOf(info);
    const base = `${this.viewId}/${info.session.id}`;
    return harts.map((h) => {
      const n = new InfoNode(`${base}/h${h.hart}`, h.name, '', () => this.vmids(`${base}/h${h.hart}`, h));
      n.icon = new vscode.ThemeIcon('server-process');
      n.expanded = harts.length === 1;
      return n;
    });
  }

  private async vmids(id: string, h: HartRef): Promise<BaseNode[]> {
    const { entries } = (await h.session.customRequest('vmscope/tlb', { hart: h.hart })) as TlbResult;
    if (entries.length === 0) return [messageNode(`${id}/empty`, 'empty')];
    return groups(entries, (e) => e.vmid).map(([vmid, ofVmid]) => {
      const vid = `${id}/vmid${vmid}`;
      return this.group(vid, `VMID ${vmid}`, ofVmid, () => groups(ofVmid, (e) => e.asid).map(([asid, ofAsid]) => {
        const aid = `${vid}/asid${asid}`;
        return this.group(aid, `ASID ${asid}`, ofAsid, () => groups(ofAsid, (e) => e.stage).map(([stage, ofStage]) => {
          const sid = `${aid}/${stage}`;
          const label = stage === 'guest' ? 'guest (VS+G)' : 'host';
          return this.group(sid, label, ofStage, () => paged(sid, ofStage, (e) => entryNode(sid, e), this.pages));
        }));
      }));
    });
  }

  private group(id: string, label: string, entries: TlbEntry[], kids: () => BaseNode[]): InfoNode {
    const n = new InfoNode(id, label, `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`, kids, String(entries.length));
    n.icon = new vscode.ThemeIcon('folder-library');
    return n;
  }
}

function entryNode(parentId: string, e: TlbEntry): InfoNode {
  const n = new InfoNode(`${parentId}/${e.va}/L${e.level}`, `${e.va} → ${e.pa}`,
    `${PAGE_SIZES[e.level] ?? `L${e.level}`} ${e.flags}${e.global ? ' global' : ''}`, undefined, `${e.pa} ${e.flags}`);
  n.icon = new vscode.ThemeIcon('arrow-right');
  n.tooltip = `va ${e.va} → pa ${e.pa}\nlevel ${e.level} (${PAGE_SIZES[e.level] ?? '?'}), flags ${e.flags}\nVMID ${e.vmid}, ASID ${e.asid}, ${e.stage}${e.global ? ', global' : ''}`;
  return n;
}

/** `items` grouped by `key`, groups in ascending key order, items in their order. */
function groups<T, K extends string | number>(items: T[], key: (x: T) => K): [K, T[]][] {
  const m = new Map<K, T[]>();
  for (const x of items) { const k = key(x); let g = m.get(k); if (g === undefined) m.set(k, g = []); g.push(x); }
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
