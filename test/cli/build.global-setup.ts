import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The CLI tests run the built bin; build once before them so they never test stale output.
export default function setup(): void {
  execFileSync(
    process.execPath,
    [join(__dirname, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: join(__dirname, '..', '..'),
      stdio: 'inherit',
    },
  );
}
