// Browser tests for the guided tours: each tour is opened from the Tours menu and played
// with real clicks on Continue and Back. Every step's own expectations (its `expect` lines)
// run in the page as it plays, so a step that stopped showing what it claims fails the tour;
// the partition tour's claims are also read here from state(). Time moves with advance(ms)
// while a step runs; the page stops by itself at each step's end.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { servePage, state } from './harness.mjs';

const page = servePage('dist');
const tourState = (p) => p.evaluate(() => window.riverRaft.tourState());
/** Clicks a button of the page and reads the moment the run stands at, in one go: a step
 * runs on the page's own clock as soon as it opens, and no frame runs in between. */
const clickAndRead = (p, selector) => p.evaluate((sel) => {
  document.querySelector(sel).click();
  const s = window.riverRaft.state();
  return JSON.stringify([s.timeMs, s.nodes.map((n) => [n.role, n.term, n.log.length, n.commitIndex, n.votedFor]), window.riverRaft.tourState().shown]);
}, selector);
/** What the step points at, read in the same moment as a clickAndRead. */
const shownIn = (read) => JSON.parse(read)[2];

/** Runs the clock until the step stops for the reader (or the tour ends); returns the state. */
async function toPause(p) {
  return p.evaluate(() => {
    for (let k = 0; k < 400 && window.riverRaft.tourState().state === 'playing'; k++) window.riverRaft.advance(50);
    return window.riverRaft.tourState();
  });
}

async function openFromMenu(p, title) {
  await p.locator('#tours-button').click();
  await p.locator('#tours-list button', { hasText: title }).click();
  await p.locator('#tour-card').waitFor({ state: 'visible' });
}

/** At 1280×800 a caption is read whole: one that scrolls hides its last lines under a shade,
 * where a reader alone does not look for them. */
async function captionWhole(p, name, step) {
  const hidden = await p.locator('#tour-caption').evaluate((c) => c.scrollHeight - c.clientHeight);
  assert.ok(hidden <= 1, `${name} step ${step}: the caption scrolls, ${hidden}px of it hidden`);
}

/** The Back and Continue buttons' places on screen. */
const places = (p) => Promise.all(['#tour-back', '#tour-continue'].map(async (id) => {
  const b = await p.locator(id).boundingBox();
  return [Math.round(b.x), Math.round(b.y)];
}));

describe('guided tours', () => {
  test('every tour plays to its end with Continue, and Back returns to where a step began', async () => {
    const { page: p, errors } = await page('?seed=1');
    const tours = await p.evaluate(() => window.riverRaft.tours());
    assert.deepEqual(tours.map((t) => t.name), ['election', 'replication', 'partition', 'figure8', 'one-way', 'restart', 'membership', 'snapshots', 'transfer', 'reads', 'lease']);
    assert.equal(await p.locator('#story').count(), 0, 'the Tours menu replaces the story button');
    for (const tour of tours) {
      await p.locator('#tours-button').click();
      const starts = [await clickAndRead(p, `#tours-list button[data-tour="${tour.name}"]`)];
      let buttons = await places(p);
      let t = await toPause(p);
      assert.equal(t.name, tour.name);
      const count = t.steps.length;
      while (t.state === 'waiting') {
        assert.equal(await p.locator('#tour-caption').textContent(), t.caption);
        await captionWhole(p, tour.name, t.step);
        assert.match(await p.locator('#tour-progress').textContent(), new RegExp(`Step ${t.step} of ${count}`));
        assert.ok(t.shown.length > 0, `${tour.name} step ${t.step} points at something`);
        assert.deepEqual(await places(p), buttons, 'Back and Continue never move');
        starts.push(await clickAndRead(p, '#tour-continue'));
        t = await toPause(p);
        assert.notEqual(t.state, 'failed', `${tour.name}: ${t.error}`);
      }
      assert.equal(t.state, 'finished', `${tour.name}: ${JSON.stringify(t)}`);
      await captionWhole(p, tour.name, t.step);
      assert.equal(t.step, count);
      assert.equal(starts.length, count);
      // Back, twice: each time exactly where the step before began, pointing at what it is
      // about at once (before the clock runs).
      const back = await clickAndRead(p, '#tour-back');
      assert.equal(back, starts[count - 2], `${tour.name}: back to step ${count - 1}`);
      assert.ok(shownIn(back).length > 0, `${tour.name}: step ${count - 1} points at something at once`);
      assert.equal((await tourState(p)).step, count - 1);
      assert.equal(await clickAndRead(p, '#tour-back'), starts[count - 3], `${tour.name}: back to step ${count - 2}`);
      // A step opened from the list: the moment reached by continuing to it.
      await p.locator('#tour-steps').evaluate((ol) => { ol.parentElement.open = true; });
      assert.equal(await clickAndRead(p, `#tour-steps li:nth-child(${count}) button`), starts[count - 1]);
      // And Back and Continue with the real mouse.
      await p.locator('#tour-back').click();
      assert.equal((await tourState(p)).step, count - 1);
      await p.locator('#tour-continue').click();
      assert.equal((await tourState(p)).step, count);
      // Back and Continue replay the same future: the timeline keeps it once, not a copy per Back.
      assert.ok((await p.evaluate(() => window.riverRaft.timeline())).branches <= 1, `${tour.name}: one kept future`);
    }
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('the partition tour shows two leaders, the minority change uncommitted, then rolled back', async () => {
    const { page: p, errors } = await page('?seed=1');
    await openFromMenu(p, 'A partition');
    const node = (s, id) => s.nodes.find((n) => n.id === id);
    const uncommitted = (n) => n.log.filter((e) => !e.committed).length;
    let t = await toPause(p);
    assert.equal(t.step, 1);
    await p.locator('#tour-continue').click();
    t = await toPause(p);
    let s = await state(p);
    assert.deepEqual(t.shown, ['A', 'B', 'A 3', 'B 3']);
    assert.equal(node(s, 'A').log[2].command, 'x=2');
    assert.equal(node(s, 'A').log[2].committed, false, 'x=2 is not committed');
    await p.locator('#tour-continue').click();
    t = await toPause(p);
    s = await state(p);
    const leaders = s.nodes.filter((n) => n.role === 'leader').map((n) => [n.id, n.term]);
    assert.deepEqual(leaders, [['A', 1], ['C', 2]], 'two leaders, in different terms');
    assert.equal(uncommitted(node(s, 'A')), 1, "the minority's change stays uncommitted");
    assert.equal(node(s, 'A').kv.x, '1');
    // The heal: A steps down and still holds x=2, dashed.
    await p.locator('#tour-continue').click();
    t = await toPause(p);
    s = await state(p);
    assert.equal(t.step, 4);
    assert.equal(node(s, 'A').role, 'follower', 'A stepped down');
    assert.equal(node(s, 'A').log[2].command, 'x=2');
    // The rollback: one feed line for A and B, and x=2 struck through in both rows.
    await p.locator('#tour-continue').click();
    t = await toPause(p);
    s = await state(p);
    assert.equal(t.state, 'finished');
    for (const id of ['A', 'B']) {
      assert.ok(!node(s, id).log.some((e) => e.command === 'x=2'), `${id} threw x=2 away`);
      assert.deepEqual(node(s, id).thrownAway, [{ index: 3, term: 1, command: 'x=2' }], `${id}'s x=2 is drawn struck through`);
      assert.equal(node(s, id).kv.x, '3');
    }
    const feed = await p.locator('#feed li span').allTextContents();
    assert.deepEqual(feed.filter((l) => l.includes('threw away')),
      ["A and B threw away x=2 at index 3 to match leader C's log: it was never committed"]);
    assert.ok(!feed.some((l) => l.includes('rejected C')), 'no line per rejected AppendEntries');
    // A moment later, the entries that took its place show.
    await p.evaluate(() => window.riverRaft.advance(1000));
    assert.deepEqual(node(await state(p), 'A').thrownAway, []);
    // Back to where step 4 began: x=2 back in A's log, nothing struck through.
    await p.locator('#tour-back').click();
    s = await state(p);
    assert.equal(node(s, 'A').log[2].command, 'x=2');
    assert.deepEqual(node(s, 'A').thrownAway, []);
    assert.equal((await tourState(p)).step, 4);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a share link made in a tour someone acted in reopens the tour, its step and what they did', async () => {
    const { page: p, errors } = await page('?seed=1');
    await openFromMenu(p, 'Leader election');
    let t = await toPause(p);
    // At step 1's pause the student sends a change and cuts a link, continues with the real
    // button, then crashes a follower while step 2 runs.
    await p.evaluate(() => { window.riverRaft.propose('B', 'x=1'); window.riverRaft.cut('C', 'D'); });
    await p.locator('#tour-continue').click();
    await p.evaluate(() => { window.riverRaft.pause(); window.riverRaft.advance(300); window.riverRaft.crash('E'); });
    t = await toPause(p);
    const link = await p.evaluate(() => window.riverRaft.shareLink());
    const seen = { state: await state(p), tour: t, caption: await p.locator('#tour-caption').textContent() };

    const { page: q, errors: qErrors } = await page('?seed=2');
    await q.goto(link);
    await q.waitForFunction(() => window.riverRaft !== undefined);
    await q.locator('.notice.info', { hasText: 'exactly as it was shared' }).waitFor();
    const opened = await state(q);
    assert.equal(opened.digest, seen.state.digest, 'the same run, to the event');
    assert.equal(opened.timeMs, seen.state.timeMs);
    assert.deepEqual(await tourState(q), seen.tour, 'the same tour, step and highlights');
    assert.equal(await q.locator('#tour-caption').textContent(), seen.caption);
    assert.equal(await q.locator('#tour-card').isVisible(), true);
    // The feed tells this run only: it begins with the tour's own cluster.
    const runs = await q.locator('#feed li.kind-run span').allTextContents();
    assert.deepEqual(runs, ['A new cluster of 5 servers with seed 11: every server starts as a follower in term 0']);
    // And the tour goes on alike on both pages.
    for (const x of [p, q]) await x.locator('#tour-continue').click();
    const [a, b] = [await toPause(p), await toPause(q)];
    assert.deepEqual(b, a);
    assert.equal((await state(q)).digest, (await state(p)).digest);
    assert.deepEqual([...errors, ...qErrors], []);
    await Promise.all([p.close(), q.close()]);
  });

  test("the timeline's one-event back is not a second Back; it leaves the tour and says so", async () => {
    const { page: p, errors } = await page('?tour=election&step=2');
    await toPause(p);
    const names = await Promise.all(['#tour-back', '#step-back'].map((id) => p.locator(id).textContent()));
    assert.notEqual(names[0].trim(), names[1].trim(), `two buttons named ${names[0]}`);
    await p.locator('#step-back').click();
    assert.equal((await tourState(p)).state, 'none');
    await p.locator('#tour-card').waitFor({ state: 'hidden' });
    const feed = await p.locator('#feed li span').allTextContents();
    assert.ok(feed.some((l) => l.startsWith("The tour 'election' ended: moving in time leaves it")), feed.join('\n'));
    assert.deepEqual(errors, []);
    await p.close();
  });

  // 1280×720 too: a classroom's projector is often no more, and there the caption box holds
  // 13 lines of some 25 characters; under the shade a class does not scroll.
  test('projected on a 1920×1080 or a 1280×720 screen, every caption is read whole', async () => {
    const { page: p, errors } = await page('?seed=1&projector');
    for (const [width, height] of [[1920, 1080], [1280, 720]]) {
      await p.setViewportSize({ width, height });
      for (const { name } of await p.evaluate(() => window.riverRaft.tours())) {
        await p.evaluate((n) => window.riverRaft.tour(n, 1), name);
        const count = (await tourState(p)).steps.length;
        for (let k = 1; k <= count; k++) {
          await p.evaluate(([n, step]) => window.riverRaft.tour(n, step), [name, k]);
          await captionWhole(p, `${name} at ${width}×${height}`, k);
        }
      }
    }
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('?tour=NAME&step=K opens a step; a bad name or step is a notice and the page runs', async () => {
    let { page: p, errors } = await page('?tour=restart&step=3');
    const t = await tourState(p);
    assert.equal(t.name, 'restart');
    assert.equal(t.step, 3);
    assert.equal(await p.locator('#tour-card').isVisible(), true);
    await p.close();
    for (const [query, words] of [['?tour=nope', "no tour named 'nope'"], ['?tour=election&step=99', 'steps 1 to 5, not 99']]) {
      ({ page: p, errors } = await page(query));
      await p.locator('.notice', { hasText: words }).waitFor();
      assert.equal((await tourState(p)).state, 'none');
      await p.evaluate(() => window.riverRaft.advance(1000));
      assert.ok((await state(p)).nodes.some((n) => n.role === 'leader'), 'the page still runs');
      assert.deepEqual(errors, []);
      await p.close();
    }
  });

  test('S opens the Tours menu from the keyboard, Escape closes it', async () => {
    const { page: p, errors } = await page('?seed=1');
    await p.locator('#canvas').click({ position: { x: 5, y: 5 } });
    await p.keyboard.press('s');
    await p.locator('#tours-list').waitFor({ state: 'visible' });
    await p.keyboard.press('Escape');
    await p.locator('#tours-list').waitFor({ state: 'hidden' });
    assert.deepEqual(errors, []);
    await p.close();
  });
});
