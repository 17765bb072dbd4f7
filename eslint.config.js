// Lint rules for the whole project: JavaScript's and typescript-eslint's recommended sets, and
// the Astro plugin's for components. `npm run lint` runs this and Prettier's check, with no warning allowed.
import js from '@eslint/js';
import astro from 'eslint-plugin-astro';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.astro/',
      'bench-results/',
      'tests/fixtures/sites/*/dist/',
      'tests/fixtures/sites/*/.astro/',
      'tests/fixtures/sites/.tmp*/',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  astro.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Unused names are mistakes, except a deliberately ignored `_` parameter or rest sibling.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Non-null assertions are how this code says "the schema guarantees it"; they stay.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Scripts that run in the browser (theme toggle, copy button, time zones, dev-only clients).
    files: ['src/components/**/*.astro', 'src/layouts/**/*.astro', 'src/scripts/*.js', 'src/integration/*-client.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Repro snippets are content: written by incident authors in the style of their own stack,
    // sometimes for a newer engine than the linter knows (V8's linear-time `l` flag).
    files: ['content/**'],
    rules: { '@typescript-eslint/no-unused-vars': 'off', 'no-invalid-regexp': 'off' },
  },
);
