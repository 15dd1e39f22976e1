// The IOMMU view: per session, the IOMMU's mode, its device contexts (decoded), the IOTLB, the command and fault
// queues, the fault log and the counters, all from one vmscope/iommu request per refresh.

import * as vscode from 'vscode';
import type { IommuResult } from '../../debug-adapter/protocol';
import { View } from '../ids';
import type { SessionInfo, Sessions } from '../sessions';
import { BaseNode, InfoNode, SessionTreeProvider, hex, messageNode, paged } from './tree';

/** Fields shown in hex (addresses, page numbers, raw words). */
const HEX_FIELDS = /^(addr|iova|spa|gpa|base|ppn|rootPpn|iotval2?|capabilities|pattern|mask|ipsr|csr)$/;

export class IommuProvider extends SessionTreeProvider {
  constructor(sessions: Sessions) { super(View.Iommu, sessions); }

  protected async sessionChildren(info: SessionInfo): Promise<BaseNode[]> {
    const base = `${this.viewId}/${info.session.id}`;
    const r = (await info.session.customRequest('vmscope/iommu')) as IommuResult;
    const section = (name: string, icon: string, description: string, kids: () => BaseNode[], value?: string) => {
      const n = new InfoNode(`${base}/${name}`, name, description, kids, value);
      n.icon = new vscode.ThemeIcon(icon);
      return n;
    };
    const mode = new InfoNode(`${base}/mode`, 'Mode', `${r.mode} · capabilities ${r.capabilities}`, undefined, r.mode);
    mode.icon = new vscode.ThemeIcon('settings-gear');
    const devices = section('Devices', 'circuit-board', `${r.devices.length}`, () => r.devices.length === 0
      ? [messageNode(`${base}/Devices/none`, 'no device contexts (no DMA yet, or the IOMMU is off)')]
      : r.devices.map((d) => {
        const id = `${base}/Devices/${String(d.deviceId)}`;
        const iohgatp = d.iohgatp as { mode?: string } | undefined, fsc = d.fsc as { kind?: string; mode?: string } | undefined;
        const n = new InfoNode(id, `device ${hex(Number(d.deviceId))}`,
          [d.valid === true ? 'valid' : 'not valid', d.cached === true ? 'cached' : '', d.stale === true ? 'STALE' : '',
            iohgatp?.mode !== undefined ? `iohgatp ${iohgatp.mode}` : '', fsc?.kind !== undefined ? `${fsc.kind} ${fsc.mode ?? ''}` : ''].filter((s) => s !== '').join(' · '),
          () => objectNodes(id, d), JSON.stringify(d));
        n.icon = new vscode.ThemeIcon(d.stale === true ? 'warning' : 'plug');
        return n;
      }), String(r.devices.length));
    devices.expanded = true;
    const iotlb = section('IOTLB', 'database', `${r.iotlb.length} entries`, () => r.iotlb.length === 0
      ? [messageNode(`${base}/IOTLB/none`, 'empty')]
      : paged(`${base}/IOTLB/list`, r.iotlb, (e) => {
        const id = `${base}/IOTLB/${String(e.deviceId)}/${String(e.iova)}/${String(e.gscid)}/${String(e.pscid)}`;
        const n = new InfoNode(id, `iova ${hex(Number(e.iova))} → ${hex(Number(e.spa))}`,
          `dev ${hex(Number(e.deviceId))} · ${String(e.perms)} · L${String(e.level)}`, () => objectNodes(id, e), JSON.stringify(e));
        n.icon = new vscode.ThemeIcon('arrow-right');
        return n;
      }, this.pages), String(r.iotlb.length));
    const queues = section('Queues', 'list-flat', '', () => objectNodes(`${base}/Queues`, r.queues));
    const faults = section('Faults', 'error', `${r.faults.length}`, () => r.faults.length === 0
      ? [messageNode(`${base}/Faults/none`, 'no faults')]
      : [...r.faults].reverse().map((f) => {
        const id = `${base}/Faults/${f.seq}`;
        const n = new InfoNode(id, `#${f.seq} ${f.causeName}`, `dev ${hex(f.deviceId)}${f.vm !== undefined ? ` (vm${f.vm})` : ''} · iova ${f.iotval}`,
          () => objectNodes(id, f as unknown as Record<string, unknown>));
        n.icon = new vscode.ThemeIcon('error');
        n.tooltip = `${f.causeName} (cause ${f.cause}): ${f.reason}\nrecord: ${f.record}`;
        return n;
      }), String(r.faults.length));
    const stats = section('Counters', 'graph', '', () => Object.entries(r.stats).map(([k, v]) =>
      new InfoNode(`${base}/Counters/${k}`, k, String(v), undefined, String(v))));
    return [mode, devices, iotlb, queues, faults, stats];
  }
}

/** The fields of a decoded record: objects and arrays expand, scalars are `name: value`. */
export function objectNodes(id: string, o: unknown): BaseNode[] {
  if (o === null || typeof o !== 'object') return [];
  return Object.entries(o as Record<string, unknown>).map(([k, v]) => {
    const kid = `${id}/${k}`;
    if (v !== null && typeof v === 'object') {
      const size = Array.isArray(v) ? `[${v.length}]` : '';
      return new InfoNode(kid, k, size, () => objectNodes(kid, v), JSON.stringify(v));
    }
    const text = typeof v === 'number' && HEX_FIELDS.test(k) ? hex(v) : String(v);
    return new InfoNode(kid, k, text, undefined, text);
  });
}
