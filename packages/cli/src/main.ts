/** Process entry: runs the CLI on the process's arguments and exits with its code. */
import { processIo } from './io.ts';
import { run } from './program.ts';

process.exitCode = await run(process.argv.slice(2), processIo());
