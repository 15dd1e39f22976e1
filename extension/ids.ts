// The identifiers the extension contributes in package.json, named once.

/** The debug type of vmscope sessions (package.json contributes.debuggers). */
export const DEBUG_TYPE = 'vmscope';

/** Command IDs (package.json contributes.commands). */
export const enum Command {
  StepToExit = 'vmscope.stepToExit',
  StepThroughExit = 'vmscope.stepThroughExit',
  TranslateAddress = 'vmscope.translateAddress',
  SwitchVcpu = 'vmscope.switchVcpu',
  OpenMemory = 'vmscope.openMemory',
  RevealExit = 'vmscope.exits.reveal',
  LoadMore = 'vmscope.views.loadMore',
  Refresh = 'vmscope.views.refresh',
}

/** View IDs (package.json contributes.views.debug). */
export const enum View {
  PageTables = 'vmscope.pageTables',
  Tlb = 'vmscope.tlb',
  Exits = 'vmscope.exits',
  Iommu = 'vmscope.iommu',
}

/** The context key that is true while a vmscope session runs (the views' `when`). */
export const SESSION_CONTEXT_KEY = 'vmscope.sessionActive';
