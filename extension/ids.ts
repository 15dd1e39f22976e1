// The identifiers the extension contributes in package.json, named once.

/** The debug type of vmscope sessions (package.json contributes.debuggers). */
export const DEBUG_TYPE = 'vmscope';

/** Command IDs (package.json contributes.commands). */
export const enum Command {
  StepToExit = 'vmscope.stepToExit',
  StepThroughExit = 'vmscope.stepThroughExit',
}
