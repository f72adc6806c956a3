import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// Where Debian's package puts the browser and the CJK fonts that draw the page's Chinese.
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const CJK_FONTS = '/usr/share/fonts/opentype/noto';
const PACKAGES = ['chromium', 'fonts-noto-cjk', 'poppler-utils']; // poppler: pdftotext reads the review pack's PDF

// The browser tests drive a Chromium through playwright-core, which never downloads one. This finds it —
// KPI_PULSE_CHROMIUM when set (the only place looked at then), else `chromium` on PATH — and tells the
// test workers (KPI_PULSE_CHROMIUM). When it or the CJK fonts are missing, as on a fresh Debian machine,
// it installs Debian's packages with apt-get, saying so: as root only (no sudo); anyone else gets the
// command to run.
export default function setup(): void {
  const fonts = existsSync(CJK_FONTS) && onPath('pdftotext') !== undefined;
  const found = findChromium();
  if (found !== undefined && fonts) {
    process.env.KPI_PULSE_CHROMIUM = found;
    return;
  }
  const missing = [
    ...(found === undefined ? [`Chromium (${whereLooked()})`] : []),
    ...(fonts ? [] : [`CJK fonts (${CJK_FONTS}) or pdftotext`]),
  ].join(' and ');
  if (process.getuid?.() !== 0 || !onPath('apt-get'))
    throw new Error(
      `the browser tests need ${missing}, and can install them only as root on Debian: ` +
        `run "apt-get install ${PACKAGES.join(' ')}" as root, or set KPI_PULSE_CHROMIUM to a Chromium ` +
        '(or run the other tiers: npx vitest run --project unit --project integration …)',
    );
  process.stderr.write(
    `browser tests: missing ${missing}; installing Debian's ${PACKAGES.join(' and ')} with apt-get ` +
      '(once for this machine, a few hundred MB)…\n',
  );
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // another apt-get (an unattended upgrade, a second test run) holds the dpkg lock: wait for it
    const wait = ['-o', 'DPkg::Lock::Timeout=600'];
    execFileSync('apt-get', [...wait, 'update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', [...wait, 'install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], {
      stdio: 'inherit',
      env,
    });
  } catch (err) {
    throw new Error(
      `installing ${PACKAGES.join(' and ')} with apt-get failed (${err instanceof Error ? err.message : String(err)}): ` +
        `run "apt-get install ${PACKAGES.join(' ')}" as root and see what it says`,
    );
  }
  if (!executable(DEBIAN_CHROMIUM) || !existsSync(CJK_FONTS))
    throw new Error(`apt-get installed ${PACKAGES.join(' and ')}, yet ${DEBIAN_CHROMIUM} or ${CJK_FONTS} is missing`);
  process.stderr.write(`browser tests: installed; driving ${DEBIAN_CHROMIUM}\n`);
  process.env.KPI_PULSE_CHROMIUM = DEBIAN_CHROMIUM;
}

function findChromium(): string | undefined {
  const override = process.env.KPI_PULSE_CHROMIUM;
  if (override !== undefined && override !== '') return executable(override) ? override : undefined;
  return onPath('chromium');
}

const whereLooked = () =>
  process.env.KPI_PULSE_CHROMIUM ? `none at KPI_PULSE_CHROMIUM=${process.env.KPI_PULSE_CHROMIUM}` : 'none on PATH';

function onPath(command: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, command))
    .find(executable);
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
