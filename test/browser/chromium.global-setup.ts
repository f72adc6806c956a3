import { existsSync } from 'node:fs';
import { executable, installDebianPackages, onPath } from '../support/debian-packages';

// Where Debian's package puts the browser and the CJK fonts that draw the page's Chinese.
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const CJK_FONTS = '/usr/share/fonts/opentype/noto';
const PACKAGES = ['chromium', 'fonts-noto-cjk', 'poppler-utils']; // poppler: pdftotext reads the review pack's PDF

// The browser tests drive a Chromium through playwright-core, which never downloads one. This finds it —
// KPI_PULSE_CHROMIUM when set (the only place looked at then), else `chromium` on PATH — and tells the
// test workers (KPI_PULSE_CHROMIUM). When it or the CJK fonts are missing, as on a fresh Debian machine,
// it installs Debian's packages (support/debian-packages.ts).
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
  installDebianPackages({
    tier: 'browser tests',
    missing,
    packages: PACKAGES,
    otherwise:
      'or set KPI_PULSE_CHROMIUM to a Chromium (or run the other tiers: npx vitest run --project unit --project integration …)',
  });
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
