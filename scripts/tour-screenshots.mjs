// Screenshots of each guided tour's first step, for the README: builds nothing, serves
// dist/ (run `bash scripts/build.sh` first), opens `?tour=NAME`, plays the step to its pause
// and writes docs/tours/NAME.jpg: a 1280×800 page at three quarters scale, JPEG, to keep
// the repository small.
//   node scripts/tour-screenshots.mjs
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../web/tests/browser.mjs';
import { serve } from '../web/tests/server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await serve(`${root}dist`);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 0.75 });
async function open(url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.riverRaft !== undefined);
  return page;
}
await mkdir(`${root}docs/tours`, { recursive: true });
try {
  const page = await open(`${server.url}?seed=1&paused`);
  const tours = await page.evaluate(() => window.riverRaft.tours());
  await page.close();
  for (const { name } of tours) {
    const p = await open(`${server.url}?tour=${name}`);
    await p.evaluate(() => {
      window.riverRaft.pause();
      for (let k = 0; k < 400 && window.riverRaft.tourState().state === 'playing'; k++) window.riverRaft.advance(50);
    });
    await p.waitForTimeout(200);
    await p.screenshot({ path: `${root}docs/tours/${name}.jpg`, type: 'jpeg', quality: 80 });
    await p.close();
    console.log(`docs/tours/${name}.jpg`);
  }
} finally {
  await browser.close();
  await server.close();
}
