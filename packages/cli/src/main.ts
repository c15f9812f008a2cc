/** Process entry: runs the CLI on the process's arguments and exits with its code. */
import { processIo } from './io.ts';
import { run } from './program.ts';

// A reader that went away (`wirestate apply … | head`) must not kill an apply half-way:
// its output is lost, the journaled work goes on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

process.exitCode = await run(process.argv.slice(2), processIo());
