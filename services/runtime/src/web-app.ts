import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

// The scorecard page (web/, built into dist/web by `npm run build`): served at / and, in TV mode, at
// /tv. Found from this file upwards, whether it runs from the sources or dist/.
export function serveWebApp(app: NestExpressApplication): string | undefined {
  const web = builtWebApp();
  if (web === undefined) return undefined;
  app.useStaticAssets(web, { index: 'index.html', maxAge: '1m' });
  app.use('/tv', (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' && (req.path === '/' || req.path === '')) res.sendFile(join(web, 'index.html'));
    else next();
  });
  return web;
}

// the built page's directory (dist/web), or undefined when it is not built
export function builtWebApp(): string | undefined {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const web = join(dir, 'dist', 'web');
  return existsSync(join(web, 'index.html')) ? web : undefined;
}
