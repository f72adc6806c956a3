import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// A tier's prerequisite that Debian packages (a browser, Prometheus): installed with apt-get when missing,
// as on a fresh Debian machine, saying so — as root only (no sudo); anyone else gets the command to run
// and `otherwise`, what they can do instead.
export function installDebianPackages(options: {
  tier: string; // "browser tests"
  missing: string; // what was looked for and not found
  packages: readonly string[];
  otherwise: string;
}): void {
  const { tier, missing, packages, otherwise } = options;
  const command = `apt-get install ${packages.join(' ')}`;
  if (process.getuid?.() !== 0 || !onPath('apt-get'))
    throw new Error(
      `the ${tier} need ${missing}, and can install it only as root on Debian: run "${command}" as root, ${otherwise}`,
    );
  process.stderr.write(
    `${tier}: missing ${missing}; installing Debian's ${packages.join(' and ')} with apt-get (once for this machine)…\n`,
  );
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // another apt-get (an unattended upgrade, a second test run) holds the dpkg lock: wait for it
    const wait = ['-o', 'DPkg::Lock::Timeout=600'];
    execFileSync('apt-get', [...wait, 'update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', [...wait, 'install', '-y', '-qq', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env,
    });
  } catch (err) {
    throw new Error(
      `installing ${packages.join(' and ')} with apt-get failed (${err instanceof Error ? err.message : String(err)}): ` +
        `run "${command}" as root and see what it says`,
    );
  }
}

export function onPath(command: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, command))
    .find(executable);
}

export function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
