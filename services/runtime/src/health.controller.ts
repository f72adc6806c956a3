import { Controller, Get, Header, HttpException, Inject } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags, type ApiResponseSchemaHost } from '@nestjs/swagger';
import { errorMessage } from '#libs/pipeline';
import type { Database } from './database';
import type { PipelineMetrics } from './metrics';
import { DATABASE, LOG_HEALTH, METRICS, type LogHealth } from './tokens';

export interface Health {
  status: 'ok' | 'unavailable';
  checks: {
    database: string;
    log: { end: number; processed: number; lag: number } | { kafka: { brokers: number } } | string;
  };
}

const HEALTH_SCHEMA: ApiResponseSchemaHost['schema'] = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: {
      type: 'object',
      properties: {
        database: { type: 'string', description: 'ok, or why not' },
        log: {
          description: "the Postgres log's end, the processor's position and their lag; or Kafka's brokers",
          oneOf: [
            {
              type: 'object',
              properties: { end: { type: 'integer' }, processed: { type: 'integer' }, lag: { type: 'integer' } },
            },
            { type: 'object', properties: { kafka: { type: 'object', properties: { brokers: { type: 'integer' } } } } },
            { type: 'string' },
          ],
        },
      },
    },
  },
};

// open to anyone (no token): what a load balancer, a supervisor and Prometheus read
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(LOG_HEALTH) private readonly log: LogHealth,
    @Inject(METRICS) private readonly metrics: PipelineMetrics,
  ) {}

  // liveness: the process answers
  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiResponse({ status: 200, schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  // readiness: the database answers and the log is readable; 503 otherwise
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: database and event log, with the indicator processor lag; 503 when not ready' })
  @ApiResponse({ status: 200, description: 'ready', schema: HEALTH_SCHEMA })
  @ApiResponse({ status: 503, description: 'not ready: the check that failed says why', schema: HEALTH_SCHEMA })
  async ready(): Promise<Health> {
    const health: Health = { status: 'ok', checks: { database: 'ok', log: 'unchecked' } };
    try {
      await this.database.db.query('SELECT 1');
      health.checks.log = await this.log.check();
    } catch (err) {
      health.status = 'unavailable';
      health.checks.database = errorMessage(err);
      throw new HttpException(health, 503);
    }
    return health;
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics: events by outcome, consumer lag, fold and end-to-end latency' })
  @Header('content-type', 'text/plain; version=0.0.4')
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'the Prometheus text format', schema: { type: 'string' } })
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
