import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frameworkPackages = ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', 'socket.io', 'socket.io-client', 'express'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'bin/**', '.scratch/**', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../../*'], message: 'Use a #libs/* import.' }] }],
    },
  },
  {
    // The domain stays framework-free: NestJS, TypeORM, kafkajs and socket.io live in services/ and in
    // the thin adapter libs (libs/postgres, libs/kafka).
    files: ['libs/**/*.ts'],
    ignores: ['libs/postgres/**', 'libs/kafka/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: frameworkPackages, message: 'libs/ is the pure domain: no framework imports.' }] },
      ],
    },
  },
  {
    // kafkajs stays in its adapter: services see the event-log port and the processor's consumer only.
    files: ['services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../../../*'], message: 'Use a #libs/* import.' },
            { group: ['kafkajs'], message: 'kafkajs lives in libs/kafka.' },
          ],
        },
      ],
    },
  },
);
