// DWARF for the debugger: line tables, functions and inlined calls, variables and their types and locations,
// call frame information (docs/dap.md lists what is supported).

export { DwarfInfo } from './dwarf';
export type { FunctionInfo, InlineFrame, SourceLocation, VariableInfo, VariableLocation } from './dwarf';
export { DwarfError } from './reader';
export type { Location, ExprContext } from './expr';
export { evaluateLocation, regName } from './expr';
export { CallFrameInfo } from './frame';
export type { CfaRule, FrameRow, RegRule, RegisterFile, UnwindStep } from './frame';
export type { TypeInfo } from './types';
export { viewVariable } from './values';
export type { MemoryReader, ValueView } from './values';
