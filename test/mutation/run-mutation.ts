import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// `npm run mutation [-- <lib>[:<glob>]...]`: Stryker on the domain libs, one lib at a time (the machine
// is shared), with the unit and property tiers; `indicators:state/*.ts` mutates only those files of the
// lib; `--unit` leaves the property tier out (a lower bound, for a quick look); `--own` runs only the
// lib's own specs (a lower bound still: a lib whose code other libs' slower specs load, like
// definitions, is measured in minutes instead of hours); `--concurrency N` runs N test processes instead
// of the config's 2 (1 when other work shares the cores). Reports and the incremental file per lib go to
// test-output/mutation/<lib>/ (…/<lib>-unit/ with --unit, …/<lib>-own/ with --own); `--part NAME` adds
// -NAME, so that runs of different files of one lib (at the same time, or one after the other) each keep
// their own incremental file.
const DOMAIN_LIBS = [
  'scoring',
  'time',
  'indicators',
  'definitions',
  'events',
  'evaluation',
  'access',
  'alerting',
  'notify',
  'close',
  'review',
  'preview',
];

const args = process.argv.slice(2);
const ownOnly = args.includes('--own');
const unitOnly = args.includes('--unit') || ownOnly;
const concurrencyAt = args.indexOf('--concurrency');
const concurrency = concurrencyAt === -1 ? undefined : Number(args[concurrencyAt + 1]);
if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
  console.error('--concurrency takes a whole number of test processes, at least 1');
  process.exit(2);
}
const partAt = args.indexOf('--part');
const part = partAt === -1 ? undefined : args[partAt + 1];
if (part !== undefined && !/^[a-z0-9-]+$/.test(part)) {
  console.error('--part takes a name of lowercase letters, digits and dashes');
  process.exit(2);
}
const valueAt = new Set([concurrencyAt, partAt].filter((at) => at !== -1).flatMap((at) => [at, at + 1]));
const asked = args
  .filter((arg, at) => arg !== '--unit' && arg !== '--own' && !valueAt.has(at))
  .map((arg) => {
    // lib:glob, the glob with a line range of Stryker's if given (indicators:indicator-engine.ts:1-300)
    const colon = arg.indexOf(':');
    return colon === -1 ? { lib: arg, glob: '**/*.ts' } : { lib: arg.slice(0, colon), glob: arg.slice(colon + 1) };
  });
const unknown = asked.map(({ lib }) => lib).filter((lib) => !DOMAIN_LIBS.includes(lib));
if (unknown.length > 0) {
  console.error(`not a domain lib: ${unknown.join(', ')} (one of ${DOMAIN_LIBS.join(', ')})`);
  process.exit(2);
}

const base = JSON.parse(readFileSync('test/mutation/stryker.config.json', 'utf8')) as Record<string, unknown>;
let failed = 0;
for (const { lib, glob } of asked.length > 0 ? asked : DOMAIN_LIBS.map((lib) => ({ lib, glob: '**/*.ts' }))) {
  const tier = ownOnly ? `${lib}-own` : unitOnly ? `${lib}-unit` : lib;
  const out = join('test-output', 'mutation', part === undefined ? tier : `${tier}-${part}`);
  mkdirSync(out, { recursive: true });
  const config = {
    ...base,
    ...(concurrency === undefined ? {} : { concurrency }),
    // production code only: specs, fixtures and barrels are not under test
    mutate: [`libs/${lib}/src/${glob}`, '!**/*.spec.ts', '!**/*.fixture.ts', '!**/index.ts'],
    incrementalFile: join(out, 'incremental.json'),
    htmlReporter: { fileName: join(out, 'index.html') },
    jsonReporter: { fileName: join(out, 'mutation.json') },
  };
  const file = join(out, 'stryker.config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  console.log(`\n== mutation testing libs/${lib}/src/${glob} ==`);
  const env = { ...process.env, MUTATION_TIERS: ownOnly ? `own:${lib}` : unitOnly ? 'unit' : 'unit,property' };
  const run = spawnSync('npx', ['stryker', 'run', file], { stdio: 'inherit', env });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
