import { Controller, Get, Header, HttpException, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  // readiness: the database answers and the log is readable; 503 otherwise
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: database and event log, with the indicator processor lag; 503 when not ready' })
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
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
