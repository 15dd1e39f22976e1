// The debug configuration provider: launch.json templates, configurations for the ELF files of a workspace, and
// the completion of a configuration before a session starts (an empty one from the ELF file open in the editor,
// paths relative to the workspace folder, `bios: "default"` found on disk).

import * as path from 'node:path';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './ids';
import { SBI_KERNEL_ENTRY, riscvElfEntry } from './elfHeader';

/** Where `bios: "default"` looks for OpenSBI's generic fw_dynamic (Debian's opensbi and qemu-system-data packages). */
const OPENSBI_PATHS = [
  '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf',
  '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin',
  '/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.elf',
  '/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin',
];

/** Attributes that name one file, resolved against the workspace folder when relative (lists of files below). */
const FILE_ATTRIBUTES = ['program', 'kernel', 'initrd', 'bios'] as const;

export class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  /** Initial configurations for a new launch.json: one per ELF file found in the folder, or a template. */
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    const found = await findElfConfigurations(folder, 4);
    if (found.length > 0) return found.map((c) => ({ ...c, stopOnEntry: true }));
    return [{ type: DEBUG_TYPE, request: 'launch', name: 'vmscope: kernel', kernel: '${workspaceFolder}/kernel.elf', bios: 'builtin', stopOnEntry: true }];
  }

  /**
   * Completes a configuration: F5 without launch.json (an empty configuration) or a configuration that names no
   * program, kernel or firmware runs the RISC-V ELF open in the editor.
   */
  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration):
    Promise<vscode.DebugConfiguration | undefined> {
    if (config.request === 'attach') {
      if (!Number.isInteger(config.port)) {
        void vscode.window.showErrorMessage('vmscope: an "attach" configuration needs the "port" of a `vmscope dap --port N` server.');
        return undefined;
      }
      return config;
    }
    const namesImage = ['program', 'kernel'].some((k) => config[k] !== undefined) ||
      (typeof config.bios === 'string' && !['none', 'builtin'].includes(config.bios));
    if (namesImage) return config;
    const open = activeFileUri();
    const fromEditor = open === undefined ? undefined : await configurationForFile(open);
    if (fromEditor === undefined) {
      void vscode.window.showErrorMessage('vmscope: open a RISC-V ELF file (a kernel or a program) or add a vmscope ' +
        'configuration to launch.json ("program" or "kernel").');
      return undefined;
    }
    return { ...fromEditor, stopOnEntry: true, ...stripEmpty(config), type: DEBUG_TYPE, request: 'launch',
      name: config.name || fromEditor.name };
  }

  /** After variable substitution: relative paths against the folder, `bios: "default"` as OpenSBI's file. */
  resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (config.request === 'attach') return config;   // paths are the server's
    if (config.bios === 'default') {
      const firmware = opensbiPath();
      if (firmware === undefined) {
        void vscode.window.showErrorMessage('vmscope: "bios": "default" runs OpenSBI, which was not found: install ' +
          `Debian's opensbi package (apt-get install opensbi) or set VMSCOPE_OPENSBI (looked in ${OPENSBI_PATHS.join(', ')}).`);
        return undefined;
      }
      config.bios = firmware;
    }
    const base = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    if (base === undefined) return config;
    const absolute = (v: string) => (v === '' || path.isAbsolute(v) ? v : path.join(base, v));
    for (const k of FILE_ATTRIBUTES) {
      const v: unknown = config[k];
      if (typeof v === 'string' && !(k === 'bios' && (v === 'none' || v === 'builtin'))) config[k] = absolute(v);
    }
    // Lists of files: a path, or an object naming its file(s).
    const inList = (list: unknown, keys: string[]) => (!Array.isArray(list) ? list : list.map((f: unknown) => {
      if (typeof f === 'string') return absolute(f);
      if (typeof f !== 'object' || f === null) return f;
      const o: Record<string, unknown> = { ...f };
      for (const k of keys) if (typeof o[k] === 'string') o[k] = absolute(o[k] as string);
      return o;
    }));
    config.symbolFiles = inList(config.symbolFiles, ['path']);
    config.drives = inList(config.drives, ['file']);
    if (Array.isArray(config.vms)) config.vms = inList(config.vms, ['kernel', 'initrd']);
    for (const k of ['symbolFiles', 'drives']) if (config[k] === undefined) delete config[k];
    return config;
  }
}

/** Dynamic configurations (the Run and Debug view's "vmscope…" entry): one per ELF file in the workspace. */
export class DynamicConfigurationProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    return findElfConfigurations(folder, 20);
  }
}

/** The file of the active editor tab (a binary ELF has a tab but no text editor). */
function activeFileUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}

/** A launch configuration for a RISC-V ELF file: an S-mode kernel under the built-in SBI, or an M-mode program. */
async function configurationForFile(uri: vscode.Uri): Promise<vscode.DebugConfiguration | undefined> {
  if (uri.scheme !== 'file') return undefined;
  let header: Uint8Array;
  try {
    const fd = await fs.promises.open(uri.fsPath, 'r');
    try { header = (await fd.read(new Uint8Array(64), 0, 64, 0)).buffer; } finally { await fd.close(); }
  } catch {
    return undefined;
  }
  const entry = riscvElfEntry(header);
  if (entry === undefined) return undefined;
  const name = `vmscope: ${path.basename(uri.fsPath)}`;
  return entry === SBI_KERNEL_ENTRY
    ? { type: DEBUG_TYPE, request: 'launch', name, kernel: uri.fsPath, bios: 'builtin' }
    : { type: DEBUG_TYPE, request: 'launch', name, program: uri.fsPath };
}

/** Configurations for up to `max` RISC-V ELF files (*.elf) in the folder. */
async function findElfConfigurations(folder: vscode.WorkspaceFolder | undefined, max: number): Promise<vscode.DebugConfiguration[]> {
  const include = folder !== undefined ? new vscode.RelativePattern(folder, '**/*.elf') : '**/*.elf';
  const files = await vscode.workspace.findFiles(include, '**/node_modules/**', max);
  const out: vscode.DebugConfiguration[] = [];
  for (const f of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    const c = await configurationForFile(f);
    if (c === undefined) continue;
    for (const k of ['program', 'kernel'] as const) {
      if (typeof c[k] === 'string' && folder !== undefined) c[k] = '${workspaceFolder}/' + path.relative(folder.uri.fsPath, c[k]).split(path.sep).join('/');
    }
    out.push(c);
  }
  return out;
}

/** The configuration's attributes that have a value (an empty launch.json gives empty type/name/request). */
function stripEmpty(config: vscode.DebugConfiguration): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined && v !== ''));
}

/** OpenSBI's fw_dynamic for `bios: "default"`: $VMSCOPE_OPENSBI, else the first of OPENSBI_PATHS that exists. */
function opensbiPath(): string | undefined {
  const env = process.env.VMSCOPE_OPENSBI;
  if (env !== undefined && env !== '') return env;
  return OPENSBI_PATHS.find((p) => fs.existsSync(p));
}
