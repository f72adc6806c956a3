import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { storageProblem } from '#libs/events';

// A caller's own id is kept when it is a sane token; otherwise one is made up. Either way it is in the
// answer's X-Request-Id and in every log line about the request, so a 5xx can be found in the logs.
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIds(req: Request, res: Response, next: NextFunction): void {
  const sent = req.headers['x-request-id'];
  const id = typeof sent === 'string' && CALLER_ID.test(sent) ? sent : randomUUID();
  res.locals['requestId'] = id;
  res.setHeader('X-Request-Id', id);
  next();
}

const requestIdOf = (res: Response): string => String(res.locals['requestId'] ?? '');

const log = new Logger('http');

// What is logged of an answer: every 5xx as an error (the server's fault, with its cause); a client's
// 4xx at debug level only, so a flood of bad requests does not read as an outage.
function logAnswer(req: Request, res: Response, status: number, message: string, cause?: unknown): void {
  const line = { msg: message, status, method: req.method, path: req.path, requestId: requestIdOf(res) };
  if (status >= 500) {
    const why = cause instanceof Error ? cause.message : cause === undefined ? undefined : JSON.stringify(cause);
    log.error(why === undefined ? line : { ...line, cause: why });
  } else log.debug(line);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

interface BodyParserError {
  status?: number;
  type?: string;
  limit?: number;
  length?: number;
  message?: string;
}

// Errors of the body parsers, before any controller: answered in the API's shape ({statusCode, error,
// message}) with what was wrong, instead of Express's HTML page and stack trace on stderr.
export function bodyErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
    return;
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as BodyParserError;
  const status = typeof e.status === 'number' && e.status >= 400 && e.status < 600 ? e.status : 500;
  const message =
    e.type === 'entity.too.large'
      ? `the body is over the limit of ${e.limit} bytes per request`
      : e.type === 'entity.parse.failed'
        ? `the body is not valid JSON: ${e.message ?? ''}`
        : status < 500
          ? (e.message ?? 'the body could not be read')
          : 'the body could not be read';
  logAnswer(req, res, status, message, err);
  res.status(status).json({ statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message });
}

// What no store can keep, refused before any controller reads it: a NUL or a lone surrogate in the body,
// the query or the path, or a body nested too deep (the rule of docs/events.md, for every endpoint), a 400
// naming the field, instead of a database error (500) or a silently altered text. Ingest and the
// connectors' webhooks read raw bytes and keep such input as a dead letter with the same reason.
export function unstorableInput(req: Request, res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    path = req.path; // a malformed escape: the router answers 404 or the controller reads it as sent
  }
  const problem =
    storageProblem({ path }) ??
    storageProblem({ query: req.query }) ??
    (Buffer.isBuffer(body) ? undefined : storageProblem({ body }));
  if (problem === undefined) {
    next();
    return;
  }
  const message = `${problem.field}: ${problem.reason}`;
  logAnswer(req, res, 400, message);
  res.status(400).json({ statusCode: 400, error: 'Bad Request', message, field: problem.field, code: problem.code });
}

// Every exception a controller throws, answered as Nest does ({statusCode, message, error}), and logged
// as logAnswer says: a 5xx with its request id and cause.
@Catch()
export class LoggedExceptions implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const known = exception instanceof HttpException;
    const status = known ? exception.getStatus() : 500;
    const body = known ? exception.getResponse() : { statusCode: 500, message: 'Internal server error' };
    const said = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    // an answer without a message (readiness: its checks) is logged as its JSON, cut short
    const message = typeof said === 'string' ? said : (JSON.stringify(said ?? body) ?? '').slice(0, 500);
    logAnswer(req, res, status, message, known ? exception.cause : exception);
    if (res.headersSent) return;
    res.status(status).json(typeof body === 'string' ? { statusCode: status, message: body } : body);
  }
}
