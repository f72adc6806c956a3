import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const CJK_FONTS = '/usr/share/fonts/opentype/noto';

// The browser tests drive Debian's Chromium (playwright-core never downloads a browser), with the CJK
// fonts that draw the page's Chinese. Missing on a fresh machine: installed from Debian's packages here,
// so `npm test` needs nothing installed beforehand; where that cannot be done, the reason says what to run.
export default function setup(): void {
  if (existsSync(CHROMIUM) && existsSync(CJK_FONTS)) return;
  process.stderr.write('browser tests: installing chromium and fonts-noto-cjk from Debian (apt-get)…\n');
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'], { stdio: 'inherit', env });
  } catch (err) {
    throw new Error(
      `the browser tests need ${CHROMIUM} and fonts-noto-cjk, and installing them failed ` +
        `(${err instanceof Error ? err.message : String(err)}): run "apt-get install chromium fonts-noto-cjk" as root`,
    );
  }
}
