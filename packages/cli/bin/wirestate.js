#!/usr/bin/env node
// Runs the TypeScript source through tsx in a child node that resolves @wirestate/*
// packages to their sources (the `wirestate-source` export condition): conditions can
// only be set on node's command line, hence one re-exec instead of an in-process loader.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
// tsx is resolved from this package, so the bin works from any working directory.
const tsx = import.meta.resolve('tsx');
const child = spawnSync(process.execPath, [`--import=${tsx}`, '--conditions=wirestate-source', main, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
if (child.error) {
  process.stderr.write(`wirestate: cannot start node: ${child.error.message}\n`);
  process.exit(1);
}
if (child.signal) process.kill(process.pid, child.signal);
process.exit(child.status ?? 1);
