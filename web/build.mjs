/// <reference types="node" />
// Bundles the scorecard page: src/main.ts → dist/web/app.js, with index.html and styles.css beside it.
// `node web/build.mjs` (from `npm run build`); exits non-zero on any error.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webDir, '..');
const outDir = path.join(repoRoot, 'dist/web');

try {
  await mkdir(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [path.join(webDir, 'src/main.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  if (result.errors.length > 0) process.exit(1);
  await Promise.all(
    ['index.html', 'styles.css'].map((file) => copyFile(path.join(webDir, file), path.join(outDir, file))),
  );
  process.stdout.write(`web: ${path.relative(repoRoot, outDir)}/{index.html,app.js,styles.css}\n`);
} catch (err) {
  // esbuild has printed its own messages; anything else is printed here
  if (!(err instanceof Error && 'errors' in err)) process.stderr.write(`web build failed: ${String(err)}\n`);
  process.exit(1);
}
