// ESLint: the recommended rules of @eslint/js and typescript-eslint over src/, test/, bench/ and
// the browser scripts in public/. Not type-aware: `npm run typecheck` already runs the compiler,
// and the type-checked presets made the lint about seven times slower (68 s against 10 s).
// Import boundaries and cycles are dependency-cruiser's job (.dependency-cruiser.cjs).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'data/'] },
  // A disable comment that no longer silences anything fails the lint, so none outlives its reason.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // A leading underscore marks a name left unused on purpose (an interface's argument, a key
      // dropped by destructuring), as the code already writes it.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `let x; const m = new M(() => x); x = new X(m)`: a closure reads x before its one assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A page without a charset lets the browser guess its encoding (issue 13).
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.property.name='type'] > Literal[value='text/html']",
        message: "Send pages with sendPage (platform/http/replies.ts) or type('text/html; charset=utf-8').",
      }],
    },
  },
  {
    files: ['**/*.test.{ts,tsx}', '**/*.testing.{ts,tsx}', 'test/**', 'bench/**'],
    rules: {
      // Tests read untyped JSON bodies and fake third-party APIs as loose objects; their
      // assertions are the check.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Progressive-enhancement scripts served as they are, no build step: ES5 syntax in an IIFE,
    // using one later built-in (Promise).
    files: ['public/**/*.js'],
    languageOptions: { ecmaVersion: 5, sourceType: 'script', globals: { ...globals.browser, Promise: 'readonly' } },
    rules: {
      // ES5 has no `catch {}` without a binding.
      '@typescript-eslint/no-unused-vars': ['error', { caughtErrors: 'none' }],
    },
  },
);
