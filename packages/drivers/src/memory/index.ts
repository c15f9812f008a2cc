/** The memory driver: reference semantics, dry runs, fault injection. */
export { createMemorySystem } from './driver.ts';
export type { MemorySystem, MemoryOptions } from './driver.ts';
export { FaultPlan, withFaults } from './faults.ts';
export type { Fault } from './faults.ts';
export { applyOp, generatedMac } from './semantics.ts';
