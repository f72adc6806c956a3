import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

// The project's own eslint.config.mjs on source text at a path in the tree (the file need not exist);
// type-aware rules are off, so nothing builds a TypeScript program.
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });
});

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const uses = (from: string): string => `import { x } from '${from}';\nexport const y = x;\n`;

describe('import boundaries between libs and services (eslint.config.mjs)', () => {
  it.each([
    ['libs/scoring/src/x.ts', '#libs/kafka'],
    ['libs/scoring/src/x.ts', '#libs/postgres'],
    ['libs/indicators/src/x.ts', 'pg'],
    ['libs/pipeline/src/x.ts', 'kafkajs'],
    ['libs/time/src/x.ts', '@nestjs/common'],
    ['libs/notify/src/x.ts', 'nodemailer'],
    ['libs/connectors/src/x.ts', '#libs/postgres'],
    ['libs/connectors/src/x.ts', '@nestjs/common'],
    ['libs/events/src/x.ts', 'typeorm/driver/postgres/PostgresConnectionOptions.js'],
    ['libs/pipeline/src/x.ts', '../../postgres/src/scorecards.repository'],
  ])('a domain lib (%s) may not import %s', async (file, from) => {
    const errors = await boundaryErrors(file, uses(from));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^no-restricted-imports: /);
  });

  it.each([
    ['libs/postgres/src/x.ts', '#libs/kafka'],
    ['libs/postgres/src/x.ts', 'kafkajs'],
    ['libs/kafka/src/x.ts', '#libs/postgres'],
    ['libs/kafka/src/x.ts', 'pg'],
  ])('an adapter (%s) may not import the other adapter: %s', async (file, from) => {
    const errors = await boundaryErrors(file, uses(from));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^no-restricted-imports: /);
  });

  it.each([
    ['libs/scoring/src/x.ts', '../../services/scoring-service/src/scoring.service'],
    ['libs/pipeline/src/x.ts', '../../../services/ingest/src/main'],
    ['libs/postgres/src/x.ts', '../../services/scorecard-gateway/src/scorecards.controller'],
    ['libs/kafka/src/x.ts', '#runtime/config'],
    ['libs/time/src/x.ts', '#runtime'],
  ])('nothing in libs/ (%s) imports services/ or the runtime: %s', async (file, from) => {
    const errors = await boundaryErrors(file, uses(from));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.startsWith('no-restricted-imports: '))).toBe(true);
  });

  it.each([
    ['services/compute/src/x.ts', '#libs/kafka'],
    ['services/compute/src/x.ts', 'kafkajs'],
    ['services/runtime/src/x.ts', 'kafkajs'],
    ['services/compute/src/x.ts', '../../runtime/src/tokens'],
  ])('a service (%s) leaves the backend to the composition root: not %s', async (file, from) => {
    const errors = await boundaryErrors(file, uses(from));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^no-restricted-imports: /);
  });

  it('keeps ../../../ chains out of libs and services alike', async () => {
    for (const file of ['libs/scoring/src/x.ts', 'libs/postgres/src/x.ts', 'services/compute/src/x.ts']) {
      expect(await boundaryErrors(file, uses('../../../test/support/until'))).toEqual([
        "no-restricted-imports: '../../../test/support/until' import is restricted from being used by a pattern. Use a #libs/* import.",
      ]);
    }
  });

  it.each([
    ['libs/scoring/src/x.ts', '#libs/definitions'],
    ['libs/pipeline/src/x.ts', '#libs/indicators'],
    ['libs/postgres/src/x.ts', '#libs/indicators'],
    ['libs/postgres/src/x.ts', 'typeorm'],
    ['libs/kafka/src/x.ts', '#libs/event-log'],
    ['libs/kafka/src/x.ts', 'kafkajs'],
    ['services/compute/src/x.ts', '#libs/postgres'],
    ['services/compute/src/x.ts', '#runtime/tokens'],
    ['services/runtime/src/x.ts', '#libs/kafka'],
  ])('%s may import %s', async (file, from) => {
    expect(await boundaryErrors(file, uses(from))).toEqual([]);
  });
});
