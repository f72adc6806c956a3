import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/runtime/src/config';
import { up, type Running } from '../../services/runtime/src/up';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { schemaUrl } from '../support/service-process';
import { AUTH_ENV, tokenFor } from '../support/tokens';

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
}

const OPEN = ['/health', '/health/ready', '/metrics']; // for load balancers and Prometheus: no token

// The OpenAPI document of the composed app (/docs-json), as the docs page and a generated client read it:
// every operation says what it answers, and every protected one how to authorize, with a scheme the
// document defines — so "Try it out" with a token gets the answer, not a 401.
describe('the OpenAPI document', () => {
  let t: TestDatabase;
  let running: Running;
  let doc: OpenApi;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );

  beforeAll(async () => {
    t = await migratedTestDatabase();
    const config = loadConfig({
      DATABASE_URL: schemaUrl(DATABASE_URL, t.schema),
      PORT: '0',
      LOG_LEVEL: 'error',
      ...AUTH_ENV,
    });
    running = await up(config);
    doc = (await (await fetch(`${running.url}/docs-json`)).json()) as OpenApi;
  });
  afterAll(async () => {
    await running.close();
    await t.drop();
  });

  it('defines the bearer schemes: sign-in tokens and source credentials', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      'source-token': { type: 'http', scheme: 'bearer' },
    });
  });

  it('describes the alert subscriptions, silences and deliveries', () => {
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/alert-subscriptions',
        '/v1/alert-subscriptions/{id}',
        '/v1/alert-silences',
        '/v1/alert-silences/{id}',
        '/v1/alert-deliveries',
        '/v1/alert-deliveries/{id}/retry',
      ]),
    );
  });

  it('gives every operation a success answer with a schema (a 204 has no body)', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(20);
    const without = ops
      .filter(({ op }) => {
        const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        if (success.length === 0) return true;
        return success.some(
          ([status, r]) => status !== '204' && !Object.values(r.content ?? {}).some((c) => c.schema !== undefined),
        );
      })
      .map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(without).toEqual([]);
  });

  it('names a defined security scheme on every operation but health and metrics', () => {
    const schemes = Object.keys(doc.components.securitySchemes ?? {});
    for (const { path, method, op } of operations()) {
      const named = (op.security ?? []).flatMap((s) => Object.keys(s));
      if (OPEN.includes(path)) expect(named, `${method} ${path}`).toEqual([]);
      else {
        expect(named.length, `${method} ${path}`).toBeGreaterThan(0);
        for (const name of named) expect(schemes, `${method} ${path}`).toContain(name);
      }
    }
    expect(doc.paths['/v1/events']?.post?.security).toEqual([{ 'source-token': [] }]);
    expect(doc.paths['/v1/me']?.get?.security).toEqual([{ bearer: [] }]);
  });

  it('"Try it out" as the document says: a bearer token gets the answer, none gets 401', async () => {
    const token = await tokenFor({ role: 'admin', org: 'O1' }, 'hr-admin');
    const me = await fetch(`${running.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    const body = (await me.json()) as Record<string, unknown>;
    // the answer has the properties the schema lists
    const schema = doc.paths['/v1/me']?.get?.responses['200']?.content?.['application/json']?.schema as {
      properties: Record<string, unknown>;
    };
    for (const key of Object.keys(body)) expect(Object.keys(schema.properties)).toContain(key);
    expect((await fetch(`${running.url}/v1/me`)).status).toBe(401);
  });
});
