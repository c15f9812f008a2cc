/** Public entry of the CNI driver: what this file does not export is internal. */
export { createCniDriver } from './driver.ts';
export type { CniDriver, CniDriverOptions } from './driver.ts';
export { parseCniResult, parseCniError } from './result.ts';
export type { CniPluginError } from './result.ts';
export { parseNetworkConfig, readNetworkConfig } from './config.ts';
export type { NetworkConfig, PluginConfig } from './config.ts';
export { parseResolvConf, resolvConfOf, readResolver } from './resolv.ts';
export { recordPath, readRecord, CNI_RECORD_VERSION } from './records.ts';
export type { CniRecord } from './records.ts';
export { kindOfCniCode } from './invoke.ts';
