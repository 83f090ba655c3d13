// What both browser test files share: serving a built page to Debian's Chromium for the
// whole file, opening it paused, and reading the cluster through window.riverRaft.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { launch, open } from './browser.mjs';

/** Serves `folder` (relative to the repository root, e.g. 'dist') while the test file runs;
 * returns `page(query)`, which opens it paused from the start (`&paused`) so runs are
 * deterministic, collecting its console errors and dialogs. */
export function servePage(folder) {
  const root = fileURLToPath(new URL(`../../${folder}`, import.meta.url));
  let server;
  let browser;
  before(async () => {
    server = await serve(root);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return async function page(query = '?seed=1') {
    const opened = await open(browser.context, server.url + query + '&paused');
    opened.dialogs = [];
    opened.page.on('dialog', async (d) => { opened.dialogs.push(d.message()); await d.dismiss(); });
    await opened.page.evaluate(() => window.riverRaft.pause());
    return opened;
  };
}

export const state = (p) => p.evaluate(() => window.riverRaft.state());
export const advance = (p, ms) => p.evaluate((t) => window.riverRaft.advance(t), ms);
export const leaders = (s) => s.nodes.filter((n) => n.role === 'leader');

/** The newest leader (highest term). */
export function leaderOf(s) {
  const all = leaders(s).sort((a, b) => b.term - a.term);
  assert.ok(all.length > 0, 'a leader exists');
  return all[0];
}

/** Clicks at a point given in canvas CSS pixels, with the real mouse. */
export async function clickCanvas(p, x, y) {
  const box = await p.locator('#canvas').boundingBox();
  await p.mouse.click(box.x + x, box.y + y);
}
