// Browser tests for the page seen and heard (issue 14 §4): the projector view (its toggle
// and ?projector, also with ?embed) makes the canvas and the page's type larger; the
// system's reduced-motion setting reaches the canvas and stops the page's transitions; the
// feed and the tours' captions reach screen readers through one polite live region, rate
// limited; axe-core finds no serious or critical violation in any mode.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { servePage } from './harness.mjs';

const page = servePage('dist');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const look = (p) => p.evaluate(() => window.riverRaft.look());
const px = (p, selector, property = 'fontSize') =>
  p.evaluate(([s, k]) => parseFloat(getComputedStyle(document.querySelector(s))[k]), [selector, property]);

/** Serious and critical axe-core violations on the page as it stands. */
async function violations(p) {
  if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ path: AXE });
  const found = await p.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('the projector view', () => {
  test('its toggle makes the canvas and the page larger, and takes it back', async () => {
    const { page: p, errors } = await page('?seed=1');
    await p.setViewportSize({ width: 1920, height: 1080 });
    await p.evaluate(() => window.riverRaft.advance(2000));
    const before = { look: await look(p), feed: await px(p, '#feed li'), status: await px(p, '#status') };
    assert.equal(before.look.projector, false);
    const toggle = p.locator('#projector-button');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    const after = await look(p);
    assert.equal(after.projector, true);
    assert.ok(after.scale >= before.look.scale * 1.1 && after.scale >= 1.6, `the canvas draws at ${after.scale}, was ${before.look.scale}`);
    const feed = await px(p, '#feed li'), status = await px(p, '#status');
    assert.ok(feed >= 22 && feed >= before.feed * 1.4, `feed ${before.feed} → ${feed} px`);
    assert.ok(status >= 26, `status ${status} px`);
    assert.ok(await px(p, '.legend') >= 18, 'the legend too');
    // The page still fits the screen's width, and the canvas is there.
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= innerWidth));
    await toggle.click();
    assert.equal((await look(p)).projector, false);
    assert.equal(await px(p, '#feed li'), before.feed);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('?projector opens in it, and composes with ?embed', async () => {
    const { page: p } = await page('?seed=1&projector');
    assert.equal((await look(p)).projector, true);
    assert.equal(await p.locator('#projector-button').getAttribute('aria-pressed'), 'true');
    await p.close();
    const { page: q, errors } = await page('?embed&seed=1&projector');
    const l = await look(q);
    assert.ok(l.projector && await q.evaluate(() => document.body.classList.contains('embed')));
    assert.ok(await px(q, '#play') >= 15, 'the embed bar is large too');
    await q.evaluate(() => window.riverRaft.advance(3000));
    assert.ok((await q.evaluate(() => window.riverRaft.state())).nodes.some((n) => n.role === 'leader'));
    assert.deepEqual(errors, []);
    await q.close();
  });
});

describe('the legend and the seed in reach', () => {
  test('at 1280×800 the legend is in the window beside the drawing, without scrolling', async () => {
    const { page: p, errors } = await page('?seed=1');
    await p.setViewportSize({ width: 1280, height: 800 });
    const last = await p.locator('.legend li:last-child').boundingBox();
    assert.ok(last.y >= 0 && last.y + last.height <= 800, `the legend ends at ${last.y + last.height}`);
    const drawing = await p.locator('#canvas-box').boundingBox();
    assert.ok(last.x >= drawing.x + drawing.width, 'beside the drawing, not over it');
    assert.ok(await p.evaluate(() => scrollY === 0));
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('during a tour the legend folds, so the feed stays in the window under the caption', async () => {
    const { page: p, errors } = await page('?tour=partition&step=3');
    await p.setViewportSize({ width: 1280, height: 800 });
    const feed = await p.locator('.feed-card').boundingBox();
    assert.ok(feed.y + 150 <= 800, `the feed starts at ${feed.y}`);
    assert.equal(await p.locator('#legend-card').evaluate((el) => el.open), false);
    await p.locator('#tour-end').click();
    assert.equal(await p.locator('#legend-card').evaluate((el) => el.open), true, 'open again after the tour');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('the seed box shows the largest seed whole, also in the projector view', async () => {
    for (const query of ['?seed=9007199254740991', '?seed=9007199254740991&projector']) {
      const { page: p, errors } = await page(query);
      await p.setViewportSize({ width: 1920, height: 1080 });
      const seed = p.locator('#seed');
      assert.equal(await seed.inputValue(), '9007199254740991');
      const [scroll, client] = await seed.evaluate((el) => [el.scrollWidth, el.clientWidth]);
      assert.ok(scroll <= client, `${query}: the seed needs ${scroll} px, the box shows ${client}`);
      assert.deepEqual(errors, []);
      await p.close();
    }
  });
});

describe('the projector view, projected', () => {
  test('the drawing, the timeline and the legend under it are all in the window, with the first-visit hint and without', async () => {
    const { page: p, errors } = await page('?seed=1&projector');
    await p.evaluate(() => localStorage.removeItem('river-raft-hint-seen'));
    await p.reload();
    await p.waitForFunction(() => window.riverRaft !== undefined);
    await p.locator('#first-hint').waitFor({ state: 'visible' });
    for (const hint of [true, false]) {
      if (!hint) await p.locator('#first-hint-close').click();
      for (const [width, height] of [[1280, 800], [1366, 768], [1920, 1080]]) {
        await p.setViewportSize({ width, height });
        const at = `${width}×${height}${hint ? ' with the hint' : ''}`;
        const [drawing, timeline, legend] = await Promise.all(['#canvas-box', '#timeline', '.legend'].map((q) => p.locator(q).boundingBox()));
        assert.ok(legend.y + legend.height <= height, `${at}: the legend ends at ${legend.y + legend.height}, below the window`);
        assert.ok(timeline.y + timeline.height <= legend.y, `${at}: the timeline is above the legend`);
        assert.ok(drawing.height >= 0.45 * height, `${at}: the drawing keeps ${drawing.height} px`);
        assert.ok(await p.evaluate(() => document.documentElement.scrollHeight <= innerHeight), `${at}: the page scrolls`);
      }
    }
    assert.deepEqual(errors, []);
    await p.close();
  });

  test("the election lab's chart draws its type as large as the page's, and all of it is in the window", async () => {
    for (const [width, height, projector, least] of [[1280, 800, false, 1], [1280, 800, true, 1.4], [1920, 1080, true, 1.7]]) {
      const { page: p } = await page(`?seed=1&lab${projector ? '&projector' : ''}`);
      await p.setViewportSize({ width, height });
      await p.locator('#lab-dialog').waitFor({ state: 'visible' });
      await p.evaluate(() => window.riverRaft.labRun({ trials: 10 }));
      await p.waitForFunction(() => window.riverRaft.labResults().state === 'done', null, { timeout: 30_000 });
      const scale = (await p.evaluate(() => window.riverRaft.labResults())).chartScale;
      const at = `${width}×${height}${projector ? ' projector' : ''}`;
      if (projector) assert.ok(scale >= least, `${at}: the chart draws at ${scale}`);
      else assert.equal(scale, 1, `${at}: the chart draws at ${scale}`);
      const chart = await p.locator('#lab-chart').boundingBox();
      assert.ok(chart.y >= 0 && chart.y + chart.height <= height, `${at}: the chart (and its legend) ends at ${chart.y + chart.height}`);
      await p.close();
    }
  });
});

describe('never colour alone', () => {
  test('the legend names every role and draws the leader\'s crown; the help tells the shapes', async () => {
    const { page: p } = await page('?seed=1');
    const legend = await p.locator('.legend').textContent();
    for (const word of ['follower', 'candidate', 'leader', 'crashed', 'refused']) assert.match(legend, new RegExp(word));
    assert.equal(await p.locator('.legend li:has-text("leader") svg').count(), 1, 'a crown beside the leader swatch');
    assert.equal((await p.locator('.legend .msg.no').textContent()).trim(), '×');
    await p.locator('#help-button').click();
    const help = await p.locator('#help-dialog').textContent();
    assert.match(help, /crown/);
    assert.match(help, /Okabe–Ito/);
    await p.close();
  });
});

describe('reduced motion', () => {
  test('the system setting reaches the canvas, stops transitions and is explained in the help', async () => {
    const { page: p } = await page('?seed=1');
    assert.equal((await look(p)).reducedMotion, false);
    assert.notEqual(await p.evaluate(() => getComputedStyle(document.querySelector('#play')).transitionDuration), '0s');
    await p.emulateMedia({ reducedMotion: 'reduce' });
    await p.waitForFunction(() => window.riverRaft.look().reducedMotion);
    assert.equal(await p.evaluate(() => getComputedStyle(document.querySelector('#play')).transitionDuration), '0s');
    await p.emulateMedia({ reducedMotion: 'no-preference' });
    await p.waitForFunction(() => !window.riverRaft.look().reducedMotion);
    await p.keyboard.press('?');
    const help = p.locator('#help-dialog');
    assert.ok(await help.isVisible());
    assert.match(await help.textContent(), /reduced motion/);
    assert.match(await help.textContent(), /Projector/);
    await p.close();
  });
});

/** Where the pointer finds message `m` on its link at this moment: the middle of the
 * stretch of the line from its sender to its receiver where hovering says it can be
 * inspected, as a fraction of the line (the hint comes from the same position the canvas
 * draws it at). */
async function foundAt(p, m) {
  const s = await p.evaluate(() => window.riverRaft.state());
  const [a, b] = [m.from, m.to].map((id) => s.nodes.find((n) => n.id === id));
  const box = await p.locator('#canvas').boundingBox();
  const hits = [];
  for (let k = 0; k <= 40; k++) {
    const f = k / 40;
    await p.mouse.move(box.x + a.x + (b.x - a.x) * f, box.y + a.y + (b.y - a.y) * f);
    const hint = await p.locator('#hint').textContent();
    if (hint.includes(`from ${m.from} to ${m.to}`) && hint.includes('Click to inspect')) hits.push(f);
  }
  assert.ok(hits.length > 0, 'the pointer finds the message');
  return hits.reduce((x, y) => x + y, 0) / hits.length;
}

describe('reduced motion on the canvas', () => {
  test('a message glides; with reduced motion it stays put for a third of its trip, then jumps', async () => {
    const { page: p } = await page('?seed=1');
    await p.evaluate(() => { window.riverRaft.load('nodes 2\nseed 1\nlatency 300 300\n'); window.riverRaft.pause(); });
    const m = await p.evaluate(() => {
      for (let k = 0; k < 5000; k++) {
        const s = window.riverRaft.state(), server = (id) => s.nodes.some((n) => n.id === id);
        const flying = s.messages.find((x) => server(x.from) && server(x.to) && !x.held);
        if (flying) return flying;
        window.riverRaft.advance(1);
      }
      return null;
    });
    assert.ok(m, 'a message between the two servers');
    const at = (q) => m.sentMs + Math.round(q * (m.deliverMs - m.sentMs));
    // Run past the last moment looked at, so seeking can go back and forth (seek goes no
    // further than the run has been).
    await p.evaluate((ms) => window.riverRaft.advance(ms), at(0.8) - m.sentMs);
    const where = async (q) => { await p.evaluate((t) => window.riverRaft.seek(t), at(q)); return foundAt(p, m); };
    const glide = [await where(0.38), await where(0.6)];
    assert.ok(glide[1] - glide[0] > 0.12, `it glides: ${glide}`);
    await p.emulateMedia({ reducedMotion: 'reduce' });
    await p.waitForFunction(() => window.riverRaft.look().reducedMotion);
    const jump = [await where(0.38), await where(0.6), await where(0.75)];
    assert.ok(Math.abs(jump[1] - jump[0]) < 0.03, `it stays put within a third: ${jump}`);
    assert.ok(jump[2] - jump[1] > 0.15, `then jumps: ${jump}`);
    await p.close();
  });
});

describe('screen readers', () => {
  /** Records what the live region says, with when. */
  const listen = (p) => p.evaluate(() => {
    window.__said = [];
    const region = document.querySelector('#announce');
    new MutationObserver(() => window.__said.push({ t: performance.now(), text: region.textContent })).observe(region, { childList: true, characterData: true, subtree: true });
  });

  test('the feed is read out politely, at most once every two seconds, coalesced', async () => {
    const { page: p } = await page('?seed=1');
    const region = p.locator('#announce');
    assert.equal(await region.getAttribute('aria-live'), 'polite');
    // Only the region speaks: the status line, the captions and the step words do not too.
    for (const quiet of ['#status', '#tour-caption', '#step-words', '#feed']) assert.equal(await p.locator(quiet).getAttribute('aria-live'), null, quiet);
    await listen(p);
    // Four seconds of a busy run: elections, then a change sent every 100 ms.
    await p.evaluate(async () => {
      window.riverRaft.advance(1500);
      for (let k = 0; k < 40; k++) {
        const leader = window.riverRaft.state().nodes.find((n) => n.role === 'leader');
        if (leader) window.riverRaft.propose(leader.id, `k${k}=${k}`);
        window.riverRaft.advance(100);
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 2100));
    });
    const said = await p.evaluate(() => window.__said.filter((s) => s.text));
    const feedLines = await p.locator('#feed li span').count();
    assert.ok(said.length >= 2 && said.length <= 4, `${said.length} announcements for ${feedLines} feed lines`);
    for (let k = 1; k < said.length; k++) assert.ok(said[k].t - said[k - 1].t >= 1950, `announcements ${Math.round(said[k].t - said[k - 1].t)} ms apart`);
    const newest = await p.locator('#feed li span').first().textContent();
    assert.ok(said.at(-1).text.includes(newest), `the last one ends with the newest line: ${said.at(-1).text}`);
    assert.match(said.at(-1).text, /^\d+ more events?, then: /, 'lines in between are counted, not read');
    assert.ok(said.every((s) => s.text.length < 400), 'never the whole feed');
    await p.close();
  });

  test('a tour\'s caption is read out when its step opens', async () => {
    const { page: p } = await page('?seed=1');
    await listen(p);
    await p.locator('#tours-button').click();
    await p.locator('#tours-list button').first().click();
    const caption = await p.locator('#tour-caption').textContent();
    assert.ok(caption.length > 20);
    await p.waitForFunction(() => window.__said.some((s) => s.text), null, { timeout: 3000 });
    const said = await p.evaluate(() => window.__said.filter((s) => s.text)[0].text);
    assert.equal(said, `Step 1 of ${(await p.evaluate(() => window.riverRaft.tourState())).steps.length}: ${caption}`);
    await p.close();
  });
});

describe('axe-core', () => {
  for (const [mode, query] of [['default', '?seed=1'], ['embed', '?embed&seed=1'], ['projector', '?seed=1&projector'], ['embed and projector', '?embed&seed=1&projector']]) {
    test(`no serious or critical violations: ${mode}`, async () => {
      const { page: p } = await page(query);
      await p.evaluate(() => window.riverRaft.advance(2500));
      assert.deepEqual(await violations(p), []);
      await p.close();
    });
  }

  test('no serious or critical violations with the help, the settings, the election lab and a node menu open', async () => {
    const { page: p } = await page('?seed=1&projector');
    await p.evaluate(() => window.riverRaft.advance(2500));
    await p.locator('#help-button').click();
    assert.deepEqual(await violations(p), [], 'help');
    await p.keyboard.press('Escape');
    await p.locator('#settings-button').click();
    assert.deepEqual(await violations(p), [], 'settings');
    await p.locator('#settings-button').click();
    await p.locator('#lab-button').click();
    await p.locator('#lab-dialog').waitFor({ state: 'visible' });
    assert.deepEqual(await violations(p), [], 'election lab');
    await p.keyboard.press('Escape');
    await p.keyboard.press('1');
    assert.ok(await p.locator('#node-menu').isVisible());
    assert.deepEqual(await violations(p), [], 'node menu');
    await p.close();
  });

  test('no serious or critical violations with a tour, the scenario, safety and embed dialogs and a message inspector open', async () => {
    const { page: p } = await page('?seed=1');
    await p.locator('#tours-button').click();
    assert.deepEqual(await violations(p), [], 'tours menu');
    await p.locator('#tours-list button').first().click();
    assert.ok(await p.locator('#tour-card').isVisible());
    assert.deepEqual(await violations(p), [], 'tour');
    await p.locator('#tour-end').click();
    await p.locator('#share-menu').click();
    assert.deepEqual(await violations(p), [], 'share menu');
    await p.keyboard.press('Escape');
    for (const [buttons, dialog] of [[['#scenario-button'], '#scenario-dialog'], [['#safety'], '#safety-dialog'], [['#share-menu', '#embed-button'], '#embed-dialog']]) {
      for (const button of buttons) await p.locator(button).click();
      await p.locator(dialog).waitFor({ state: 'visible' });
      assert.deepEqual(await violations(p), [], dialog);
      await p.keyboard.press('Escape');
    }
    // The message inspector, opened by a click on a message the pointer finds: paused (the
    // cluster kept running after the tour), with a message half way along its link.
    const m = await p.evaluate(() => {
      window.riverRaft.pause();
      for (let k = 0; k < 5000; k++) {
        const s = window.riverRaft.state(), server = (id) => s.nodes.some((n) => n.id === id);
        const half = (x) => (s.timeMs - x.sentMs) * 2 >= x.deliverMs - x.sentMs;
        const flying = s.messages.find((x) => server(x.from) && server(x.to) && !x.held && half(x));
        if (flying) return flying;
        window.riverRaft.advance(1);
      }
      return null;
    });
    assert.ok(m, 'a message in flight');
    const f = await foundAt(p, m);
    const s = await p.evaluate(() => window.riverRaft.state());
    const [a, b] = [m.from, m.to].map((n) => s.nodes.find((x) => x.id === n));
    const box = await p.locator('#canvas').boundingBox();
    await p.mouse.click(box.x + a.x + (b.x - a.x) * f, box.y + a.y + (b.y - a.y) * f);
    assert.ok(await p.locator('#msg-panel').isVisible(), 'the message inspector');
    assert.deepEqual(await violations(p), [], 'message inspector');
    await p.close();
  });

  test('no serious or critical violations in an embedded tour at 640×400, whose caption scrolls', async () => {
    const { page: p } = await page('?embed&tour=partition');
    await p.setViewportSize({ width: 640, height: 400 });
    await p.evaluate(() => window.riverRaft.advance(1500));
    // The caption is longer than its box here: a region the keyboard could not scroll.
    assert.ok(await p.locator('#tour-caption').evaluate((c) => c.scrollHeight > c.clientHeight), 'the caption scrolls');
    assert.deepEqual(await violations(p), []);
    await p.close();
  });

  test('the check is able to fail: an unlabelled button is found', async () => {
    const { page: p } = await page('?seed=1');
    await p.evaluate(() => { const b = document.createElement('button'); b.id = 'unlabelled'; document.body.append(b); });
    const found = await violations(p);
    assert.ok(found.some((v) => v.id === 'button-name' && v.nodes.includes('#unlabelled')), JSON.stringify(found));
    await p.close();
  });
});
