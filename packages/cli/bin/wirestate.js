#!/usr/bin/env node
// Runs the TypeScript source in this very process: tsx's loader and a hook adding the
// `wirestate-source` export condition are registered, then the entry is imported. No
// child node: a signal sent to this pid reaches the CLI's own handlers (an apply stops
// after its running step and rolls back), and the exit status is the CLI's.
import { register } from 'node:module';
import process from 'node:process';

// tsx is resolved from this package, so the bin works from any working directory.
const tsx = import.meta.resolve('tsx');
await import(tsx);
register('./source-condition.js', import.meta.url);
// Processes that run our sources again (the confirm timer, the netlink worker) copy the
// loader flags from execArgv: give them the ones a `node --import … --conditions …` start has.
process.execArgv.push(`--import=${tsx}`, '--conditions=wirestate-source');
await import('../src/main.ts');
