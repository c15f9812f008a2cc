// ESLint: typescript-eslint recommended everywhere; packages/core must stay pure (no I/O).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.bundle-test-*/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['netlink', 'xml2js', 'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'net', 'node:net', 'os', 'node:os'].map((name) => ({
            name,
            message: 'packages/core is pure: I/O belongs in a driver or the CLI.',
          })),
          patterns: [{ group: ['@wirestate/drivers', '@wirestate/cli'], message: 'core depends on nothing of ours.' }],
        },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['packages/drivers/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
