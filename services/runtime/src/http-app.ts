import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, text } from 'express';
import type { DynamicModule, Type } from '@nestjs/common';
import { JsonLogger } from './json-logger';

// Request size limits: a batch of NDJSON events up to 10 MiB, a JSON body up to 10 MiB.
export const BODY_LIMIT = '10mb';

export async function createHttpApp(
  root: Type | DynamicModule,
  logLevel: 'debug' | 'info' | 'warn' | 'error' = 'warn',
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(root, {
    bodyParser: false,
    logger: new JsonLogger(logLevel),
  });
  app.use(
    json({
      limit: BODY_LIMIT,
      type: ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'],
    }),
  );
  app.use(text({ limit: BODY_LIMIT, type: ['application/x-ndjson', 'application/yaml', 'text/yaml'] }));
  return app;
}
