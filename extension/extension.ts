// VS Code extension entry point. The debugger contribution and views arrive with the extension issue.

export function activate(): void {
  // Nothing to register yet: the debug adapter and views are built in later issues.
}

export function deactivate(): void {
  // Nothing to dispose.
}
