// The webview that draws an address translation (walk.ts's model): for a two-stage walk the grid of VS-stage
// levels × G-stage levels with each memory reference numbered, its PTE address and value; for a one-stage walk the
// levels in a column; the fault where the walk stops. Theme colours only, no script, no external resource, and a
// Content-Security-Policy that allows nothing but the page's own nonce'd style.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { WalkModel, WalkPicture, WalkRef } from './walk';

export class WalkPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** What is shown now (tests read it). */
  model: WalkModel | undefined;
  html = '';

  show(model: WalkModel): void {
    this.model = model;
    if (this.panel === undefined) {
      this.panel = vscode.window.createWebviewPanel('vmscope.walk', 'Address Walk', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, enableCommandUris: false, localResourceRoots: [] });
      this.panel.onDidDispose(() => { this.panel = undefined; });
    }
    this.panel.title = `Walk ${model.address}`;
    this.html = renderWalk(model, this.panel.webview.cspSource);
    this.panel.webview.html = this.html;
    this.panel.reveal(undefined, true);
  }

  dispose(): void { this.panel?.dispose(); }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page for a model. */
export function renderWalk(m: WalkModel, _cspSource: string): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'none'; script-src 'none'; font-src 'none'`;
  const walks = m.walks.map(renderPicture).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Walk ${esc(m.address)}</title>
<style nonce="${nonce}">${STYLE}</style></head>
<body>
<h1>Translation of <code>${esc(m.address)}</code> (${esc(m.access)}) on ${esc(m.thread)}</h1>
<div class="walks">${walks}</div>
<p class="legend"><span class="chip vs">VS</span> a VS-stage PTE (guest tables, at a guest-physical address)
<span class="chip g">G</span> a G-stage PTE (host tables for the VM) <span class="chip one">PTE</span> a one-stage or shadow PTE
<span class="chip fault">fault</span> where the walk stops. Numbers give the order of the memory references.</p>
</body></html>`;
}

function renderPicture(p: WalkPicture): string {
  const result = p.ok
    ? `<span class="ok">→ ${p.pa !== undefined ? `PA <code>${esc(p.pa)}</code>` : ''}${p.gpa !== undefined ? ` (gPA <code>${esc(p.gpa)}</code>)` : ''}</span>`
    : '<span class="bad">FAULT</span>';
  const head = `<h2>${esc(p.title)}</h2><p class="result">${result} — ${esc(p.reason)} · ${p.refs.length} memory reference${p.refs.length === 1 ? '' : 's'}</p>`;
  if (p.grid !== undefined) {
    const g = p.grid;
    const header = `<tr><th></th>${g.cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
    const rows = g.rows.map((r, i) => `<tr><th class="row">${esc(r)}</th>${g.cells[i].map((c, j) => {
      if (c !== undefined) return `<td>${cell(p.refs[c])}</td>`;
      const empty = j === g.cols.length - 1 && i === g.rows.length - 1 ? (p.ok ? `<div class="final">hPA ${esc(p.pa ?? '')}</div>` : '') : '';
      return `<td class="empty">${empty}</td>`;
    }).join('')}</tr>`).join('');
    return `<section class="walk">${head}<table class="grid">${header}${rows}</table></section>`;
  }
  const column = p.refs.map((r) => `<li>${cell(r)}</li>`).join('');
  const end = p.ok ? `<li><div class="final">${p.pa !== undefined ? `PA ${esc(p.pa)}` : `gPA ${esc(p.gpa ?? '')}`}</div></li>` : '';
  return `<section class="walk">${head}<ol class="column">${column}${end}</ol></section>`;
}

function cell(r: WalkRef): string {
  const cls = r.fault ? 'fault' : r.stage === 'VS' ? 'vs' : r.stage === 'G' ? 'g' : 'one';
  const where = r.spa !== undefined && r.spa !== r.pteAddr ? `<div class="addr">@ ${esc(r.pteAddr)}<br>hPA ${esc(r.spa)}</div>` : `<div class="addr">@ ${esc(r.pteAddr)}</div>`;
  return `<div class="ref ${cls}" data-n="${r.n}"><span class="n">${r.n}</span> <span class="stage">${r.stage === 'one' ? '' : r.stage} L${r.level}</span>
${where}<div class="pte">= ${esc(r.pte)}</div><div class="flags">${esc(r.flags)}</div></div>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground);
  background: var(--vscode-editor-background); padding: 0 16px; }
h1 { font-size: 1.2em; font-weight: 600; } h2 { font-size: 1.05em; margin: 0.6em 0 0.2em; }
code, .addr, .pte, .flags { font-family: var(--vscode-editor-font-family); }
.walks { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.result .ok { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
.result .bad { color: var(--vscode-errorForeground); font-weight: 600; }
table.grid { border-collapse: separate; border-spacing: 6px; }
th { color: var(--vscode-descriptionForeground); font-weight: normal; text-align: center; }
th.row { text-align: right; white-space: nowrap; }
td { vertical-align: top; min-width: 150px; }
td.empty { border: 1px dashed var(--vscode-panel-border, var(--vscode-widget-border, transparent)); opacity: 0.5; }
ol.column { list-style: none; padding: 0; display: flex; flex-direction: column; gap: 6px; }
ol.column li + li::before { content: '↓'; display: block; text-align: center; color: var(--vscode-descriptionForeground); }
.ref { border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, currentColor)); border-left-width: 4px; border-radius: 4px;
  padding: 4px 8px; background: var(--vscode-editorWidget-background); font-size: 0.92em; }
.ref.vs { border-left-color: var(--vscode-charts-blue); }
.ref.g { border-left-color: var(--vscode-charts-green); }
.ref.one { border-left-color: var(--vscode-charts-purple); }
.ref.fault { border-color: var(--vscode-errorForeground); background: var(--vscode-inputValidation-errorBackground); }
.n { display: inline-block; min-width: 1.5em; text-align: center; border-radius: 1em; font-weight: 600;
  background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.stage { color: var(--vscode-descriptionForeground); }
.final { padding: 4px 8px; border-radius: 4px; border: 1px solid var(--vscode-focusBorder); font-family: var(--vscode-editor-font-family); }
.legend { color: var(--vscode-descriptionForeground); margin-top: 1.5em; }
.chip { display: inline-block; padding: 0 6px; border-radius: 3px; border-left: 4px solid; margin-left: 8px; }
.chip.vs { border-color: var(--vscode-charts-blue); } .chip.g { border-color: var(--vscode-charts-green); }
.chip.one { border-color: var(--vscode-charts-purple); } .chip.fault { border-color: var(--vscode-errorForeground); }
`;
