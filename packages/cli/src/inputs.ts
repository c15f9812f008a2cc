/** Reading the CLI's input files: topology, snapshot, facts. Every failure names the file. */
import { readFile } from 'node:fs/promises';
import { completeState, emptyFacts, FACTS_VERSION, parseTopology, RESOURCE_KINDS, type Facts, type State, type Topology } from '@wirestate/core';

import { CliError } from './failure.ts';

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new CliError(`cannot read ${what} ${file}: ${why}`);
  }
}

function parseJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses and validates a topology file; throws the parser's `ValidationError` with located issues. */
export async function readTopologyFile(file: string): Promise<Topology> {
  const text = await readText(file, 'topology');
  return parseTopology(text, file);
}

/** Reads a live snapshot saved as a (possibly partial) `State` JSON document. */
export async function readSnapshotFile(file: string): Promise<State> {
  const doc = parseJson(await readText(file, 'snapshot'), file, 'snapshot');
  if (!isObject(doc)) throw new CliError(`snapshot ${file} must be a JSON object keyed by resource kind`);
  const known = new Set<string>(RESOURCE_KINDS);
  const issues = Object.entries(doc).flatMap(([k, v]) => {
    if (!known.has(k)) return [{ code: 'unknown_kind', path: [k], message: `unknown resource kind; expected one of ${RESOURCE_KINDS.join(', ')}` }];
    if (!isObject(v)) return [{ code: 'invalid_type', path: [k], message: 'must be an object keyed by resource id' }];
    return [];
  });
  if (issues.length > 0) throw new CliError(`snapshot ${file} is not a wirestate state`, issues, file);
  return completeState(doc as Partial<State>);
}

/** Reads recorded facts; a missing file means nothing is recorded yet. */
export async function readFactsFile(file: string): Promise<Facts> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyFacts();
    throw new CliError(`cannot read facts ${file}: ${(err as Error).message}`);
  }
  const doc = parseJson(text, file, 'facts');
  if (!isObject(doc) || !isObject(doc.podNics)) throw new CliError(`facts ${file} must be an object with "version" and "podNics"`);
  if (doc.version !== FACTS_VERSION) throw new CliError(`facts ${file} has version ${JSON.stringify(doc.version)}; this wirestate reads version ${FACTS_VERSION}`);
  return doc as unknown as Facts;
}
