/** Kinds wirestate only refers to: libvirt domains (the user's) and resolv.conf facts. */
import type { Descriptor } from './descriptor.ts';

const none = () => [];

/** Domains: referenced by VM interfaces, never created, changed or deleted. */
export const domainDescriptor: Descriptor<'domains'> = {
  kind: 'domains',
  noun: 'domain',
  key: (d) => `${d.scope}/${d.name}`,
  label: (d) => d.name,
  lifecycle: () => 'external',
  fields: [],
  parents: none,
  create: none,
  delete: none,
  update: none,
  commands: {},
};

/** Resolvers: the DNS settings of a scope, read as facts for bindings. */
export const resolverDescriptor: Descriptor<'resolvers'> = {
  kind: 'resolvers',
  noun: 'resolver',
  key: (r) => r.scope,
  label: (r) => `resolv.conf of ${r.scope}`,
  lifecycle: () => 'facts',
  fields: [],
  parents: none,
  create: none,
  delete: none,
  update: none,
  commands: {},
};
