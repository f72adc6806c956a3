import 'reflect-metadata';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, raw, text } from 'express';
import type { DynamicModule, Type } from '@nestjs/common';
import { CONNECTOR_NAMES } from '#libs/connectors';
import type { RuntimeConfig } from './config';
import { bodyErrors, LoggedExceptions, requestIds, unstorableInput } from './http-errors';
import { SecureIoAdapter, securityHeaders } from './http-security';
import { JsonLogger } from './json-logger';
import { CONFIG } from './tokens';

// Request size limits: a JSON body up to 10 MiB (events: INGEST_MAX_REQUEST_BYTES, read by ingest itself).
export const BODY_LIMIT = '10mb';
export const CSV_LIMIT = '2mb'; // a roster as CSV (PUT /v1/roster)
export const WEBHOOK_LIMIT = '1mb'; // a vendor's webhook (docs/connectors.md): HubSpot's batches of 100 are far below
const KEEP_ALIVE_MS = 65_000;

export async function createHttpApp(
  root: Type | DynamicModule,
  logLevel: 'debug' | 'info' | 'warn' | 'error' = 'warn',
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(root, {
    bodyParser: false,
    logger: new JsonLogger(logLevel),
  });
  // every answer: security headers, no X-Powered-By; pages of other origins only if listed
  const { allowedOrigins, ingest } = app.get<RuntimeConfig>(CONFIG);
  app.disable('x-powered-by');
  app.use(requestIds);
  app.use(securityHeaders);
  if (allowedOrigins.length > 0)
    app.enableCors({ origin: [...allowedOrigins], allowedHeaders: ['authorization', 'content-type', 'x-kpi-note'] });
  app.useWebSocketAdapter(new SecureIoAdapter(app, allowedOrigins));
  // events are read as bytes, whatever their Content-Type: ingest answers each kind of bad body itself
  app.use('/v1/events', raw({ type: () => true, limit: ingest.maxRequestBytes }));
  // a connector's webhook too: its signature is over the exact bytes (JSON, or Twilio's form)
  app.use(
    CONNECTOR_NAMES.map((name) => `/v1/sources/${name}`),
    raw({ type: () => true, limit: WEBHOOK_LIMIT }),
  );
  app.use(json({ limit: BODY_LIMIT, type: ['application/json'] }));
  app.use(text({ limit: BODY_LIMIT, type: ['application/yaml', 'text/yaml'] }));
  app.use(text({ limit: CSV_LIMIT, type: ['text/csv'] }));
  app.use(bodyErrors);
  app.use(unstorableInput);
  app.useGlobalFilters(new LoggedExceptions());
  // An idle connection is kept longer than clients keep theirs in their pools (fetch: 4 s; load balancers:
  // 60 s), so the server never closes one just as a client sends on it (the client then sees ECONNRESET).
  const server: Server = app.getHttpServer();
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000; // must exceed keepAliveTimeout
  return app;
}

// The OpenAPI document at /docs (the page) and /docs-json. Two bearer schemes, so "Try it out" works
// with the right token: `bearer`, a sign-in token (`kpi-pulse token`, or the one in the demo's links) for
// the scorecard API; `source-token`, a source's write credential (POST /v1/sources) for ingest.
export function serveOpenApi(app: NestExpressApplication): void {
  const openapi = new DocumentBuilder()
    .setTitle('KPI Pulse')
    .setDescription(
      'Ingest canonical events; read scorecards, definitions, the roster and sources; health and metrics. ' +
        'Scorecards also stream over socket.io at /scorecards. Authorize with a token: a sign-in token ' +
        '(`npx kpi-pulse token --role admin --org O1`) for `bearer`, a source credential for `source-token`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'a sign-in token: npx kpi-pulse token …' },
      'bearer',
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: "a source's write credential (POST /v1/sources)" },
      'source-token',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'Stripe-Signature',
        description:
          "a connector's webhook is signed the vendor's way, by the vendor: Stripe-Signature, X-HubSpot-Signature-v3, X-Zendesk-Webhook-Signature, X-Twilio-Signature, X-KPI-Pulse-Signature (a Salesforce relay), Basic credentials (Pipedrive, Freshdesk) or Aircall's token in the body (docs/connectors.md)",
      },
      'vendor-signature',
    )
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openapi));
}
