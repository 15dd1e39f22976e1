// Commands of the debug toolbar that send vmscope/* requests (debug-adapter/protocol.ts) to the active session.

import * as vscode from 'vscode';
import { Command, DEBUG_TYPE } from './ids';

/** The vmscope session to act on: the active one, if it is a vmscope session. */
function vmscopeSession(): vscode.DebugSession | undefined {
  const s = vscode.debug.activeDebugSession;
  return s?.type === DEBUG_TYPE ? s : undefined;
}

/** Registers the stepping commands that run to or through a VM exit. */
export function registerDebugCommands(context: vscode.ExtensionContext): void {
  const request = (command: string) => async (): Promise<void> => {
    const s = vmscopeSession();
    if (s === undefined) {
      void vscode.window.showWarningMessage('vmscope: no vmscope debug session is active.');
      return;
    }
    try {
      await s.customRequest(command);
    } catch (e) {
      void vscode.window.showErrorMessage(`vmscope: ${command} failed: ${(e as Error).message}`);
    }
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(Command.StepToExit, request('vmscope/stepToExit')),
    vscode.commands.registerCommand(Command.StepThroughExit, request('vmscope/stepThroughExit')),
  );
}
