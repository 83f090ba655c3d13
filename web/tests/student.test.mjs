// Browser tests for a student alone (issue 13), through real clicks and keys: the message
// inspector says what became of a released message, Raft broken by a tour is switched off
// from the banner with the keyboard kept, every control is within reach at 1366×768 and
// 1280×800, the node menu never covers the Logs panel, and after a step back the feed tells
// only what had happened by the moment shown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { servePage, state, advance, leaderOf } from './harness.mjs';

const page = servePage('dist');

/** Clicks the canvas at a point given in canvas pixels. */
async function clickCanvas(p, x, y) {
  const box = await p.locator('#canvas').boundingBox();
  await p.mouse.click(box.x + x, box.y + y);
}

/** Holds a message from the leader (it waits mid-link), then opens its inspector with a
 * click on it; returns the message. */
async function holdAndInspect(p) {
  let s = await state(p);
  const leader = leaderOf(s).id;
  let m;
  for (let k = 0; k < 100 && !m; k++) {
    m = s.messages.find((x) => x.from === leader && !x.held);
    if (!m) { await advance(p, 1); s = await state(p); }
  }
  assert.ok(m, 'the leader has a message on the wire');
  await p.evaluate((id) => window.riverRaft.holdMessage(id), m.id);
  const at = (id) => s.nodes.find((n) => n.id === id);
  await clickCanvas(p, (at(m.from).x + at(m.to).x) / 2, (at(m.from).y + at(m.to).y) / 2);
  await p.locator('#msg-panel').waitFor({ state: 'visible' });
  assert.match(await p.locator('#msg-title').textContent(), new RegExp(`${m.from} → ${m.to}`));
  assert.equal(await p.locator('#msg-hold').textContent(), 'Release');
  return m;
}

const inside = (inner, outer) => inner.x >= outer.x - 1 && inner.y >= outer.y - 1
  && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;

describe('a student alone', () => {
  test('a released message is said to have arrived, or to have been lost and why', async () => {
    const { page: p, errors } = await page('?seed=6');
    await advance(p, 3000);
    let m = await holdAndInspect(p);
    await p.locator('#msg-hold').click();
    await advance(p, 300);
    assert.match(await p.locator('#msg-why').textContent(), new RegExp(`^It arrived: ${m.to} received it at \\d+\\.\\d{3} s\\.$`));
    assert.equal(await p.locator('#msg-drop').isDisabled(), true, 'nothing left to do to it');
    // Held again with its link cut: released, it is lost, and the inspector says why.
    m = await holdAndInspect(p);
    await p.evaluate(([a, b]) => window.riverRaft.cut(a, b), [m.from, m.to]);
    await p.locator('#msg-hold').click();
    await advance(p, 300);
    assert.match(await p.locator('#msg-why').textContent(),
      new RegExp(`^It was lost at \\d+\\.\\d{3} s: the link to ${m.to} was cut, so ${m.to} never received it\\.$`));
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('Raft broken by a tour: the banner names it and its switch-off ends the tour; the keyboard stays near', async () => {
    const { page: p, errors } = await page('?tour=figure8&step=6');
    const banner = p.locator('#broken');
    await banner.waitFor({ state: 'visible' });
    assert.match(await p.locator('#broken-text').textContent(), /^Raft is broken: figure8-commit\. The tour switched it on/);
    assert.match(await p.locator('#broken-off').textContent(), /ends the tour/);
    // Its switch is on where bugs are found: beside the tours and the feed.
    await p.locator('#bugs-summary').click();
    assert.equal(await p.locator('#bugs input[data-bug="figure8-commit"]').isChecked(), true);
    // From the keyboard: the switch-off, then Enter.
    await p.locator('#broken-off').focus();
    await p.keyboard.press('Enter');
    await banner.waitFor({ state: 'hidden' });
    assert.equal((await p.evaluate(() => window.riverRaft.tourState())).state, 'none', 'the tour ended');
    assert.equal(await p.locator('#tour-card').isVisible(), false);
    assert.deepEqual((await p.evaluate(() => window.riverRaft.bugs())).filter((b) => b.on), []);
    assert.equal(await p.locator('#bugs input[data-bug="figure8-commit"]').isChecked(), false);
    assert.equal(await p.evaluate(() => document.activeElement?.id), 'bugs-summary', 'the keyboard is where bugs are switched');
    assert.match(await p.locator('#feed').textContent(), /The tour 'figure8' ended: figure8-commit is off; this fresh cluster runs correct Raft/);
    // The page runs on, correct.
    await advance(p, 2000);
    assert.ok((await state(p)).nodes.some((n) => n.role === 'leader'));
    assert.deepEqual(errors, []);
    await p.close();
  });

  for (const [width, height] of [[1366, 768], [1280, 800]]) {
    test(`everything is within reach at ${width}×${height}`, async () => {
      const { page: p, errors } = await page('?tour=figure8&step=6');
      await p.setViewportSize({ width, height });
      await p.locator('#bugs-summary').click();
      await p.evaluate(() => document.getElementById('tour-steps').parentElement.setAttribute('open', ''));
      const view = { x: 0, y: 0, width, height };
      // Nothing is wider than the window, and every control comes into view.
      const scrollW = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollW <= width, `the page is ${scrollW} wide`);
      for (const selector of ['#play', '#add-server', '#help-button', '#status', '#broken-off', '#step-back',
        '#safety', '#timeline-toggle', '.legend li:last-child', '#tour-continue']) {
        const el = p.locator(selector);
        await el.scrollIntoViewIfNeeded();
        assert.ok(inside(await el.boundingBox(), view), `${selector} comes into view`);
      }
      // The side column keeps to the window and scrolls inside it: its last switch, the
      // tour's last step and the feed come into view in it.
      const side = p.locator('.side');
      for (const selector of ['#bugs label:last-child input', '#feed li:first-child', '#tour-steps li:last-child button']) {
        const el = p.locator(selector);
        await el.scrollIntoViewIfNeeded();
        const column = await side.boundingBox();
        assert.ok(column.height <= height, 'the side column fits the window');
        assert.ok(inside(await el.boundingBox(), column) && inside(await el.boundingBox(), view), `${selector} scrolls into view`);
      }
      // Settings scroll within the window too.
      await p.locator('#settings-button').click();
      const dialog = await p.locator('#settings-dialog').boundingBox();
      assert.ok(inside(dialog, view), 'the settings fit the window');
      const last = p.locator('#settings-dialog input[name="checkquorum"]');
      await last.scrollIntoViewIfNeeded();
      assert.ok(inside(await last.boundingBox(), view));
      await p.keyboard.press('Escape');
      assert.deepEqual(errors, []);
      await p.close();
    });
  }

  test('the node menu opens beside its node and never covers the Logs panel', async () => {
    const { page: p, errors } = await page('?seed=3');
    for (const [width, height] of [[1366, 768], [1280, 800]]) {
      await p.setViewportSize({ width, height });
      // The page lays itself out again on the frames after a resize: let two frames pass
      // before reading boxes (clicking in between placed the menu by the old layout).
      await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await advance(p, 1000);
      await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      // The Logs panel is beside the ring area (the overlay canvas covers the ring only).
      const ring = await p.locator('#overlay').boundingBox();
      for (const node of (await state(p)).nodes) {
        await clickCanvas(p, node.x, node.y);
        await p.locator('#node-menu').waitFor({ state: 'visible' });
        assert.match(await p.locator('#node-title').textContent(), new RegExp(`^${node.id}\\b`));
        const menu = await p.locator('#node-menu').boundingBox();
        assert.ok(inside(menu, ring), `${node.id}'s menu stays in the ring area at ${width}×${height}`);
        for (const button of ['#node-timeout', '#node-crash', '#node-remove']) {
          assert.ok(inside(await p.locator(button).boundingBox(), menu), `${button} is inside the menu`);
        }
        await p.keyboard.press('Escape');
        await p.locator('#node-menu').waitFor({ state: 'hidden' });
      }
    }
    assert.deepEqual(errors, []);
    await p.close();
  });
  test('after ◀ Event or a seek to an earlier moment the feed tells only what had happened by then', async () => {
    const { page: p, errors } = await page('?seed=3');
    await advance(p, 2000);
    const lines = () => p.locator('#feed li').allTextContents();
    assert.ok((await lines()).some((l) => /became leader/.test(l)), 'the election is told');
    // Seek to before anyone led: the election's lines are the future left behind.
    await p.evaluate(() => window.riverRaft.seek(100));
    let shown = await lines();
    assert.ok(!shown.some((l) => /became leader/.test(l)), shown.join('\n'));
    assert.match(shown[0], /Jumped to t = 0\.1 s/, 'the newest line says where the page went');
    assert.match(shown[shown.length - 1], /A new cluster of 5 servers/);
    const times = await p.locator('#feed li time').allTextContents();
    assert.ok(times.every((t) => parseFloat(t) <= 0.1), times.join(' '));
    // One event forward, then ◀ Event: that event's lines go again.
    await p.locator('#step-event').click();
    await p.locator('#step-back').click();
    shown = await lines();
    assert.match(shown[0], /Stepped back one event/);
    assert.ok((await p.locator('#feed li time').allTextContents()).every((t) => parseFloat(t) <= 0.1));
    // Playing on tells the election again.
    await advance(p, 2000);
    assert.ok((await lines()).some((l) => /became leader/.test(l)));
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a share link made during a tour reopens at the same step and moment', async () => {
    const { page: p, errors } = await page('?tour=partition&step=2');
    const shared = await p.evaluate(async () => {
      for (let k = 0; k < 400 && window.riverRaft.tourState().state === 'playing'; k++) window.riverRaft.advance(50);
      const t = window.riverRaft.tourState();
      return { link: await window.riverRaft.shareLink(), step: t.step, state: t.state, digest: window.riverRaft.state().digest };
    });
    assert.deepEqual([shared.step, shared.state], [2, 'waiting']);
    const { page: q, errors: qErrors } = await page('?seed=9');
    assert.equal(await q.evaluate((link) => window.riverRaft.openLink(link), shared.link), true);
    const t = await q.evaluate(() => window.riverRaft.tourState());
    assert.deepEqual([t.name, t.step, t.state], ['partition', 2, 'waiting']);
    assert.equal((await state(q)).digest, shared.digest, 'the same run, to the event');
    assert.match(await q.locator('#tour-progress').textContent(), /Step 2 of 5/);
    // Continue goes on from there, as it would have on the sharer's page.
    await q.locator('#tour-continue').click();
    assert.equal((await q.evaluate(() => window.riverRaft.tourState())).step, 3);
    assert.deepEqual([...errors, ...qErrors], []);
    await p.close();
    await q.close();
  });
});
