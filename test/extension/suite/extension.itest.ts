// The extension in a real extension host: it activates, registers its commands, starts the assembly language
// client, and its launch schema in package.json lists every attribute the debug adapter validates.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LAUNCH_ATTRIBUTES } from '../../../debug-adapter/session';

export const EXTENSION_ID = 'vmscope.vmscope';

interface DebuggerContribution {
  type: string;
  configurationAttributes: Record<'launch' | 'attach', { properties: Record<string, { description?: string }>; required?: string[] }>;
  configurationSnippets: { body: Record<string, unknown> }[];
}

export function registerExtensionTests(): void {
  describe('the vmscope extension', () => {
    it('activates and registers its commands', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
      await ext.activate();
      assert.equal(ext.isActive, true);
      const commands = await vscode.commands.getCommands(true);
      for (const c of ['vmscope.stepToExit', 'vmscope.stepThroughExit']) assert.ok(commands.includes(c), `command ${c}`);
    });

    it('starts the RISC-V assembly language client: an .S file gets hovers from the language server', async () => {
      const file = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'examples', 'minikernel', 'entry.S');
      const doc = await vscode.workspace.openTextDocument(file);
      assert.equal(doc.languageId, 'riscv-asm');
      const line = doc.getText().split('\n').findIndex((l) => /^\s+csrr?w\s/.test(l) || /^\s+sret\b/.test(l));
      assert.ok(line >= 0, 'a CSR instruction or sret in entry.S');
      const at = new vscode.Position(line, doc.lineAt(line).firstNonWhitespaceCharacterIndex + 1);
      // The server starts with the extension; ask until it answers.
      let text = '';
      for (let i = 0; i < 50 && text === ''; i++) {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
        text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
        if (text === '') await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(text.length > 0, `a hover for "${doc.lineAt(line).text.trim()}"`);
    });

    it('contributes a launch schema with every attribute the adapter validates, each described', () => {
      // From the file: VS Code adds its own attributes (preLaunchTask, presentation…) to the packageJSON it loaded.
      const manifest = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'package.json');
      const debuggers = JSON.parse(readFileSync(manifest, 'utf8')).contributes.debuggers as DebuggerContribution[];
      const d = debuggers.find((x) => x.type === 'vmscope');
      assert.ok(d, 'a debugger of type vmscope');
      const launch = d.configurationAttributes.launch.properties;
      assert.deepEqual(Object.keys(launch).sort(), [...LAUNCH_ATTRIBUTES].sort(), 'launch schema = the adapter\'s attributes');
      for (const [k, v] of Object.entries(launch)) assert.ok((v.description ?? '').length > 20, `"${k}" has a description`);
      const attach = d.configurationAttributes.attach;
      assert.deepEqual(attach.required, ['port']);
      for (const k of ['host', 'port', ...LAUNCH_ATTRIBUTES]) assert.ok(k in attach.properties, `attach schema has "${k}"`);
      for (const s of d.configurationSnippets) {
        for (const k of Object.keys(s.body)) {
          assert.ok(['type', 'request', 'name', 'host', 'port', ...LAUNCH_ATTRIBUTES].includes(k), `snippet attribute "${k}" is known`);
        }
      }
    });
  });
}
