/**
 * CNI network configs for tests: `bridge` + `host-local` (the node side a bridge holding
 * the gateway) and `ptp` + `host-local` (a default route), with host-local's data dir
 * under the test's temp dir so address reservations can be inspected and never leak.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

/** A temp dir for CNI state and configs, removed at teardown. */
export function cniTempDir(t: ExecutionContext, tag = 'cni'): string {
  const dir = mkdtempSync(join(tmpdir(), `wirestate-${tag}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Options of a bridge network config. */
export interface BridgeNetOptions {
  /** Network name (also host-local's data subdirectory). */
  readonly name: string;
  /** Node-side bridge name. */
  readonly bridge: string;
  readonly subnet: string;
  readonly gateway: string;
  readonly rangeStart?: string;
  readonly rangeEnd?: string;
  /** Routes through the gateway the pod gets. */
  readonly routes?: readonly string[];
  readonly mtu?: number;
  readonly dns?: { readonly nameservers: readonly string[]; readonly search: readonly string[] };
  readonly cniVersion?: string;
}

/** Writes a `bridge` + `host-local` config into `dir`; returns its path. */
export function writeBridgeConf(dir: string, o: BridgeNetOptions): string {
  const conf = {
    cniVersion: o.cniVersion ?? '1.0.0',
    name: o.name,
    type: 'bridge',
    bridge: o.bridge,
    isGateway: true,
    ipMasq: false,
    ...(o.mtu !== undefined ? { mtu: o.mtu } : {}),
    ipam: {
      type: 'host-local',
      dataDir: join(dir, 'ipam'),
      ranges: [[{ subnet: o.subnet, gateway: o.gateway, ...(o.rangeStart ? { rangeStart: o.rangeStart } : {}), ...(o.rangeEnd ? { rangeEnd: o.rangeEnd } : {}) }]],
      routes: (o.routes ?? []).map((dst) => ({ dst })),
    },
    ...(o.dns ? { dns: o.dns } : {}),
  };
  const path = join(dir, `${o.name}.conf`);
  writeFileSync(path, JSON.stringify(conf, null, 2));
  return path;
}

/** Writes a `ptp` + `host-local` config with a default route into `dir`; returns its path. */
export function writePtpConf(dir: string, name: string, subnet: string): string {
  const conf = {
    cniVersion: '1.0.0',
    name,
    type: 'ptp',
    ipMasq: false,
    ipam: { type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet }]], routes: [{ dst: '0.0.0.0/0' }] },
  };
  const path = join(dir, `${name}.conf`);
  writeFileSync(path, JSON.stringify(conf, null, 2));
  return path;
}

/** Addresses host-local holds for network `name` (its reservation files). */
export function ipamReservations(dir: string, name: string): string[] {
  const d = join(dir, 'ipam', name);
  if (!existsSync(d)) return [];
  return readdirSync(d).filter((f) => /^[0-9a-f.:]+$/.test(f) && (f.includes('.') || f.includes(':'))).sort();
}
