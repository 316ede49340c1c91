// Lint, with the layering of ARCHITECTURE.md as import rules: a wrong import fails `npm run lint`.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// Only these files may import 'electron' (ARCHITECTURE.md, "Folders").
const electronFiles = ['main/index.ts', 'main/window.ts', 'main/transport/ipc.ts', 'main/electron/**/*.ts', 'preload/index.ts'];
const noElectron = { name: 'electron', message: 'Only main/index.ts, main/window.ts, main/transport/ipc.ts, main/electron/* and preload/index.ts import electron.' };
const noElectronStore = { name: 'electron-store', message: 'electron-store imports electron: use it only in main/electron/*.' };

const noServer = { group: ['**/server', '**/server/**'], message: 'main/ never imports server/: the embedded central server runs as a child process.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'bench-results/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // An `any` switches the type checker off where the data is least trusted (rows, messages).
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': ['error', { paths: [noElectron, noElectronStore] }],
    },
  },
  {
    files: electronFiles,
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // ARCHITECTURE.md: main/ never imports server/ (the embedded demo server is a child process).
    files: ['main/**/*.ts'],
    ignores: electronFiles,
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron, noElectronStore], patterns: [noServer] }],
    },
  },
  {
    files: electronFiles.filter((f) => f.startsWith('main/')),
    rules: { 'no-restricted-imports': ['error', { patterns: [noServer] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, noElectronStore, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer never imports Node.' }))],
          patterns: [
            { group: ['**/db', '**/db/**'], message: 'The renderer never imports db/: go through window.csu.' },
            { group: ['**/main', '**/main/**'], message: 'The renderer never imports main/: go through window.csu.' },
            { group: ['**/server', '**/server/**'], message: 'The renderer never imports server/.' },
            { group: ['knex', 'sqlite3', 'pg', 'ws', 'conf'], message: 'Node-only package in the renderer.' },
            { regex: '^\\.\\./(\\.\\./)*preload/(?!contract$)', message: 'The renderer uses only types from preload/contract.ts.' },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    ignores: ['preload/index.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron, noElectronStore], patterns: [{ regex: '^\\.\\.?/(?!(contract|vocabulary|admin|review)$)', message: 'preload/ imports only ./contract and its zod modules (./vocabulary, ./admin, ./review).' }, { regex: '^\\.\\./', message: 'preload/ imports only ./contract and its zod modules (./vocabulary, ./admin, ./review).' }] },
      ],
    },
  },
  {
    files: ['preload/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\.?/(?!(contract|vocabulary|admin|review)$)', message: 'preload/ imports only ./contract and its zod modules (./vocabulary, ./admin, ./review).' }] }],
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron, noElectronStore], patterns: [{ group: ['**/main', '**/main/**'], message: 'db/ knows nothing of main/.' }, { group: ['**/renderer/**'], message: 'db/ knows nothing of the renderer.' }] },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron, noElectronStore], patterns: [{ group: ['**/main', '**/main/**', '**/renderer/**'], message: 'server/ uses only db/ (the journal codec).' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.mjs', '*.js', '*.mjs'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-restricted-imports': 'off' },
  },
);
