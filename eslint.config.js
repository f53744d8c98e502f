import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Generated or installed: builds, runtime and benchmark work folders, scratch files.
  { ignores: ['dist/**', '**/node_modules/**', 'coverage/**', 'docs/api/**', '.tmp/**', 'runtimes/.work/**', 'bench/.work/**', '**/.probe*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['examples/**', 'scripts/**', 'bench/**', 'src/cli/**', 'test/support/*-script.ts'],
    rules: { 'no-console': 'off' },
  },
);
