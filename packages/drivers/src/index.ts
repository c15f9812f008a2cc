/** Public entry of @wirestate/drivers. */
export { createMemorySystem, FaultPlan, withFaults, applyOp, generatedMac } from './memory/index.ts';
export type { MemorySystem, MemoryOptions, Fault } from './memory/index.ts';
export { errnoError, kindOfErrno } from './errno.ts';
export { netnsPath, inNetns, NETNS_RUN_DIR } from './netns.ts';
