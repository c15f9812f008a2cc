import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { emptyFacts, FACTS_VERSION, type Facts } from '@wirestate/core';
import { fileFactsStore } from '../src/index.ts';
import { tempDir } from './helpers/cli.ts';

const facts: Facts = {
  version: FACTS_VERSION,
  podNics: {
    'pod/eth42': {
      scope: 'pod',
      podNic: 'eth42',
      mac: '0a:58:0a:f4:00:05',
      addresses: ['10.244.0.5/24'],
      routes: [],
      dns: { servers: [], search: [] },
      binding: { vm: 'vm1', podNic: 'eth42', mode: 'libvirt-network', scope: 'pod' },
    },
  },
};

test('a missing facts file loads as no facts recorded', async (t) => {
  t.deepEqual(await fileFactsStore(join(tempDir(t), 'facts.json')).load(), emptyFacts());
});

test('saved facts load back equal, in a file only its owner can read', async (t) => {
  const file = join(tempDir(t), 'facts.json');
  const store = fileFactsStore(file);
  await store.save(facts);
  t.deepEqual(await store.load(), facts);
  t.is(statSync(file).mode & 0o777, 0o600);
  t.true(readFileSync(file, 'utf8').endsWith('}\n'));
});

test('a facts file of another version is refused with its version', async (t) => {
  const file = join(tempDir(t), 'facts.json');
  writeFileSync(file, JSON.stringify({ version: 99, podNics: {} }));
  const err = await t.throwsAsync(fileFactsStore(file).load());
  t.regex(err!.message, /has version 99; this wirestate reads version 1/);
});

test('a facts file that is not JSON is refused naming the file', async (t) => {
  const file = join(tempDir(t), 'facts.json');
  writeFileSync(file, '{');
  const err = await t.throwsAsync(fileFactsStore(file).load());
  t.regex(err!.message, /facts .*facts\.json is not valid JSON/);
});
