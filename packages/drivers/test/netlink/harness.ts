/** Shared setup of the root netlink tests: the round-trip topology in a fresh pair of namespaces. */
import type { ExecutionContext } from 'ava';
import { createNetlinkDriver, type NetlinkDriver, type NetlinkDriverOptions } from '../../src/netlink/index.ts';
import { makeNetns } from '../helpers/netns.ts';
import { SCOPE, buildTopology } from './topology.ts';

/** A built topology with a driver that knows its two scopes (`pod` and `far`). */
export interface Bench {
  readonly ns: string;
  readonly other: string;
  readonly driver: NetlinkDriver;
  readonly scopes: readonly { name: string; netns: string }[];
  /** Snapshot of both scopes. */
  snap(): ReturnType<NetlinkDriver['snapshot']>;
}

/** Builds the topology and a driver closed at teardown. */
export function setUp(t: ExecutionContext, tag: string, options: NetlinkDriverOptions = {}): Bench {
  const ns = makeNetns(t, tag);
  const other = makeNetns(t, `${tag}-far`);
  buildTopology(ns, other);
  const scopes = [
    { name: SCOPE, netns: ns },
    { name: 'far', netns: other },
  ];
  const driver = createNetlinkDriver({ ...options, scopes });
  t.teardown(() => driver.close?.());
  return { ns, other, driver, scopes, snap: () => driver.snapshot(scopes) };
}
