import type { LoggerService } from '@nestjs/common';

const ORDER = { debug: 0, info: 1, warn: 2, error: 3 } as const;
type Level = keyof typeof ORDER;

// Structured logs: one JSON object a line on stderr ({time, level, context, msg}), for log shippers. A
// message that is a plain object gives its fields to the line ({ msg, requestId, … }). Nest's start-up
// chatter (a line per module and per route: a hundred lines before the first useful one) is debug.
export class JsonLogger implements LoggerService {
  constructor(private readonly minimum: Level = 'info') {}

  log(message: unknown, context?: string): void {
    this.write(context !== undefined && START_UP_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, context, trace);
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  private write(level: Level, message: unknown, context?: string, trace?: string): void {
    if (ORDER[level] < ORDER[this.minimum]) return;
    const fields = isPlainObject(message) ? message : { msg: message instanceof Error ? message.message : message };
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, ...fields };
    if (context !== undefined) line.context = context;
    if (trace !== undefined) line.trace = trace;
    process.stderr.write(`${JSON.stringify(line)}\n`);
  }
}

const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
  'NestMicroservice',
]);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
