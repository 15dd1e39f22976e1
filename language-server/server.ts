// The RISC-V assembly language server: LSP over stdio or node-ipc (createConnection picks the transport from
// the command line: --stdio, --node-ipc, --socket=N). Maps LSP requests onto the analysis, diagnostics,
// hover, completion and navigation modules of this folder.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CompletionItem, CompletionItemKind, createConnection, Diagnostic, DiagnosticSeverity, DocumentSymbol, Location,
  MarkupKind, ProposedFeatures, Range, SymbolKind, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyse, Analysis, IncludeReader } from './analysis';
import { completeAt, Candidate } from './completion';
import { diagnose } from './diagnostics';
import { hoverAt } from './hover';
import { definitionAt, documentSymbols, OutlineSymbol, Place, referencesAt } from './navigation';
import { Span } from './parser';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const analyses = new Map<string, { version: number; analysis: Analysis }>();
/** Extra directories searched for #include / .include (settings: vmscope.asm.includePaths). */
let includePaths: string[] = [];

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try { return fileURLToPath(uri); } catch { return undefined; }
}

/** Reads an included file from the including file's directory, then the configured include paths. */
const readInclude: IncludeReader = (fromPath, name) => {
  const dirs = [...(fromPath !== undefined ? [dirname(fromPath)] : []), ...includePaths];
  for (const dir of isAbsolute(name) ? [''] : dirs) {
    const p = dir === '' ? name : join(dir, name);
    try {
      if (existsSync(p) && statSync(p).isFile()) return { path: p, text: readFileSync(p, 'utf8') };
    } catch {
      // Unreadable: try the next directory.
    }
  }
  return undefined;
};

function analysisOf(uri: string): Analysis | undefined {
  const doc = documents.get(uri);
  if (doc === undefined) return undefined;
  const cached = analyses.get(uri);
  if (cached !== undefined && cached.version === doc.version) return cached.analysis;
  const analysis = analyse(uri, doc.getText(), readInclude, pathOf(uri));
  analyses.set(uri, { version: doc.version, analysis });
  return analysis;
}

const range = (s: Span): Range => Range.create(s.line, s.start, s.line, s.end);
const location = (p: Place): Location => Location.create(p.uri, range(p.span));

function validate(uri: string): void {
  const a = analysisOf(uri);
  if (a === undefined) return;
  const diagnostics: Diagnostic[] = diagnose(a).map((f) => ({
    range: Range.create(f.line, f.start, f.line, f.end),
    severity: f.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'riscv-asm',
    code: f.code,
    message: f.message,
  }));
  void connection.sendDiagnostics({ uri, diagnostics });
}

const COMPLETION_KINDS: Record<Candidate['kind'], CompletionItemKind> = {
  mnemonic: CompletionItemKind.Keyword, pseudo: CompletionItemKind.Snippet, directive: CompletionItemKind.Module,
  register: CompletionItemKind.Variable, csr: CompletionItemKind.Property, label: CompletionItemKind.Reference,
  macro: CompletionItemKind.Function, constant: CompletionItemKind.Constant, relocation: CompletionItemKind.Function,
  keyword: CompletionItemKind.EnumMember,
};

const SYMBOL_KINDS: Record<OutlineSymbol['kind'], SymbolKind> = {
  function: SymbolKind.Function, label: SymbolKind.Key, constant: SymbolKind.Constant,
  macro: SymbolKind.Method, define: SymbolKind.Constant,
};

connection.onInitialize((params) => {
  const opts = params.initializationOptions as { includePaths?: unknown } | undefined;
  if (Array.isArray(opts?.includePaths)) includePaths = opts.includePaths.filter((p): p is string => typeof p === 'string');
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['.', '%', ','] },
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
    },
    serverInfo: { name: 'vmscope RISC-V assembly' },
  };
});

documents.onDidChangeContent((e) => validate(e.document.uri));
documents.onDidClose((e) => {
  analyses.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover(({ textDocument, position }) => {
  const a = analysisOf(textDocument.uri);
  const h = a !== undefined ? hoverAt(a, position.line, position.character) : undefined;
  return h === undefined ? null : { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: range(h.span) };
});

connection.onCompletion(({ textDocument, position }): CompletionItem[] => {
  const a = analysisOf(textDocument.uri);
  if (a === undefined) return [];
  return completeAt(a, position.line, position.character).map((c) => ({
    label: c.label,
    kind: COMPLETION_KINDS[c.kind],
    detail: c.detail,
    documentation: c.documentation,
  }));
});

connection.onDefinition(({ textDocument, position }) => {
  const a = analysisOf(textDocument.uri);
  return a === undefined ? [] : definitionAt(a, position.line, position.character).map(location);
});

connection.onReferences(({ textDocument, position, context }) => {
  const a = analysisOf(textDocument.uri);
  return a === undefined ? [] : referencesAt(a, position.line, position.character, context.includeDeclaration).map(location);
});

connection.onDocumentSymbol(({ textDocument }): DocumentSymbol[] => {
  const a = analysisOf(textDocument.uri);
  if (a === undefined) return [];
  return documentSymbols(a).map((s) => ({
    name: s.name,
    detail: s.detail,
    kind: SYMBOL_KINDS[s.kind],
    range: Range.create(s.range.startLine, 0, s.range.endLine, a.doc.lines[s.range.endLine]?.length ?? 0),
    selectionRange: range(s.selection),
  }));
});

documents.listen(connection);
connection.listen();
