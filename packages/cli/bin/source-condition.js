// Module resolve hook: adds the `wirestate-source` export condition, so @wirestate/*
// packages resolve to their TypeScript sources, as `--conditions=wirestate-source` would.
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'wirestate-source'] });
}
