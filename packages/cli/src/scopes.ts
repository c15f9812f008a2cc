/** Which scopes a command reads when it is given no topology scopes of its own. */
import type { Scopes } from '@wirestate/core';
import { readTopologyFile } from './inputs.ts';

/** The scopes of a topology file when given; else one scope `default` in `netns` (absent: wirestate's own namespace). */
export async function scopesFromArgs(opts: { readonly file?: string; readonly netns?: string }): Promise<Scopes> {
  if (opts.file !== undefined) {
    const topology = await readTopologyFile(opts.file);
    return Object.fromEntries(Object.entries(topology.scopes).map(([name, s]) => [name, { name, ...s }]));
  }
  return { default: { name: 'default', ...(opts.netns !== undefined ? { netns: opts.netns } : {}) } };
}
