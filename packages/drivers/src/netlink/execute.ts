/**
 * One op → its rtnetlink requests. Every function names its equivalent command and throws
 * `WirestateError`s whose message names the op and the object.
 */
import { execFile } from 'node:child_process';
import { WIRESTATE_ALIAS, WirestateError, type LinkAttrs, type Link, type Op, type OpOf } from '@wirestate/core';
import { inNetns, netnsPath } from '../netns.ts';
import { errnoOf, netlinkError } from './errors.ts';
import type { LinkInfoSpec } from './linkinfo.ts';
import {
  addressRequest,
  delLinkRequest,
  indexOfLinkPayload,
  newLinkRequest,
  routeRequest,
  setLinkRequest,
  type LinkFields,
} from './messages.ts';
import { resolveIndex, withFreshRefs, withIndex, type ScopeContext, type ScopePorts } from './scope-ports.ts';

/** Runs a program without a shell; rejects with its stderr. */
export type ExecRunner = (file: string, args: readonly string[]) => Promise<void>;

/** The default runner: `execFile`, never a shell. */
export const execRunner: ExecRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (err === null) resolve();
      else reject(Object.assign(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`), { cause: err }));
    });
  });

/** What op execution needs from the driver. */
export interface ExecContext {
  readonly ports: ScopePorts;
  readonly exec: ExecRunner;
}

function where(scope: string): string {
  return `in scope ${scope}`;
}

/** Wraps a failure with the op's context. */
async function step<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw netlinkError(context, err);
  }
}

/** Describes an op in the lowercase context its errors carry. */
export function describeOp(op: Op): string {
  switch (op.type) {
    case 'link.create':
      return `creating ${op.link.kind} ${op.link.name} ${where(op.link.scope)}`;
    case 'link.delete':
      return `deleting ${op.link.kind} ${op.link.name} ${where(op.link.scope)}`;
    case 'link.set':
      return `setting ${Object.keys(op.attrs).join(', ')} of link ${op.name} ${where(op.scope)}`;
    case 'address.add':
      return `adding address ${op.address.cidr} to ${op.address.dev} ${where(op.address.scope)}`;
    case 'address.delete':
      return `deleting address ${op.address.cidr} from ${op.address.dev} ${where(op.address.scope)}`;
    case 'route.add':
      return `adding route ${op.route.dst} dev ${op.route.dev} ${where(op.route.scope)}`;
    case 'route.delete':
      return `deleting route ${op.route.dst} dev ${op.route.dev} ${where(op.route.scope)}`;
    default:
      return `executing ${op.type}`;
  }
}

/** Fields of a post-creation `ip link set`: ownership mark and what creation cannot carry. */
async function linkFieldsOf(ctx: ScopeContext, l: Partial<Link>): Promise<LinkFields> {
  return {
    ...(l.mac !== undefined && { mac: l.mac }),
    ...(l.mtu !== undefined && { mtu: l.mtu }),
    ...(l.up !== undefined && { up: l.up }),
    ...(l.master !== undefined && { masterIndex: l.master === null ? 0 : await resolveIndex(ctx, l.master) }),
  };
}

/** Deletes a link made by a failed creation; its own failure must not hide the first one. */
export async function undoCreate(ctx: ScopeContext, name: string): Promise<void> {
  try {
    await ctx.port.request(delLinkRequest(name));
  } catch {
    // The original error is what the caller needs; a leftover link shows in the next snapshot.
  }
  ctx.indexes.delete(name);
}

/**
 * `ip link add name NAME [address MAC] [mtu N] [master BR] [up] type bridge|veth peer name P|macvtap link PARENT mode M`,
 * then `ip link set NAME alias wirestate` (the kernel ignores IFLA_IFALIAS on creation);
 * a tap is `ip tuntap add dev NAME mode tap` then `ip link set NAME … alias wirestate`.
 */
export async function createLink(x: ExecContext, op: OpOf<'link.create'>): Promise<void> {
  const { link, peerLink } = op;
  const context = describeOp(op);
  const ctx = x.ports.get(link.scope);
  if (link.kind === 'device') {
    throw new WirestateError('not_supported', `${context}: devices are made by their drivers or CNI, not by wirestate`);
  }
  if (link.kind === 'tap') return createTap(x, ctx, link, context);
  const refs = [link.master, link.parent, link.peerScope === undefined || link.peerScope === link.scope ? peerLink?.master : undefined];
  await step(context, () => withFreshRefs(ctx, refs, () => createLinkOnce(x, ctx, op)));
}

/** One attempt of `createLink` (not a tap); a failure after the creation deletes the link again. */
async function createLinkOnce(x: ExecContext, ctx: ScopeContext, op: OpOf<'link.create'>): Promise<void> {
  const { link, peerLink } = op;
  const context = describeOp(op);
  let fields = await linkFieldsOf(ctx, link);
  let linkInfo: LinkInfoSpec = { kind: link.kind };
  let peerCtx = ctx;
  let fd: number | undefined;
  if (link.kind === 'veth') {
    if (link.peer === undefined) throw new WirestateError('invalid_argument', `${context}: a veth needs a peer name`);
    if (link.peerScope !== undefined && link.peerScope !== link.scope) {
      peerCtx = x.ports.get(link.peerScope);
      // The fd must be opened by the process that sends the request: the scope's worker.
      fd = await ctx.port.openNetns(netnsPath(peerCtx.scope) ?? `/proc/${process.pid}/ns/net`);
    }
    linkInfo = {
      kind: 'veth',
      peer: {
        name: link.peer,
        ...(peerLink?.mac !== undefined && { mac: peerLink.mac }),
        ...(peerLink?.mtu !== undefined && { mtu: peerLink.mtu }),
        ...(fd !== undefined && { netnsFd: fd }),
      },
    };
  } else if (link.kind === 'macvtap' || link.kind === 'macvlan') {
    if (link.parent === undefined) throw new WirestateError('invalid_argument', `${context}: a ${link.kind} needs a parent`);
    linkInfo = { kind: link.kind, ...(link.mode !== undefined && { macvlanMode: link.mode }) };
    fields = { ...fields, linkIndex: await resolveIndex(ctx, link.parent) };
  }
  // A bridge keeps an MTU given at creation only until its first port auto-adjusts it;
  // set afterwards, the kernel records it as chosen by the user and keeps it.
  const { mtu, ...rest } = fields;
  const createFields: LinkFields = link.kind === 'bridge' || mtu === undefined ? rest : { ...rest, mtu };
  const bridgeMtu = link.kind === 'bridge' ? mtu : undefined;
  let replies: Uint8Array[];
  try {
    replies = await ctx.port.request(newLinkRequest({ ...createFields, name: link.name, linkInfo }));
  } finally {
    if (fd !== undefined) await ctx.port.closeFd(fd);
  }
  if (replies[0] !== undefined) ctx.indexes.set(link.name, indexOfLinkPayload(replies[0]));
  try {
    const marks: Promise<unknown>[] = [
      ctx.port.request(
        setLinkRequest(0, { name: link.name, alias: WIRESTATE_ALIAS, ...(bridgeMtu !== undefined && { mtu: bridgeMtu }) }),
      ),
    ];
    if (link.kind === 'veth') {
      const peerMaster = peerLink?.master;
      marks.push(
        peerCtx.port.request(
          setLinkRequest(0, {
            name: link.peer!,
            alias: WIRESTATE_ALIAS,
            // Bringing the peer up inside RTM_NEWLINK fails with ENOTCONN: it has no peer yet.
            ...(peerLink?.up !== undefined && { up: peerLink.up }),
            ...(peerMaster !== undefined && {
              masterIndex: peerMaster === null ? 0 : await resolveIndex(peerCtx, peerMaster),
            }),
          }),
        ),
      );
    }
    await Promise.all(marks);
  } catch (err) {
    await undoCreate(ctx, link.name);
    throw err;
  }
}

async function createTap(x: ExecContext, ctx: ScopeContext, link: Link, context: string): Promise<void> {
  await step(context, () =>
    withFreshRefs(ctx, [link.master], async () => {
      // TUNSETIFF on an existing persistent tap attaches to it instead of failing: refuse first,
      // asking the kernel rather than a cache that may predate someone else's delete.
      ctx.indexes.delete(link.name);
      const exists = await resolveIndex(ctx, link.name).then(
        () => true,
        (err: unknown) => {
          if (errnoOf(err) === 'ENODEV') return false;
          throw err;
        },
      );
      if (exists) throw Object.assign(new Error('Request rejected: EEXIST'), { code: 'EEXIST' });
      // The kernel refuses to create tun/tap devices over rtnetlink; only the TUNSETIFF ioctl makes them.
      const argv = [...inNetns(ctx.scope), 'ip', 'tuntap', 'add', 'dev', link.name, 'mode', 'tap'];
      await x.exec(argv[0]!, argv.slice(1));
      ctx.indexes.delete(link.name);
      try {
        const fields = await linkFieldsOf(ctx, link);
        await ctx.port.request(setLinkRequest(0, { ...fields, name: link.name, alias: WIRESTATE_ALIAS }));
      } catch (err) {
        await undoCreate(ctx, link.name);
        throw err;
      }
    }),
  );
}

/** `ip link delete dev NAME` (a veth takes its peer along). */
export async function deleteLink(x: ExecContext, op: OpOf<'link.delete'>): Promise<void> {
  const ctx = x.ports.get(op.link.scope);
  await step(describeOp(op), () => ctx.port.request(delLinkRequest(op.link.name)));
  ctx.indexes.delete(op.link.name);
  if (op.link.peer !== undefined) x.ports.peek(op.link.peerScope ?? op.link.scope)?.indexes.delete(op.link.peer);
}

/**
 * `ip link set dev NAME [address MAC] [mtu N] [master BR | nomaster] [up | down] [alias A]`,
 * always with an explicit IFF_UP change mask; a MAC refused with EBUSY on an up link is set
 * with the link down, then up again.
 */
export async function setLink(x: ExecContext, op: OpOf<'link.set'>): Promise<void> {
  const ctx = x.ports.get(op.scope);
  const a: LinkAttrs = op.attrs;
  await step(describeOp(op), () =>
    withFreshRefs(ctx, [a.master], async () => {
      const fields: LinkFields = {
        name: op.name,
        ...(await linkFieldsOf(ctx, a)),
        ...(a.alias !== undefined && { alias: a.alias ?? '' }),
      };
      try {
        await ctx.port.request(setLinkRequest(0, fields));
      } catch (err) {
        await afterSetLinkFailure(ctx, op, fields, err);
      }
    }),
  );
}

/**
 * What follows a refused `ip link set`: a MAC refused with EBUSY (a driver without
 * IFF_LIVE_ADDR_CHANGE refuses a new MAC while the link runs) is set with the link down,
 * then up again; any other failure is rethrown.
 */
export async function afterSetLinkFailure(ctx: ScopeContext, op: OpOf<'link.set'>, fields: LinkFields, err: unknown): Promise<void> {
  if (errnoOf(err) !== 'EBUSY' || op.attrs.mac === undefined) throw err;
  await ctx.port.request(setLinkRequest(0, { name: op.name, up: false }));
  try {
    await ctx.port.request(setLinkRequest(0, { ...fields, up: op.attrs.up ?? true }));
  } catch (retryErr) {
    // The link was up when the kernel said EBUSY: a failed op leaves it up, as found.
    await ctx.port.request(setLinkRequest(0, { name: op.name, up: true })).catch(() => undefined);
    throw retryErr;
  }
}

/** `ip addr add|del CIDR dev DEV`. */
async function changeAddress(x: ExecContext, op: OpOf<'address.add'> | OpOf<'address.delete'>): Promise<void> {
  const ctx = x.ports.get(op.address.scope);
  const action = op.type === 'address.add' ? 'add' : 'del';
  await step(describeOp(op), () =>
    withIndex(ctx, op.address.dev, (index) => ctx.port.request(addressRequest(action, index, op.address.cidr))),
  );
}

/** `ip route add|del DST [via GW] dev DEV [metric M] [src S] [scope SC] proto P table main`. */
async function changeRoute(x: ExecContext, op: OpOf<'route.add'> | OpOf<'route.delete'>): Promise<void> {
  const ctx = x.ports.get(op.route.scope);
  const action = op.type === 'route.add' ? 'add' : 'del';
  await step(describeOp(op), () =>
    withIndex(ctx, op.route.dev, (index) => ctx.port.request(routeRequest(action, op.route, index))),
  );
}

/** Executes one netlink op. */
export async function executeOp(x: ExecContext, op: Op): Promise<void> {
  switch (op.type) {
    case 'link.create':
      return createLink(x, op);
    case 'link.delete':
      return deleteLink(x, op);
    case 'link.set':
      return setLink(x, op);
    case 'address.add':
    case 'address.delete':
      return changeAddress(x, op);
    case 'route.add':
    case 'route.delete':
      return changeRoute(x, op);
    default:
      throw new WirestateError('not_supported', `the netlink driver does not execute ${op.type}`);
  }
}
