/** Public entry of @wirestate/cli: run the command line in-process. */
export { run, buildProgram } from './program.ts';
export type { Io } from './io.ts';
export { processIo } from './io.ts';
export { EXIT } from './context.ts';
export { liveSnapshot } from './live.ts';
export { fileFactsStore } from './facts-store.ts';
