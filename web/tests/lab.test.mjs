// Browser tests for the Election lab (issue 15): run it through real clicks (the presets,
// built from the answer's paper ranges, the current settings' range, Run), see its results
// while trials still run, check the chart was painted and the sentence says the numbers the
// results carry, click a point of a line to open that trial on the cluster paused just before
// its leader crashes, and `?lab`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, leaders, servePage, state } from './harness.mjs';

const page = servePage('dist');

/** A time as the lab writes it: "171 ms", "1.38 s", "60 s". */
const duration = (ms) => (ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(2))} s`);
/** A share as the lab writes it: "2.9%". */
const percent = (f) => `${Math.round(f * 1000) / 10}%`;

/** The colour of a canvas pixel as "#rrggbb" counts, over the whole canvas. */
async function colourCounts(p, selector) {
  return p.evaluate((sel) => {
    const c = document.querySelector(sel);
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const counts = {};
    for (let i = 0; i < data.length; i += 4) {
      const hex = `#${[data[i], data[i + 1], data[i + 2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
      counts[hex] = (counts[hex] ?? 0) + 1;
    }
    return counts;
  }, selector);
}

describe('the election lab', () => {
  test('the empty chart uses its width: no room is kept for a legend it does not have', async () => {
    const { page: p, errors } = await page('?seed=1');
    await p.locator('#lab-button').click();
    await p.waitForFunction(() => document.getElementById('lab-chart').width > 0);
    await p.waitForTimeout(200);
    // Its right-most eighth: the plot's gridlines reach into it (it was blank, 246 px kept
    // for a legend beside the plot that only a run has).
    const marked = await p.evaluate(() => {
      const c = document.getElementById('lab-chart');
      const x = Math.floor(c.width * 7 / 8);
      const data = c.getContext('2d').getImageData(x, 0, c.width - x, c.height).data;
      const panel = data.slice(0, 3).join();
      let other = 0;
      for (let i = 0; i < data.length; i += 4) if ([data[i], data[i + 1], data[i + 2]].join() !== panel) other += 1;
      return other;
    });
    assert.ok(marked > 100, `the chart's right-most eighth holds ${marked} marked pixels`);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('runs through clicks, draws a line per range, says what they show, and opens a clicked trial', async () => {
    const { page: p, errors } = await page('?seed=1');
    // The page's own settings: 150–250 ms, to add as a range in one click.
    await p.locator('#settings-button').click();
    await p.locator('input[name="election-timeout-max"]').fill('250');
    await p.locator('input[name="election-timeout-max"]').press('Tab');
    await p.keyboard.press('Escape');

    await p.locator('#lab-button').click();
    assert.ok(await p.locator('#lab-dialog').evaluate((d) => d.open));
    // The range checkboxes are the answer's paper ranges (Rust's PAPER_RANGES), all ticked:
    // index.html keeps no copy.
    const { paperRanges } = await p.evaluate(() => window.riverRaft.labResults());
    assert.equal(paperRanges.length, 6, "the paper's six ranges");
    assert.deepEqual(
      await p.locator('#lab-ranges input').evaluateAll((boxes) => boxes.map((b) => [b.value, b.checked, b.parentElement.textContent.trim()])),
      paperRanges.map(([min, max]) => [`${min}-${max}`, true, `${min}–${max}`]),
    );
    for (const v of ['150-150', '150-151', '150-155', '150-200']) await p.locator(`#lab-ranges input[value="${v}"]`).uncheck();
    await p.locator('#lab-add-current').click();
    await p.locator('#lab-run').click();

    // Live: the results are there while trials still run (the page answers between slices).
    let sawPartial = false;
    for (;;) {
      const r = await p.evaluate(() => window.riverRaft.labResults());
      if (r.done > 0 && r.done < r.total && r.state === 'running') sawPartial = true;
      if (r.state !== 'running') break;
      await p.waitForTimeout(50);
    }
    assert.ok(sawPartial, 'the chart grows while the trials run');

    const r = await p.evaluate(() => window.riverRaft.labDone());
    assert.equal(r.state, 'done');
    assert.deepEqual(r.ranges.map((x) => x.label), ['150–175 ms', '150–300 ms', '150–250 ms']);
    assert.equal(r.done, 3000);
    assert.equal(new Set(r.ranges.map((x) => x.color)).size, 3, 'a colour each');
    assert.equal(new Set(r.ranges.map((x) => x.dash)).size, 3, 'a dash pattern each');
    for (const range of r.ranges) {
      assert.equal(range.trials, 1000);
      assert.ok(range.points.length > 20, `${range.label} has a distribution`);
      assert.equal(range.points.at(-1)[1], 1);
      // The median read off the line is the one reported, and the sentence says it.
      const median = range.points.find(([, f]) => f >= 0.5)[0];
      assert.equal(median, range.p50);
      const part = `with ${range.label}, half of 1,000 trials had a leader within ${duration(median)} and ${percent(range.splitVoteFraction)} had a split vote`;
      assert.ok(r.sentence.toLowerCase().includes(part), `${part}\nnot in\n${r.sentence}`);
    }
    assert.equal(await p.locator('#lab-sentence').textContent(), r.sentence);
    assert.equal(await p.locator('#lab-rows tr').count(), 3);
    // The chart was painted: each line's colour is on the canvas.
    const colours = await colourCounts(p, '#lab-chart');
    for (const range of r.ranges) assert.ok((colours[range.color] ?? 0) > 50, `${range.label}'s line is drawn`);

    // Point along the middle of the chart until a line's step is under the pointer.
    const box = await p.locator('#lab-chart').boundingBox();
    let said = '';
    let x = 0;
    for (x = 60; x < box.width && !/, trial \d+:/.test(said); x += 3) {
      await p.mouse.move(box.x + x, box.y + box.height * 0.45);
      said = await p.locator('#lab-hover').textContent();
    }
    const m = said.match(/^(\d+)–(\d+) ms, trial (\d+): (\d+) ms without a leader/);
    assert.ok(m, said);
    const range = r.ranges.findIndex((g) => g.label === `${m[1]}–${m[2]} ms`);
    const trial = Number(m[3]);
    const downtime = Number(m[4]);
    assert.deepEqual(r.ranges[range].points.find((pt) => pt[2] === trial)?.[0], downtime);
    await p.mouse.click(box.x + x - 3, box.y + box.height * 0.45);

    // The trial is the run now: paused, its leader about to crash.
    assert.ok(!(await p.locator('#lab-dialog').evaluate((d) => d.open)), 'the panel closes');
    await p.locator('#notices', { hasText: `Trial ${trial} of ${m[1]}–${m[2]} ms: paused just before leader` }).waitFor();
    let s = await state(p);
    // The feed tells the trial's run only: from its new cluster to the moment shown.
    const feed = await p.locator('#feed li span').allTextContents();
    assert.match(feed[feed.length - 1], new RegExp(`^A new cluster of \\d+ servers with seed ${s.seed}:`));
    assert.equal(await p.locator('#feed li.kind-run').count(), 1, feed.join('\n'));
    assert.match(feed[0], /paused just before leader/);
    assert.ok(!feed.some((l) => /crashed/.test(l)), 'the crash is still to come');
    assert.equal(s.paused, true);
    const leader = leaders(s);
    assert.equal(leader.length, 1);
    const crashAt = s.timeMs;
    // The crash is the next thing.
    await p.locator('#step-event').click();
    s = await state(p);
    assert.equal(s.nodes.find((n) => n.id === leader[0].id).alive, false, `${leader[0].id} crashed`);
    // A new leader, once the trial's time without one has passed.
    await advance(p, crashAt + downtime - s.timeMs);
    s = await state(p);
    const after = leaders(s).filter((n) => n.alive);
    assert.equal(after.length, 1, 'a new leader');
    assert.notEqual(after[0].id, leader[0].id);
    assert.ok(after[0].term > leader[0].term);
    // It is an ordinary run: back to the crash on the timeline, and forward again.
    const timeline = await p.evaluate(() => window.riverRaft.timeline());
    assert.ok(timeline.endMs >= crashAt + downtime);
    assert.deepEqual(errors, []);
  });

  test('?lab opens the panel, and a bad value says so', async () => {
    let { page: p, errors } = await page('?seed=1&lab');
    assert.ok(await p.locator('#lab-dialog').evaluate((d) => d.open));
    assert.equal((await p.evaluate(() => window.riverRaft.labResults())).state, 'idle');
    // The message delay's two ends stay on one line, with their unit.
    for (const [width, height] of [[1280, 800], [1366, 768], [1920, 1080]]) {
      await p.setViewportSize({ width, height });
      const [lo, hi] = await Promise.all(['#lab-lat-min', '#lab-lat-max'].map((q) => p.locator(q).boundingBox()));
      assert.ok(Math.abs(lo.y - hi.y) < 1 && hi.x > lo.x, `${width}×${height}: the delay's ends at ${JSON.stringify([lo, hi])}`);
    }
    // On a phone every control, the chart and the results stay inside the panel once a run
    // has filled the table (its one column took the table's width, and the delay's second
    // box, the chart's right half and the added ranges were cut off at the panel's edge);
    // the table scrolls within its column.
    await p.evaluate(() => window.riverRaft.labRun({ ranges: '150-300,150-151', trials: 5 }));
    await p.evaluate(() => window.riverRaft.labDone());
    for (const [width, height] of [[390, 844], [320, 640]]) {
      await p.setViewportSize({ width, height });
      const outside = await p.evaluate(() => {
        const panel = document.querySelector('#lab-dialog').getBoundingClientRect();
        return [...document.querySelectorAll('#lab-form input, #lab-form select, #lab-form button, #lab-chart, #lab-sentence, .lab-results')]
          .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > panel.right || r.left < panel.left); })
          .map((e) => e.id || e.value || e.tagName);
      });
      assert.deepEqual(outside, [], `${width}×${height}: outside the panel`);
    }
    assert.deepEqual(errors, []);
    ({ page: p } = await page('?seed=1&lab=maybe'));
    assert.ok(await p.locator('#lab-dialog').evaluate((d) => d.open));
    await p.locator('#notices', { hasText: "lab='maybe'" }).waitFor();
    // A seed box that does not hold a whole number is refused quoting it (it ran seed 0 for
    // an empty box, and said "not 0" for "abc"); an empty delay box too (it ran 0 ms).
    for (const [box, typed, says] of [['#lab-seed', 'abc', "seed must be a whole number from 0 to 9007199254740991, not 'abc'"],
      ['#lab-seed', '', "not ''"], ['#lab-lat-min', '', "latencyMin must be a whole number from 0 to 10000, not ''"]]) {
      await p.locator(box).fill(typed);
      await p.locator('#lab-run').click();
      await p.locator('#lab-error', { hasText: says }).waitFor({ timeout: 5000 });
      assert.equal((await p.evaluate(() => window.riverRaft.labResults())).state, 'idle', `${box} '${typed}': nothing ran`);
      await p.locator(box).fill(box === '#lab-seed' ? '1' : '5');
    }
    // A setup the lab cannot run is refused with its reason, in the panel and by the API.
    await p.locator('#lab-lat-min').fill('300');
    await p.locator('#lab-lat-max').fill('400');
    await p.locator('#lab-run').click();
    await p.locator('#lab-error', { hasText: 'elections never settle' }).waitFor();
    assert.equal((await p.evaluate(() => window.riverRaft.labResults())).state, 'failed');
    const why = await p.evaluate(() => { try { window.riverRaft.labRun({ ranges: '300-150' }); return ''; } catch (e) { return e.message; } });
    assert.match(why, /300–150 ms is not allowed/);
    // Opened by the address, the panel had nothing to give the keyboard back to: after a
    // trial opens from the keyboard, it is on the cluster, not lost at the page's top.
    await p.evaluate(() => window.riverRaft.labRun({ ranges: '150-300', trials: 20 }));
    await p.evaluate(() => window.riverRaft.labDone());
    await p.locator('#lab-rows button').first().focus();
    await p.keyboard.press('Enter');
    await p.locator('#lab-dialog').waitFor({ state: 'hidden' });
    assert.equal(await p.evaluate(() => document.activeElement?.id), 'canvas');
  });
});
