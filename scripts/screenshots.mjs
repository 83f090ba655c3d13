// Every screenshot the README shows, made again from the page as it is now: each guided
// tour's first step (docs/tours/NAME.jpg), the projector view (docs/projector.jpg) and the
// election lab (docs/election-lab.jpg). Builds nothing: it serves dist/, so run it through
//   npm run screenshots      (bash scripts/build.sh, then this)
// or `node scripts/screenshots.mjs [tours|projector|lab…]` after a build. Each is a JPEG, to keep the repository
// small; a fresh browser profile, so the page looks as a first visit does.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../web/tests/browser.mjs';
import { serve } from '../web/tests/server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await serve(`${root}dist`);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });

/** Opens `query` in a page of `width`×`height` CSS px at `scale` device pixels each. */
async function open(query, width, height, scale = 1) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale });
  const page = await context.newPage();
  await page.goto(server.url + query);
  await page.waitForFunction(() => window.riverRaft !== undefined);
  return page;
}

/** Writes `page` to docs/NAME.jpg once its canvases have painted, and closes it. */
async function shoot(page, name) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${root}docs/${name}.jpg`, type: 'jpeg', quality: 80 });
  await page.context().close();
  console.log(`docs/${name}.jpg`);
}

/** The first step of every tour, played to its pause: a 1280×800 page at three quarters. */
async function tours() {
  await mkdir(`${root}docs/tours`, { recursive: true });
  const list = await open('?seed=1&paused', 1280, 800);
  const names = await list.evaluate(() => window.riverRaft.tours().map((t) => t.name));
  await list.context().close();
  for (const name of names) {
    const page = await open(`?tour=${name}`, 1280, 800, 0.75);
    await page.evaluate(() => {
      window.riverRaft.pause();
      for (let k = 0; k < 400 && window.riverRaft.tourState().state === 'playing'; k++) window.riverRaft.advance(50);
    });
    await shoot(page, `tours/${name}`);
  }
}

/** The projector view at 1920×1080 with every role and mark the README's caption names: a
 * leader, a candidate cut off asking for votes (refused, on cut links), a crashed server, a
 * change on its way, the feed. */
async function projector() {
  const page = await open('?projector&seed=3&paused', 1920, 1080);
  await page.evaluate(() => {
    const r = window.riverRaft;
    r.advance(1500);
    const leader = r.state().nodes.find((n) => n.role === 'leader').id;
    r.propose(leader, 'x=1');
    r.advance(400);
    r.propose(leader, 'y=2');
    r.advance(400);
    const [down, cutOff] = r.state().nodes.filter((n) => n.id !== leader).map((n) => n.id);
    r.crash(down);
    r.partition([r.state().nodes.map((n) => n.id).filter((id) => id !== cutOff), [cutOff]]);
    r.timeout(cutOff);
    r.propose(leader, 'z=3');
    r.advance(20);
  });
  // Dismissed, as a teacher would before projecting: the first visit's hint under the drawing.
  const hint = page.locator('#first-hint-close');
  if (await hint.isVisible()) await hint.click();
  await shoot(page, 'projector');
}

/** The election lab after the paper's six timeout ranges, 1,000 trials each, at 1280×800. */
async function lab() {
  const page = await open('?seed=1&paused', 1280, 800);
  await page.evaluate(async () => {
    window.riverRaft.openLab();
    window.riverRaft.labRun({});
    await window.riverRaft.labDone();
  });
  await shoot(page, 'election-lab');
}

// `node scripts/screenshots.mjs projector` (or tours, lab) makes only those.
const only = process.argv.slice(2);
try {
  for (const [name, make] of Object.entries({ tours, projector, lab })) {
    if (only.length === 0 || only.includes(name)) await make();
  }
} finally {
  await browser.close();
  await server.close();
}
