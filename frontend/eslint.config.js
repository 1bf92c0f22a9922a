// ESLint for the web client: the JavaScript and TypeScript recommended rules and the React
// hooks rules (the Rules of React), run by `npm run lint` and so by `make lint`.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  // Generated (codegen, the build) or written by the test runners.
  globalIgnores(['dist/', 'src/gql/', 'test-results/', 'playwright-report/']),
  {
    files: ['**/*.{ts,tsx,js}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.browser },
    rules: {
      // As tsc's noUnusedParameters: a leading underscore marks a parameter kept on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    files: ['*.{ts,js}', 'e2e/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // Playwright reads a fixture's first parameter as an object pattern, `({}, use)` when it
    // needs no other fixture, and `extend<{}, ...>` declares no test-scoped fixtures.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off', '@typescript-eslint/no-empty-object-type': 'off' },
  },
]);
