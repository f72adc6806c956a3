import { Module, type INestApplication, type Type } from '@nestjs/common';
import { loadDefinitions } from '#libs/definitions';
import { loadConfig } from '../../services/runtime/src/config';
import { createHttpApp } from '../../services/runtime/src/http-app';
import { RuntimeModule } from '../../services/runtime/src/runtime.module';
import type { Clock } from '../../services/runtime/src/tokens';
import { DATABASE_URL, type TestDatabase } from './postgres';
import { AUTH_ENV } from './tokens';

// The given services as one real Nest app on the test's database, listening on a free port; `env`: more
// settings (the test tokens' secret is always set); `definitions`: a definitions directory other than the seed's.
export async function startTestApp(
  t: TestDatabase,
  services: readonly Type[],
  clock?: Clock,
  env: Readonly<Record<string, string>> = {},
  definitions = 'definitions/seed',
): Promise<{ app: INestApplication; base: string }> {
  const database = { db: t.db, url: DATABASE_URL, embedded: false, close: () => Promise.resolve() }; // the test drops its schema
  @Module({
    imports: [
      RuntimeModule.register({
        config: loadConfig({ ...AUTH_ENV, ...env }),
        database,
        definitions: loadDefinitions(definitions).set,
        ...(clock === undefined ? {} : { clock }),
      }),
      ...services,
    ],
  })
  class TestApp {}
  const app = await createHttpApp(TestApp);
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl() };
}
