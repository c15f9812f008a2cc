/**
 * Ordering tokens. A step `provides` facts it makes true and `requires` facts it needs;
 * a requirement binds only when some step of the same plan provides it, otherwise it is
 * already true. The planner orders steps from these edges alone.
 */

/** `kind:id`, the reference form used across descriptors. */
export const ref = (kind: string, id: string): string => `${kind}:${id}`;

/** The resource exists (after a create). */
export const exists = (kind: string, id: string): string => `exists:${kind}:${id}`;
/** The resource is gone (after a delete): a create of the same id waits for it. */
export const gone = (kind: string, id: string): string => `gone:${kind}:${id}`;
/** Nothing uses the resource any more: its delete waits for every dependant to let go. */
export const unused = (kind: string, id: string): string => `unused:${kind}:${id}`;
/** The MAC is no longer carried by any link or VM interface of the scope. */
export const macFree = (scope: string, mac: string): string => `mac-free:${scope}/${mac}`;
/** The IP is no longer assigned to any link of the scope. */
export const ipFree = (scope: string, ip: string): string => `ip-free:${scope}/${ip}`;
/** A link has its addresses (routes through it may be added). */
export const addressed = (scope: string, dev: string): string => `addressed:${scope}/${dev}`;
/** A link has lost its routes (its addresses may go). */
export const unrouted = (scope: string, dev: string): string => `unrouted:${scope}/${dev}`;
/** A libvirt network runs. */
export const running = (scope: string, network: string): string => `running:networks:${scope}/${network}`;
/** A link is up. */
export const linkUp = (scope: string, name: string): string => `up:links:${scope}/${name}`;
/** No address or route of the scope claims the subnet any more (libvirt refuses to start a network on a subnet in use). */
export const subnetFree = (scope: string, subnet: string): string => `subnet-free:${scope}/${subnet}`;
