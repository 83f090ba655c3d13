// Browser tests of the teaching tools (time travel, message control, live safety checking
// and the broken variants), part of the page from its first frame, in Debian's Chromium,
// driven through the page's JavaScript API (window.riverRaft) and its controls. Every test
// pauses the clock and moves time with advance(ms) on a fixed seed, so runs are
// deterministic; assertions are on state(), never on pixels.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, leaderOf, leaders, servePage, state } from './harness.mjs';

const page = servePage('dist');

describe('the teaching tools', () => {
  test('are on the page from the first frame, and the timeline holds the whole run', async () => {
    const { page: p, errors } = await page('?seed=4');
    const fetched = [];
    p.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    assert.equal(await p.locator('#teach-button').count(), 0, 'no button to open them');
    for (const id of ['#timeline', '#step-event', '#step-back', '#safety', '#scrub']) {
      assert.equal(await p.locator(id).isVisible(), true, `${id} is shown`);
    }
    assert.equal(await p.locator('#safety').textContent(), '✓ safe');
    const api = await p.evaluate(() => Object.keys(window.riverRaft));
    for (const name of ['seek', 'stepEvent', 'stepBack', 'timeline', 'safety', 'bugs', 'setBug', 'holdMessage', 'switchBranch']) {
      assert.ok(api.includes(name), `riverRaft.${name} exists when the page is ready`);
    }
    await p.locator('#scenario-button').click();
    await p.locator('#scenario-reset').click();
    await p.locator('#scenario-run').click();
    await p.evaluate(() => { window.riverRaft.pause(); window.riverRaft.advance(1200); });
    await p.evaluate(() => { window.riverRaft.cut('D', 'E', true); window.riverRaft.advance(333.5); });
    const live = await state(p);
    assert.ok(Array.isArray(live.messages), 'the state lists messages');
    assert.equal((await p.evaluate(() => window.riverRaft.scenario())).state, 'playing');

    const tl = await p.evaluate(() => window.riverRaft.timeline());
    assert.equal(tl.startMs, 0);
    assert.equal(tl.endMs, Math.floor(live.timeMs));
    assert.ok(tl.marks.some((m) => m.kind === 'leader'), 'the first election is marked');
    assert.ok(tl.marks.some((m) => m.kind === 'cut'), 'the cut is marked');
    await p.evaluate(() => window.riverRaft.seek(0));
    assert.equal(leaders(await state(p)).length, 0, 'no leader at the start');
    await p.evaluate((t) => window.riverRaft.seek(t), tl.endMs);
    const run = (s) => ({ ...s, timeMs: Math.floor(s.timeMs) });
    assert.deepEqual(run(await state(p)), run(live), 'and back at the end, the same moment');

    // The strip folds away; the badge and the event buttons stay.
    await p.locator('#timeline-toggle').click();
    assert.equal(await p.locator('#scrub').isVisible(), false, 'the track is folded');
    assert.equal(await p.locator('#safety').isVisible(), true);
    await p.locator('#timeline-toggle').click();
    assert.equal(await p.locator('#scrub').isVisible(), true);
    assert.deepEqual(fetched, [], 'nothing is fetched after the page opened');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test("the strip's time follows the clock through a quiet stretch", async () => {
    const { page: p, errors } = await page('?seed=1');
    // What the page paints as the strip's time (its canvas: web/timeline.ts, drawTime), and the
    // feed lines added meanwhile.
    await p.evaluate(() => {
      window.__strip = [];
      const fill = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
        if (this.canvas.id === 'scrub-time') window.__strip.push(text);
        return fill.call(this, text, ...rest);
      };
      window.__told = 0;
      new MutationObserver((changes) => { for (const c of changes) window.__told += c.addedNodes.length; })
        .observe(document.getElementById('feed'), { childList: true });
    });
    // Past the first election, then playing at the default speed: heartbeats only, nothing told.
    await advance(p, 1000);
    await p.evaluate(() => window.riverRaft.play());
    await p.waitForTimeout(500);
    const { samples, told } = await p.evaluate(async () => {
      window.__told = 0;
      const samples = [];
      for (let k = 0; k < 40; k++) {
        await new Promise((ok) => setTimeout(ok, 150));
        const strip = window.__strip[window.__strip.length - 1];
        samples.push({ clockMs: window.riverRaft.state().timeMs, stripMs: parseFloat(strip) * 1000 });
      }
      return { samples, told: window.__told };
    });
    const { speed } = await state(p);
    assert.equal(told, 0, 'a quiet stretch: nothing was told');
    // The strip is refreshed every 250 ms of wall time; a second's worth of the clock is a
    // loaded machine's slack. Before, it stood still until something was told.
    const allowedMs = 1000 * speed;
    for (const { clockMs, stripMs } of samples) {
      assert.ok(clockMs - stripMs <= allowedMs, `the clock at ${clockMs} ms, the strip at ${stripMs} ms (${JSON.stringify(samples)})`);
    }
    assert.ok(new Set(samples.map((s) => s.stripMs)).size >= 10, 'the strip moved on');
    assert.match(await p.locator('#scrub-text').textContent(), /^\d+\.\d{3} s$/, 'screen readers read the time too');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('rewinding to before an election shows the earlier state exactly', async () => {
    // ?teach (which opened the tools when they were a download of their own) is harmless.
    const { page: p, errors } = await page('?seed=3&teach');
    assert.equal(await p.locator('#notices .notice').count(), 0, 'no notice for ?teach');
    assert.equal((await state(p)).timeMs, 0);
    await advance(p, 100);
    const before = await state(p);
    assert.equal(leaders(before).length, 0, 'no leader yet');
    await advance(p, 3000);
    assert.equal(leaders(await state(p)).length, 1);
    const tl = await p.evaluate(() => window.riverRaft.timeline());
    assert.equal(tl.endMs, 3100);
    assert.ok(tl.marks.some((m) => m.kind === 'leader'), 'the election is marked');
    await p.evaluate(() => window.riverRaft.seek(100));
    assert.deepEqual(await state(p), before);
    // Acting in the past keeps the old future as a branch to return to.
    await p.evaluate(() => window.riverRaft.crash('A'));
    let branched = await p.evaluate(() => window.riverRaft.timeline());
    assert.equal(branched.branches, 1);
    assert.deepEqual(branched.branchEnds, [3100]);
    await p.locator('#branch').selectOption('0');
    branched = await p.evaluate(() => window.riverRaft.timeline());
    assert.equal(branched.endMs, 3100, 'back on the old future');
    assert.ok((await state(p)).nodes.find((n) => n.id === 'A').alive, 'where A never crashed');
    await p.evaluate(() => window.riverRaft.seek(100));
    // Stepping one event forward and back returns to the same moment too.
    const words = await p.evaluate(() => window.riverRaft.stepEvent());
    assert.match(words, /timer fired|arrived|lost/);
    const stepped = await state(p);
    await p.evaluate(() => window.riverRaft.stepEvent());
    await p.evaluate(() => window.riverRaft.stepBack());
    assert.deepEqual(await state(p), stepped);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a held AppendEntries released after a new term is rejected as stale', async () => {
    const { page: p, errors } = await page('?seed=1');
    await advance(p, 2000);
    let s = await state(p);
    const old = leaderOf(s);
    const fromLeader = (st) => st.messages.find((x) => x.from === old.id && (x.kind === 'heartbeat' || x.kind === 'AppendEntries'));
    for (let k = 0; k < 100 && !fromLeader(s); k++) {
      await advance(p, 1);
      s = await state(p);
    }
    const m = fromLeader(s);
    assert.ok(m, 'the leader has a message on the wire');
    await p.evaluate((id) => window.riverRaft.holdMessage(id), m.id);
    assert.equal((await state(p)).messages.find((x) => x.id === m.id).held, true);
    // A new term begins: the receiver times out and wins an election.
    await p.evaluate((id) => window.riverRaft.timeout(id), m.to);
    await advance(p, 1500);
    const after = await state(p);
    assert.ok(leaderOf(after).term > m.term, 'a newer term began');
    assert.ok(after.messages.some((x) => x.id === m.id && x.held), 'still held');
    const logBefore = JSON.stringify(after.nodes.find((n) => n.id === m.to).log);
    await p.evaluate((id) => window.riverRaft.releaseMessage(id), m.id);
    await advance(p, 200);
    const released = await state(p);
    assert.ok(!released.messages.some((x) => x.id === m.id), 'delivered');
    assert.equal(JSON.stringify(released.nodes.find((n) => n.id === m.to).log), logBefore, 'no change to the log');
    const feed = await p.locator('#feed').textContent();
    assert.match(feed, new RegExp(`${m.to} rejected a stale (heartbeat|AppendEntries) from ${old.id}`));
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a duplicated AppendEntries changes no log', async () => {
    const { page: p, errors } = await page('?seed=2');
    await advance(p, 2000);
    const leader = leaderOf(await state(p));
    await p.evaluate((id) => window.riverRaft.propose(id, 'x=7'), leader.id);
    let m;
    for (let k = 0; k < 200 && !m; k++) {
      await advance(p, 1);
      m = (await state(p)).messages.find((x) => x.kind === 'AppendEntries' && x.fields.entries.some((e) => e.command === 'x=7'));
    }
    assert.ok(m, 'an AppendEntries carries x=7');
    await p.evaluate((id) => window.riverRaft.duplicateMessage(id), m.id);
    const copies = (await state(p)).messages.filter((x) => x.kind === 'AppendEntries' && x.to === m.to && x.sentMs === m.sentMs);
    assert.equal(copies.length, 2, 'the copy is on the wire');
    await advance(p, 1000);
    const s = await state(p);
    for (const n of s.nodes) {
      assert.equal(n.log.filter((e) => e.command === 'x=7').length, 1, `${n.id} holds x=7 once`);
      assert.deepEqual(n.log, s.nodes[0].log, 'every log is the same');
    }
    assert.equal((await p.evaluate(() => window.riverRaft.safety())).ok, true);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('figure8-commit breaks the Figure 8 scenario visibly; correct Raft stays safe', async () => {
    const { page: p, errors } = await page('?seed=1');
    const bugs = await p.evaluate(() => window.riverRaft.bugs());
    for (const name of ['figure8-commit', 'forget-vote', 'no-up-to-date-check', 'stale-read']) {
      assert.ok(bugs.some((b) => b.name === name), `${name} is offered`);
    }
    assert.ok(bugs.every((b) => !b.on && b.about.length > 20));
    const playFigure8 = async () => {
      await p.locator('#scenario-button').click();
      await p.locator('#scenario-figure8').click();
      await p.locator('#scenario-run').click();
      await p.evaluate(() => { window.riverRaft.pause(); window.riverRaft.advance(5000); });
    };
    await p.evaluate(() => window.riverRaft.setBug('figure8-commit', true));
    await playFigure8();
    const broken = await p.evaluate(() => window.riverRaft.safety());
    assert.equal(broken.ok, false);
    assert.ok(broken.violations.some((v) => v.property === 'Leader Completeness'), JSON.stringify(broken));
    await p.waitForFunction(() => /violation/.test(document.getElementById('safety').textContent));
    await p.locator('#safety').click();
    const listed = await p.locator('#safety-list').textContent();
    assert.match(listed, /Leader Completeness/);
    await p.keyboard.press('Escape');
    await p.evaluate(() => window.riverRaft.setBug('figure8-commit', false));
    await playFigure8();
    assert.equal((await p.evaluate(() => window.riverRaft.safety())).ok, true);
    await p.waitForFunction(() => /safe/.test(document.getElementById('safety').textContent));
    assert.deepEqual(errors, []);
    await p.close();
  });
});
