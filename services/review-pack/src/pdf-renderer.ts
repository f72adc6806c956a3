import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import type { StoredPack } from '#libs/postgres';

// The page is served to the browser from the built files through request interception, at an origin
// that exists only inside this browser: no network, no token, nothing else of the app reachable.
const ORIGIN = 'http://review-pack.invalid';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

export class PdfUnavailable extends Error {}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// The review pack as a PDF, printed by Chromium (playwright-core) from the review page itself in print
// mode: A4, the team and the week in each page's header, "page n / m" in the footer. One browser per
// PDF: packs are made weekly, and nothing stays running between them.
export class PackPdfRenderer {
  constructor(
    private readonly executablePath: string | null,
    private readonly webDir: string | undefined,
  ) {}

  get available(): boolean {
    return this.executablePath !== null && this.webDir !== undefined;
  }

  async render(stored: StoredPack, language: 'zh' | 'en'): Promise<Buffer> {
    const { pack } = stored;
    const { executablePath, webDir } = this;
    if (executablePath === null)
      throw new PdfUnavailable('no Chromium to print with: install chromium or set KPI_PULSE_CHROMIUM');
    if (webDir === undefined) throw new PdfUnavailable('the page is not built (npm run build)');
    const browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ locale: language === 'zh' ? 'zh-CN' : 'en-US' });
      await page.route('**/*', async (route) => {
        const url = new URL(route.request().url());
        if (url.origin !== ORIGIN) return route.abort();
        const file = url.pathname === '/' || url.pathname === '/review' ? '/index.html' : normalize(url.pathname);
        const type = TYPES[extname(file)];
        if (type === undefined || file.includes('..')) return route.fulfill({ status: 404, body: '' });
        return route.fulfill({ status: 200, contentType: type, body: await readFile(join(webDir, file)) });
      });
      // the page reads the pack from here instead of signing in (run in the page, as a script: this file
      // compiles without the DOM's types)
      await page.addInitScript(
        `window.__KPI_REVIEW_PRINT__ = ${JSON.stringify({ stored, language }).replace(/</g, '\\u003c')};`,
      );
      await page.emulateMedia({ media: 'print' });
      await page.goto(`${ORIGIN}/review`);
      await page.waitForSelector('[data-review-ready]');
      const heading =
        language === 'zh'
          ? `团队 ${pack.team.teamId} · ${pack.week.label}（${pack.week.first} 至 ${pack.week.last}）`
          : `Team ${pack.team.teamId} · ${pack.week.label} (${pack.week.first} to ${pack.week.last})`;
      const small = 'font-size:9px;width:100%;padding:0 12mm;color:#555;font-family:sans-serif;';
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: `<div style="${small}">${esc(heading)}</div>`,
        footerTemplate: `<div style="${small}text-align:right"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
        margin: { top: '18mm', bottom: '16mm', left: '12mm', right: '12mm' },
      });
    } finally {
      await browser.close();
    }
  }
}
