/**
 * ESLint (flat config): `npm run lint`. The rules keep the architecture true rather than police
 * style (STYLE.md §1, §7):
 * - app/db is the one door to IndexedDB: only src/app/db imports Dexie or touches `indexedDB`;
 *   views and components import nothing from app/db but its types and its error classes, and
 *   read and write through stores and composables.
 * - Imports point one way, domain ← sync ← app: domain imports neither sync nor app, sync not app.
 * Stores form no import cycle: tests/app/stores/store-imports.test.ts walks their imports.
 * - Browser tests never hand page.waitForFunction an async predicate: its Promise is truthy, so
 *   the wait ends after one evaluation whatever it found (tests/e2e/harness.ts waitForAsync polls).
 */
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

const dexie = {
  paths: [{ name: 'dexie', message: 'Only src/app/db talks to IndexedDB: use its named queries and write path.' }],
  patterns: [{ group: ['dexie/*'], message: 'Only src/app/db talks to IndexedDB.' }],
};

const doorMessage = 'Views and components read and write through stores and composables; from app/db only types and errors.';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/dist-server/**'] },
  ...pluginVue.configs['flat/base'],
  {
    files: ['src/**/*.ts', 'src/**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module', extraFileExtensions: ['.vue'] },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
  },
  {
    // Everything in the app outside its data layer.
    files: ['src/app/**/*.ts', 'src/app/**/*.vue'],
    ignores: ['src/app/db/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', dexie],
      'no-restricted-globals': ['error', { name: 'indexedDB', message: 'Only src/app/db talks to IndexedDB.' }],
    },
  },
  {
    files: ['src/app/views/**', 'src/app/components/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: dexie.paths,
          patterns: [...dexie.patterns, { group: ['**/db/*', '!**/db/errors'], allowTypeImports: true, message: doorMessage }],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sync/*', '**/app/*', '**/server/*', 'dexie', 'vue', 'pinia', 'fastify'],
              message: 'domain/ is pure: it imports no framework and no other layer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/sync/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: dexie.paths,
          patterns: [{ group: ['**/app/*', '**/server/*', 'vue', 'pinia'], message: 'Imports point one way: domain ← sync ← app.' }],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='waitForFunction'] > :function[async=true]",
          message: 'waitForFunction ends at the first evaluation of an async predicate (a Promise is truthy): use waitForAsync from tests/e2e/harness.ts.',
        },
      ],
    },
  },
);
