import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.cache/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'kafkajs', message: 'Import it from core/kafkajs.ts, which puts the produce-path fixes in place before kafkajs loads.' }] },
      ],
    },
  },
  { files: ['core/kafkajs.ts'], rules: { '@typescript-eslint/no-restricted-imports': 'off' } },
  { files: ['*.config.ts', '*.config.js', 'eslint.config.js'], rules: { 'no-restricted-syntax': 'off' } },
);
