// Browser tests for the page explaining itself and being reachable (issue 13 §2–3), each
// through real clicks and keys: the broken-Raft banner, the new-cluster line in the feed,
// a command that is not key=value, the keyboard wherever focus is, the status banner's
// fixed height, and Settings within the window.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from './browser.mjs';
import { advance, servePage, state } from './harness.mjs';

const page = servePage('dist');
const feedText = (p) => p.locator('#feed').textContent();

describe('the page explains itself', () => {
  // First in the file: the browser profile has not seen the page yet.
  test('a first visit shows a hint to How to read this; once used it stays away', async () => {
    const { page: p, errors } = await page('?seed=1');
    const hint = p.locator('#first-hint');
    await hint.waitFor({ state: 'visible' });
    await p.locator('#first-hint-open').click();
    await p.locator('#help-dialog').waitFor({ state: 'visible' });
    await p.keyboard.press('Escape');
    await p.locator('#help-dialog').waitFor({ state: 'hidden' });
    assert.equal(await hint.isVisible(), false);
    await p.reload();
    await p.waitForFunction(() => window.riverRaft !== undefined);
    assert.equal(await hint.isVisible(), false, 'not again on the next visit');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('the first-visit hint sits under the drawing, never over the logs, and leaves the timeline in the window; a tour hides it', async () => {
    const { page: p, errors } = await page('?nodes=9&seed=1');
    await p.evaluate(() => localStorage.removeItem('river-raft-hint-seen'));
    await p.reload();
    await p.waitForFunction(() => window.riverRaft !== undefined);
    const hint = p.locator('#first-hint');
    await hint.waitFor({ state: 'visible' });
    for (const [width, height] of [[1280, 800], [1366, 768], [1920, 1080]]) {
      for (const projector of [false, true]) {
        await p.setViewportSize({ width, height });
        if (projector !== await p.evaluate(() => document.documentElement.classList.contains('projector'))) await p.locator('#projector-button').click();
        const at = `${width}×${height}${projector ? ' projector' : ''}`;
        const [h, drawing, timeline] = await Promise.all(['#first-hint', '#canvas-box', '#timeline'].map((q) => p.locator(q).boundingBox()));
        assert.ok(h.y >= drawing.y + drawing.height, `${at}: the hint (top ${h.y}) is over the drawing (bottom ${drawing.y + drawing.height})`);
        assert.ok(timeline.y + timeline.height <= height, `${at}: the timeline ends at ${timeline.y + timeline.height}, below the window`);
      }
    }
    await p.locator('#projector-button').click();
    const { page: touring } = await open(p.context(), p.url().replace(/\?.*/, '?tour=partition&paused'));
    await touring.locator('#tour-card').waitFor({ state: 'visible' });
    assert.equal(await touring.locator('#first-hint').isVisible(), false, 'no hint during a tour');
    await touring.close();
    await p.locator('#first-hint-close').click();
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('"?" opens How to read this: every mark, and the words split vote, rollback, term, commit', async () => {
    const { page: p, errors } = await page('?seed=1');
    await p.locator('#canvas').click({ position: { x: 5, y: 5 } });
    await p.keyboard.press('?');
    const help = p.locator('#help-dialog');
    await help.waitFor({ state: 'visible' });
    const text = await help.textContent();
    for (const words of ['election timer', 'votes it holds', 'how many log entries it carries', 'a message you hold',
      'one-way cut', 'lost on the way', 'solid boxes are committed', 'menu is open', 'User X', 'reading keys',
      'split vote', 'rollback', 'term', 'commit']) {
      assert.ok(text.includes(words), `the help explains ${words}`);
    }
    await p.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a broken variant switched on shows a banner that switches it off; focus stays', async () => {
    const { page: p, errors } = await page('?seed=1');
    assert.equal(await p.locator('#broken').isVisible(), false);
    // Found beside the tours and the feed, not at the bottom of Settings.
    await p.locator('#bugs-summary').click();
    const tick = p.locator('#bugs input[data-bug="figure8-commit"]');
    await tick.focus();
    await p.keyboard.press('Space');
    await p.locator('#broken', { hasText: 'Raft is broken: figure8-commit' }).waitFor();
    assert.equal(await p.evaluate(() => document.activeElement?.dataset.bug), 'figure8-commit', 'focus stays on the switch');
    // At 1280×800 the banner lay over the lowest servers: the drawing now ends above it,
    // every server and its letter inside, and takes the whole box again once it goes.
    const [drawing, banner] = await Promise.all(['#canvas', '#broken'].map((q) => p.locator(q).boundingBox()));
    assert.ok(drawing.y + drawing.height <= banner.y, `the drawing ends at ${drawing.y + drawing.height}, the banner starts at ${banner.y}`);
    for (const n of (await state(p)).nodes) {
      assert.ok(drawing.y + n.y + 60 <= banner.y, `${n.id} at ${drawing.y + n.y} is clear of the banner at ${banner.y}`);
    }
    await p.locator('#broken-off').click();
    await p.locator('#broken').waitFor({ state: 'hidden' });
    const [whole, box] = await Promise.all(['#canvas', '#canvas-box'].map((q) => p.locator(q).boundingBox()));
    assert.ok(whole.height >= box.height - 2, `the drawing takes the box again: ${whole.height} of ${box.height}`);
    assert.deepEqual((await p.evaluate(() => window.riverRaft.bugs())).filter((b) => b.on), []);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('Restart draws a new-cluster line with its seed in the feed', async () => {
    const { page: p, errors } = await page('?seed=42');
    await advance(p, 500);
    await p.locator('#restart').click();
    const first = p.locator('#feed li').first();
    assert.match(await first.textContent(), /A new cluster of 5 servers with seed 42/);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a command that is not key=value says it is logged but changes no key', async () => {
    const { page: p, errors } = await page('?seed=1');
    await advance(p, 1000);
    const leader = (await state(p)).nodes.find((n) => n.role === 'leader');
    const box = await p.locator('#canvas').boundingBox();
    await p.mouse.click(box.x + leader.x, box.y + leader.y);
    await p.locator('#node-command').fill('hello');
    await p.locator('#node-command').press('Enter');
    await advance(p, 100);
    assert.match(await feedText(p), /to log “hello”: not key=value, so it is logged but changes no key/);
    assert.deepEqual(errors, []);
    await p.close();
  });
});

describe('everything reachable', () => {
  test('Space plays and pauses whatever has focus, and never scrolls', async () => {
    const { page: p, errors } = await page('?seed=1');
    const paused = () => p.evaluate(() => window.riverRaft.state().paused);
    await p.locator('#step').click(); // the Step button now has focus
    assert.equal(await paused(), true);
    await p.keyboard.press('Space');
    assert.equal(await paused(), false, 'Space played, and did not press the focused Step button');
    await p.keyboard.press('Space');
    assert.equal(await paused(), true);
    await p.locator('#speed').focus();
    await p.keyboard.press('Space');
    assert.equal(await paused(), false, 'from the speed slider too');
    await p.keyboard.press('Space');
    assert.equal(await p.evaluate(() => window.scrollY), 0, 'the page did not scroll');
    // In a text field Space is a space.
    await p.locator('#seed').focus();
    await p.keyboard.press('Space');
    assert.equal(await paused(), true);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('"1" selects A without the cursor in the change box, so "T" then times it out', async () => {
    const { page: p, errors } = await page('?seed=1');
    await p.locator('#canvas').click({ position: { x: 5, y: 5 } });
    await p.keyboard.press('1');
    await p.locator('#node-menu').waitFor({ state: 'visible' });
    assert.notEqual(await p.evaluate(() => document.activeElement?.id), 'node-command');
    await p.keyboard.press('t');
    await advance(p, 5);
    const a = (await state(p)).nodes[0];
    assert.equal(a.term, 1, 'A timed out: it campaigns in term 1');
    assert.ok(['candidate', 'leader'].includes(a.role), a.role);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('the status banner keeps its height whether its text is one line or two', async () => {
    const { page: p, errors } = await page('?seed=1');
    const height = () => p.locator('#status').evaluate((el) => [el.getBoundingClientRect().height, el.textContent]);
    const seen = [await height()];
    // A long status: servers down and links cut, at a width where it wraps.
    await p.evaluate(() => { window.riverRaft.crash('B'); window.riverRaft.crash('E'); window.riverRaft.partition('AB|CDE'); window.riverRaft.advance(50); });
    for (const width of [1280, 900, 760]) {
      await p.setViewportSize({ width, height: 800 });
      seen.push(await height());
    }
    await p.evaluate(() => { window.riverRaft.restart('B'); window.riverRaft.restart('E'); window.riverRaft.healAll(); window.riverRaft.advance(1000); });
    seen.push(await height());
    const lines = seen.map(([h]) => h);
    assert.equal(new Set(lines).size, 1, JSON.stringify(seen));
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a toolbar group that starts a new line has no divider before it and lines up with the first', async () => {
    const { page: p, errors } = await page('?seed=1');
    let wrapped = 0;
    for (const width of [1920, 1280, 1150, 1024, 768]) {
      await p.setViewportSize({ width, height: 800 });
      await p.waitForTimeout(100); // the ResizeObserver's turn
      const groups = await p.locator('.toolbar > .group').evaluateAll((all) => all.map((g) => {
        const r = g.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, left: g.firstElementChild.getBoundingClientRect().left, divider: getComputedStyle(g).borderLeftColor, width: getComputedStyle(g).borderLeftWidth };
      }));
      for (let k = 1; k < groups.length; k++) {
        const g = groups[k];
        const shown = g.width !== '0px' && g.divider !== 'rgba(0, 0, 0, 0)';
        if (g.top >= groups[k - 1].bottom) {
          wrapped++;
          assert.ok(!shown, `${width}: group ${k} starts a line with a divider before it`);
          assert.ok(Math.abs(g.left - groups[0].left) <= 1, `${width}: group ${k} starts at ${g.left}, the first at ${groups[0].left}`);
        } else {
          assert.ok(shown, `${width}: group ${k} lost its divider in the middle of a line`);
        }
      }
    }
    assert.ok(wrapped > 0, 'the toolbar wrapped at some width');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('the header fits from a phone to a wide screen: every button inside the window, none over the name', async () => {
    const { page: p, errors } = await page('?seed=1');
    for (const [width, height] of [[1920, 1080], [1280, 800], [1150, 800], [768, 1024], [390, 844]]) {
      for (const projector of [false, true]) {
        await p.setViewportSize({ width, height });
        if (projector !== await p.evaluate(() => document.body.classList.contains('projector'))) await p.locator('#projector-button').click();
        const seen = await p.evaluate(() => {
          const box = (el) => { const r = el.getBoundingClientRect(); return { id: el.id || el.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom }; };
          return {
            name: box(document.querySelector('.top h1')),
            buttons: [...document.querySelectorAll('.top-actions > button, .top-actions > div > button')].map(box),
            scroll: document.documentElement.scrollWidth,
            track: document.querySelector('#scrub').getBoundingClientRect().width,
          };
        });
        const at = `${width}×${height}${projector ? ' projector' : ''}`;
        assert.ok(seen.scroll <= width, `${at}: the page scrolls sideways (${seen.scroll} px)`);
        // The timeline's track is never squeezed out by its buttons (on a phone it had 0 px).
        assert.ok(seen.track >= Math.min(width, 1100) / 3, `${at}: the timeline's track is ${seen.track} px wide`);
        for (const b of seen.buttons) {
          assert.ok(b.l >= 0 && b.r <= width, `${at}: ${b.id} runs out of the window (${b.l}–${b.r})`);
          const overName = b.l < seen.name.r && b.r > seen.name.l && b.t < seen.name.b && b.b > seen.name.t;
          assert.ok(!overName, `${at}: ${b.id} covers the name`);
        }
      }
    }
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('on a phone every dialog keeps its controls inside it', async () => {
    // At 320 px the reads select made Settings wider than its panel, and the Scenario
    // dialog's three buttons on one line pushed "Reset to the partition story" off its left edge.
    const { page: p, errors } = await page('?seed=1');
    for (const [width, height] of [[390, 844], [320, 568]]) {
      await p.setViewportSize({ width, height });
      for (const [button, dialog] of [['#settings-button', 'settings'], ['#scenario-button', 'scenario'], ['#help-button', 'help'], ['#lab-button', 'lab']]) {
        await p.locator(button).click();
        await p.locator(`#${dialog}-dialog`).waitFor();
        const outside = await p.evaluate((id) => {
          const d = document.getElementById(id);
          const panel = d.getBoundingClientRect();
          return [...d.querySelectorAll('input, select, textarea, button, fieldset, p')]
            .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > panel.right + 0.5 || r.left < panel.left - 0.5); })
            .map((e) => e.id || e.name || e.textContent.trim().slice(0, 30));
        }, `${dialog}-dialog`);
        assert.deepEqual(outside, [], `${width}×${height} ${dialog}: outside its panel`);
        await p.keyboard.press('Escape');
        await p.locator(`#${dialog}-dialog`).waitFor({ state: 'hidden' });
      }
    }
    assert.deepEqual(errors, []);
    await p.close();
  });

  for (const [width, height] of [[1280, 800], [1366, 768]]) {
    test(`at ${width}×${height} Settings fits the window and scrolls within it`, async () => {
      const { page: p, errors } = await page('?seed=1');
      await p.setViewportSize({ width, height });
      await p.locator('#settings-button').click();
      const box = await p.locator('#settings-dialog').boundingBox();
      assert.ok(box.y + box.height <= height, `the dialog ends at ${box.y + box.height}`);
      const last = p.locator('#settings-dialog label').last();
      await last.scrollIntoViewIfNeeded();
      const lastBox = await last.boundingBox();
      assert.ok(lastBox.y + lastBox.height <= height, 'its last setting can be reached');
      assert.deepEqual(errors, []);
      await p.close();
    });
  }
});
