// Browser test of the projector view (?projector) as a classroom sees it: at 1280×720 and
// 1920×1080 every word on the page is at least 16 px (the feed's times 14 px), and every
// word drawn on a canvas at least 14 px, measured where the page draws it: the DOM's computed
// font sizes, and the font of each fillText on the drawing, its overlay, the timeline's time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { launch, open } from './browser.mjs';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
let server, browser;
before(async () => { server = await serve(dist); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Records every fillText on a canvas: its text and its font's size in CSS px. */
function recordCanvasText() {
  window.canvasTexts = [];
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    const px = /(\d+(?:\.\d+)?)px/.exec(this.font);
    const c = this.canvas;
    // The context's scale over the canvas's own: a font under setTransform(dpr) is CSS px.
    const css = this.getTransform().a / (c.width / Math.max(1, c.clientWidth));
    if (px) window.canvasTexts.push({ canvas: c.id, text: String(text), px: Number(px[1]) * css });
    return fillText.call(this, text, ...rest);
  };
}

/** The smallest words shown: [{ px, text, where }], smallest first. Marks drawn with a
 * letter (the legend's ×, which stands for the drawing's crossed lines) are not words. */
function smallestWords() {
  const words = (window.canvasTexts ?? []).map((t) => ({ px: t.px, text: t.text, where: `canvas#${t.canvas}` }));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest('.visually-hidden, [aria-hidden="true"], .legend .msg')) continue;
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    const r = el.getBoundingClientRect();
    // Scrolled out of sight counts too (the help's lower half): it is read once scrolled to.
    if (r.width === 0) continue;
    words.push({ px: parseFloat(getComputedStyle(el).fontSize), text: node.textContent.trim().slice(0, 40), where: el.matches('.feed time') ? 'feed time' : el.tagName });
  }
  return words.sort((a, b) => a.px - b.px);
}

describe('the projector view', () => {
  for (const [width, height] of [[1280, 720], [1920, 1080]]) {
    for (const query of ['?projector&seed=1&paused', '?projector&tour=election']) {
      test(`${query} at ${width}×${height}: no word under 16 px on the page, 14 px on the canvas`, async () => {
        const page = await browser.context.newPage();
        await page.addInitScript(recordCanvasText);
        await page.setViewportSize({ width, height });
        const errors = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(server.url + query);
        await page.waitForFunction(() => window.riverRaft !== undefined);
        await page.evaluate(() => {
          const r = window.riverRaft;
          r.pause();
          if (r.tourState().name) return;
          // Every kind of word at once: a leader, entries, a crashed server, a user waiting
          // with a change on the wire, an append carrying entries, a cut link.
          r.advance(1500); r.propose('C', 'x=1'); r.advance(300); r.crash('D'); r.cut('A', 'E');
          r.propose('A', 'y=2'); r.advance(3);
        });
        // Drawn afresh at this size, everything (a first frame may predate the view's type).
        await page.waitForTimeout(300);
        await page.evaluate(() => { window.canvasTexts = []; });
        await page.setViewportSize({ width, height: height - 1 });
        await page.waitForTimeout(150);
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(600);
        const words = await page.evaluate(smallestWords);
        const canvas = words.filter((w) => w.where.startsWith('canvas'));
        assert.ok(canvas.some((w) => w.where === 'canvas#canvas'), 'the drawing was measured');
        const page16 = words.filter((w) => !w.where.startsWith('canvas') && w.where !== 'feed time');
        const times = words.filter((w) => w.where === 'feed time');
        console.log(`${query} ${width}×${height}: smallest on the canvas ${canvas[0].px} px (${JSON.stringify(canvas[0].text)}), on the page ${page16[0].px.toFixed(1)} px (${JSON.stringify(page16[0].text)})${times.length ? `, feed times ${times[0].px} px` : ''}`);
        assert.ok(canvas[0].px >= 14, `on the canvas: ${JSON.stringify(canvas.slice(0, 5))}`);
        assert.ok(page16[0].px >= 16 - 0.01, `on the page: ${JSON.stringify(page16.slice(0, 5))}`);
        for (const t of times) assert.ok(t.px >= 14, `a feed time at ${t.px} px`);
        assert.deepEqual(errors, []);
        await page.close();
      });
    }
  }

  // A projected embed keeps to its frame: the page's least drawing height (240 px) ran a
  // 320×240 frame's drawing 56 px past its foot, the fifth server's log row with it, and the
  // larger drawing knotted the servers together.
  test('?embed&projector in a 320×240 frame: the drawing, every Logs row and server inside it', async () => {
    const { page, errors } = await open(browser.context, `${server.url}?embed&projector&seed=1&paused`, { viewport: { width: 320, height: 240 } });
    await page.evaluate(() => window.riverRaft.advance(1500));
    const box = await page.locator('#canvas-box').boundingBox();
    assert.ok(box.y + box.height <= 240.5 && box.x + box.width <= 320.5, `the drawing ${JSON.stringify(box)}`);
    const nodes = (await page.evaluate(() => window.riverRaft.state())).nodes;
    for (const n of nodes) assert.ok(n.logRow[1] <= box.height, `${n.id}'s log row ends at ${n.logRow[1]}, under the drawing's ${box.height} px`);
    for (const a of nodes) for (const b of nodes) {
      if (a.id < b.id) assert.ok(Math.hypot(a.x - b.x, a.y - b.y) >= 36, `${a.id} and ${b.id} are ${Math.hypot(a.x - b.x, a.y - b.y).toFixed(0)} px apart`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  // What a teacher opens in front of the class: every dialog, menu and card, at 1280×720.
  test('at 1280×720 every dialog, menu and card has no word under 16 px', async () => {
    const { page, errors } = await open(browser.context, `${server.url}?projector&seed=1&paused`, { viewport: { width: 1280, height: 720 } });
    await page.evaluate(() => { window.riverRaft.pause(); window.riverRaft.advance(1500); });
    const opens = {
      help: () => page.keyboard.press('?'),
      settings: () => page.locator('#settings-button').click(),
      scenario: () => page.locator('#scenario-button').click(),
      tours: () => page.locator('#tours-button').click(),
      share: () => page.locator('#share-menu').click(),
      'a server\'s menu': () => page.keyboard.press('3'),
      'Break Raft on purpose': () => page.locator('.bugs-card summary').click(),
      'the election lab': () => page.evaluate(() => window.riverRaft.openLab()),
    };
    for (const [name, show] of Object.entries(opens)) {
      await page.keyboard.press('Escape');
      await page.locator('body').click({ position: { x: 2, y: 200 } });
      await show();
      await page.waitForTimeout(300);
      if (['help', 'settings', 'scenario', 'the election lab'].includes(name)) assert.ok(await page.locator('dialog[open]').count() > 0, `${name} opened`);
      await page.evaluate(() => { window.canvasTexts = []; });
      const words = (await page.evaluate(smallestWords)).filter((w) => w.where !== 'feed time');
      assert.ok(words[0].px >= 16 - 0.01, `${name}: ${JSON.stringify(words.slice(0, 5))}`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
});
