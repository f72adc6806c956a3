import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { NextFunction, Request, Response } from 'express';
import type { Server, ServerOptions } from 'socket.io';

// The headers every HTTP answer carries: no sniffing a JSON answer into a script, no referrer (a
// ?token=… link must not leak), never framed (clickjacking).
const BASIC_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
} as const;

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

// One policy for every page: its own scripts only, never framed, no plugins, no base or foreign forms.
const csp = (style: string, connect: string): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    `style-src ${style}`,
    `connect-src ${connect}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');

// The scorecard page: its own stylesheet only (it sets element.style from script, which CSP allows, and
// has no inline <style> or style=""), the favicon a data: URL, the socket to its own origin ('self'
// covers ws: and wss: of the same host in CSP 3; named as well for browsers before it).
function pageCsp(host: string | undefined): string {
  const sockets = host !== undefined && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return csp("'self'", `'self'${sockets}`);
}

// Swagger UI at /docs: its scripts are files of its own, but its page has an inline <style> and style=""
// attributes, so styles may be inline there, and only there.
const DOCS_CSP = csp("'self' 'unsafe-inline'", "'self'");

export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  const docs = req.path === '/docs' || req.path.startsWith('/docs/');
  res.setHeader('Content-Security-Policy', docs ? DOCS_CSP : pageCsp(req.headers.host));
  for (const [name, value] of Object.entries(BASIC_HEADERS)) res.setHeader(name, value);
  next();
}

// May a request with this Origin use the socket or the API? Its own origin (the Origin's host is the
// Host it asked), or one of ALLOWED_ORIGINS. Browsers send Origin on every WebSocket handshake and every
// cross-origin request; a request without one is not from a page (a test, a script, the CLI) and the
// token alone decides.
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // "null" (a sandboxed frame, a file) or garbage
  }
}

// A join is a room name: anything larger than this from a client is refused by socket.io (default: 1 MB).
export const SOCKET_MAX_MESSAGE_BYTES = 4096;

// socket.io as the gateways need it: the Origin checked at the handshake, small messages, and the same
// headers as HTTP on the answers engine.io writes itself (long-polling, the handshake).
export class SecureIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly allowedOrigins: readonly string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = this.allowedOrigins;
    const secured: Partial<ServerOptions> = {
      ...options,
      maxHttpBufferSize: SOCKET_MAX_MESSAGE_BYTES,
      allowRequest: (req, callback) => {
        const ok = originAllowed(req.headers.origin, req.headers.host, allowed);
        callback(ok ? null : 'origin not allowed', ok);
      },
      // CORS headers only for the listed origins (long-polling); the same origin needs none
      cors: allowed.length > 0 ? { origin: [...allowed] } : { origin: false },
    };
    const server = super.createIOServer(port, secured) as Server;
    server.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, BASIC_HEADERS));
    return server;
  }
}
