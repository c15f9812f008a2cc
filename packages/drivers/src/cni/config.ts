/**
 * CNI network configuration files: a `.conf` (one plugin) or a `.conflist` (a chain),
 * turned into the list of plugin configs to run, each carrying the network's `name` and
 * `cniVersion` as the spec requires. Pure apart from `readNetworkConfig`.
 */
import { readFile } from 'node:fs/promises';
import { WirestateError } from '@wirestate/core';

/** One plugin of a network: its binary name and the JSON it reads on stdin (without prevResult). */
export interface PluginConfig {
  /** Binary name under the CNI path (`bridge`, `ptp`). */
  readonly type: string;
  /** Its configuration object. */
  readonly conf: Readonly<Record<string, unknown>>;
}

/** A parsed network configuration. */
export interface NetworkConfig {
  /** Network name. */
  readonly name: string;
  /** Spec version the file declares. */
  readonly cniVersion: string;
  /** Plugins in ADD order. */
  readonly plugins: readonly PluginConfig[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

// A type names a file in the CNI path; anything with a slash could escape it.
const PLUGIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function invalid(file: string, why: string): WirestateError {
  return new WirestateError('invalid_argument', `CNI network config ${file}: ${why}`);
}

function plugin(file: string, conf: Record<string, unknown>, where: string): PluginConfig {
  const type = conf.type;
  if (typeof type !== 'string' || !PLUGIN_NAME.test(type)) throw invalid(file, `${where} has no valid "type"`);
  return { type, conf };
}

/** Parses the text of a `.conf` or `.conflist` (told apart by a `plugins` array). */
export function parseNetworkConfig(text: string, file = '<config>'): NetworkConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw invalid(file, `not JSON (${(err as Error).message})`);
  }
  if (!isObject(raw)) throw invalid(file, 'not a JSON object');
  if (typeof raw.cniVersion !== 'string' || raw.cniVersion === '') throw invalid(file, 'no "cniVersion"');
  if (typeof raw.name !== 'string' || raw.name === '') throw invalid(file, 'no "name"');
  const { name, cniVersion } = raw;
  if (Array.isArray(raw.plugins)) {
    if (raw.plugins.length === 0) throw invalid(file, '"plugins" is empty');
    const plugins = raw.plugins.map((p, i) => {
      if (!isObject(p)) throw invalid(file, `plugins[${i}] is not an object`);
      // The spec: each plugin gets the list's name and version injected.
      return plugin(file, { ...p, name, cniVersion }, `plugins[${i}]`);
    });
    return { name, cniVersion, plugins };
  }
  return { name, cniVersion, plugins: [plugin(file, raw, 'the config')] };
}

/** Reads and parses a network config file. */
export async function readNetworkConfig(file: string): Promise<NetworkConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new WirestateError('invalid_argument', `reading CNI network config ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseNetworkConfig(text, file);
}
