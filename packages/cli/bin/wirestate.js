#!/usr/bin/env node
// Runs the CLI in this very process — no child node: a signal sent to this pid reaches the
// CLI's own handlers (an apply stops after its running step and rolls back), and the exit
// status is the CLI's. It runs the bundle `pnpm build` made (dist/, started in a quarter
// of the time) while that is newer than every source file, else the TypeScript sources
// through tsx (WIRESTATE_FROM_SOURCE=1 asks for the sources).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';
import process from 'node:process';
import { URL } from 'node:url';

const bundle = new URL('../dist/wirestate.js', import.meta.url);

/** Whether the bundle exists and no source of ours changed after it was built. */
function bundleIsFresh() {
  if (process.env.WIRESTATE_FROM_SOURCE === '1' || !existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  for (const pkg of ['core', 'drivers', 'state', 'cli']) {
    const src = new URL(`../../${pkg}/src/`, import.meta.url);
    for (const file of readdirSync(src, { recursive: true })) {
      if (statSync(new URL(file, src)).mtimeMs > built) return false;
    }
  }
  return true;
}

if (bundleIsFresh()) {
  await import(bundle.href);
} else {
  // tsx is resolved from this package, so the bin works from any working directory.
  const tsx = import.meta.resolve('tsx');
  await import(tsx);
  register('./source-condition.js', import.meta.url);
  // Processes that run our sources again (the confirm timer, the netlink worker) copy the
  // loader flags from execArgv: give them the ones a `node --import … --conditions …` start has.
  process.execArgv.push(`--import=${tsx}`, '--conditions=wirestate-source');
  await import('../src/main.ts');
}
