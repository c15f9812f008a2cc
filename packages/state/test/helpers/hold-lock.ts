/** Child process for lock tests: takes the scope locks named in argv, says `held`, then holds them until killed or stdin closes. */
import { scopeLock, stateLayout } from '../../src/index.ts';

const [dir, ...scopes] = process.argv.slice(2);
const release = await scopeLock(stateLayout(dir!), { timeoutMs: 60_000, command: 'test-holder' }).acquire(scopes);
process.stdout.write('held\n');
process.stdin.resume();
process.stdin.on('end', () => void release().then(() => process.exit(0)));
