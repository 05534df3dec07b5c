import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.wrangler/', 'coverage/', 'dist/', 'worker-configuration.d.ts', 'hi.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    // Hono's `c.var` builds a new object from every variable on each read: read one with c.get('name').
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'c',
          property: 'var',
          message: "c.var copies every context variable on each read; use c.get('name').",
        },
      ],
    },
  },
  {
    // The web console renders API values as text only (console/src/dom.ts): no HTML parsing sinks.
    files: ['console/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Build elements with h() from console/src/dom.ts; values must stay text.' },
        { property: 'outerHTML', message: 'Build elements with h() from console/src/dom.ts; values must stay text.' },
        {
          property: 'insertAdjacentHTML',
          message: 'Build elements with h() from console/src/dom.ts; values must stay text.',
        },
        { object: 'document', property: 'write', message: 'Build elements with h() from console/src/dom.ts.' },
      ],
    },
  },
  {
    // The launcher is plain JavaScript run by Node (TypeScript files get their globals from their types).
    files: ['scripts/**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' },
    },
  },
);
