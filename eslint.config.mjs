import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// nodemailer is an edge too: the SMTP sender lives in services/runtime
const frameworkPackages = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'kafkajs',
  'socket.io',
  'socket.io-client',
  'express',
  'nodemailer',
];

// Import boundaries. In flat config a later block's no-restricted-imports replaces an earlier one for the
// same files, so each group below carries every pattern that applies to it. A `group` is gitignore-style,
// where a leading # starts a comment: subpath imports (#libs/*, #runtime/*) are matched by regex.
const noDeepRelative = { group: ['../../../*'], message: 'Use a #libs/* import.' };
// libs/ are libraries: the runtime (services/, a future #runtime/* import) composes them, never the reverse
const noServices = [
  { regex: '^\\.\\.?/(.*/)?services(/|$)', message: 'libs/ never imports services/: the runtime composes libs.' },
  { regex: '^#runtime(/|$)', message: 'libs/ never imports the runtime: the runtime composes libs.' },
];
const adapterImport = (adapter, message) => [
  { regex: `^#libs/${adapter}(/|$)`, message },
  { regex: `^\\.\\.?/(.*/)?${adapter}/src(/|$)`, message },
];
const noKafkajs = { group: ['kafkajs'], message: 'kafkajs lives in libs/kafka.' };
const domainMessage = 'Domain libs import only domain libs: the adapters (libs/postgres, libs/kafka) import them.';

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
      'no-restricted-imports': ['error', { patterns: [noDeepRelative] }],
    },
  },
  {
    // The domain (access, connectors, definitions, evaluation, events, indicators, notify, scoring,
    // simulator, time, event-log, pipeline) is framework-free and imports only the domain: NestJS,
    // TypeORM, kafkajs and socket.io live in services/ and in the thin adapter libs.
    files: ['libs/**/*.ts'],
    ignores: ['libs/postgres/**', 'libs/kafka/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noDeepRelative,
            ...noServices,
            { group: frameworkPackages, message: 'libs/ is the pure domain: no framework imports.' },
            ...adapterImport('postgres', domainMessage),
            ...adapterImport('kafka', domainMessage),
          ],
        },
      ],
    },
  },
  {
    // Adapters implement the domain's ports: they import domain libs and their own driver, not each other.
    files: ['libs/postgres/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noDeepRelative,
            ...noServices,
            { group: ['kafkajs'], message: 'kafkajs lives in libs/kafka.' },
            ...adapterImport('kafka', 'Adapters do not import each other: share a port in a domain lib.'),
          ],
        },
      ],
    },
  },
  {
    files: ['libs/kafka/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noDeepRelative,
            ...noServices,
            { group: ['typeorm', 'pg'], message: 'TypeORM and pg live in libs/postgres.' },
            ...adapterImport('postgres', 'Adapters do not import each other: share a port in a domain lib.'),
          ],
        },
      ],
    },
  },
  {
    // kafkajs stays in its adapter
    files: ['services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noDeepRelative, noKafkajs] }],
    },
  },
  {
    // A service sees ports: the backend (Postgres log or Kafka) and each feed's transport are chosen once,
    // in the composition root (services/runtime), which services reach as #runtime/*.
    files: ['services/**/*.ts'],
    ignores: ['services/runtime/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noDeepRelative,
            noKafkajs,
            { regex: '^#libs/kafka(/|$)', message: 'Only the composition root (services/runtime) chooses Kafka.' },
            { regex: '(^|/)runtime/src(/|$)', message: 'Use a #runtime/* import.' },
          ],
        },
      ],
    },
  },
);
