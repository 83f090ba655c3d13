// Browser tests: the built page (dist/) in Debian's Chromium, driven through its public
// JavaScript API (window.riverRaft) and real mouse clicks. Every test pauses the clock and
// moves time with advance(ms) on a fixed seed, so runs are deterministic; assertions are on
// state(), never on pixels.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, leaderOf, leaders, servePage, state } from './harness.mjs';

const page = servePage('dist');

/** Clicks at a point given in canvas CSS pixels, with the real mouse. */
async function clickCanvas(p, x, y, modifiers = []) {
  const box = await p.locator('#canvas').boundingBox();
  for (const m of modifiers) await p.keyboard.down(m);
  await p.mouse.click(box.x + x, box.y + y);
  for (const m of modifiers) await p.keyboard.up(m);
}

/** Sends `command` to node `id` the way a person does: click the node, type, press Enter. */
async function sendByClick(p, id, command) {
  const node = (await state(p)).nodes.find((n) => n.id === id);
  await clickCanvas(p, node.x, node.y);
  const input = p.locator('#node-command');
  await input.waitFor({ state: 'visible' });
  await input.fill(command);
  await input.press('Enter');
  await p.locator('#node-menu').waitFor({ state: 'hidden' });
}

/** Clicks the middle of the link a–b. */
async function clickLink(p, a, b) {
  const s = await state(p);
  const [na, nb] = [a, b].map((id) => s.nodes.find((n) => n.id === id));
  const box = await p.locator('#canvas').boundingBox();
  // As a person does: a message in flight takes the click (it opens its inspector), so
  // aim at a stretch of the link the hint names as the link.
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7]) {
    const [x, y] = [na.x + (nb.x - na.x) * t, na.y + (nb.y - na.y) * t];
    await p.mouse.move(box.x + x, box.y + y);
    if ((await p.locator('#hint').textContent()).startsWith('Link')) return clickCanvas(p, x, y);
  }
  assert.fail(`no clear stretch of link ${a}–${b} to click`);
}

function entry(node, command) {
  return node.log.find((e) => e.command === command);
}

describe('River Raft in the browser', () => {
  test('loads with no console errors and elects a leader', async () => {
    const { page: p, errors } = await page('?seed=1');
    const first = await state(p);
    assert.equal(first.seed, 1);
    assert.equal(first.nodes.length, 5);
    assert.equal(first.paused, true);
    assert.deepEqual(first.nodes.map((n) => n.id), ['A', 'B', 'C', 'D', 'E']);
    assert.equal(first.links.length, 20);
    await advance(p, 2000);
    const s = await state(p);
    assert.equal(s.timeMs, 2000);
    assert.equal(leaders(s).length, 1, 'exactly one leader');
    const leader = leaderOf(s);
    for (const n of s.nodes) {
      assert.equal(n.term, leader.term, `${n.id} is in the leader's term`);
      assert.equal(n.alive, true);
      assert.ok(n.x > 0 && n.y > 0, 'nodes are placed on the canvas');
    }
    await p.waitForFunction((id) => document.getElementById('status').textContent.includes(`${id} leads term`), leader.id);
    const feed = await p.locator('#feed').textContent();
    assert.match(feed, new RegExp(`${leader.id} became leader for term ${leader.term}`));
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('clicking the leader sends a change that commits on every node', async () => {
    const { page: p, errors } = await page('?seed=2');
    await advance(p, 2000);
    const leader = leaderOf(await state(p));
    await sendByClick(p, leader.id, 'x=42');
    await advance(p, 1500);
    const s = await state(p);
    for (const n of s.nodes) {
      const e = entry(n, 'x=42');
      assert.ok(e, `${n.id} has the entry`);
      assert.equal(e.committed, true, `${n.id} committed it`);
      assert.equal(n.kv.x, '42', `${n.id} applied it`);
    }
    const feed = await p.locator('#feed').textContent();
    assert.match(feed, /User X hears back: x=42 is committed and applied/);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a follower answers who leads', async () => {
    const { page: p, errors } = await page('?seed=2');
    await advance(p, 2000);
    const s = await state(p);
    const leader = leaderOf(s);
    const follower = s.nodes.find((n) => n.role === 'follower');
    await sendByClick(p, follower.id, 'y=1');
    await advance(p, 200);
    const feed = await p.locator('#feed').textContent();
    assert.match(feed, new RegExp(`User X is told: not the leader, ${leader.id} is`));
    assert.equal(entry((await state(p)).nodes[0], 'y=1'), undefined, 'nothing was appended');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('clicking links partitions the cluster; the minority leader cannot commit; healing converges', async () => {
    const { page: p, errors } = await page('?seed=3');
    await advance(p, 2000);
    let s = await state(p);
    const old = leaderOf(s);
    const ids = s.nodes.map((n) => n.id);
    const minority = [old.id, ids.find((id) => id !== old.id)];
    const majority = ids.filter((id) => !minority.includes(id));
    for (const a of minority) for (const b of majority) await clickLink(p, a, b);
    s = await state(p);
    for (const l of s.links) {
      const across = minority.includes(l.from) !== minority.includes(l.to);
      assert.equal(l.up, !across, `link ${l.from}->${l.to}`);
    }

    await sendByClick(p, old.id, 'x=1');
    await advance(p, 2000);
    s = await state(p);
    const stale = s.nodes.find((n) => n.id === old.id);
    assert.equal(stale.role, 'leader', 'the old leader does not know it is cut off');
    assert.equal(entry(stale, 'x=1').committed, false, 'the minority cannot commit');
    const fresh = leaderOf(s);
    assert.ok(majority.includes(fresh.id), 'the majority elected its own leader');
    assert.ok(fresh.term > stale.term);

    await p.evaluate((id) => window.riverRaft.propose(id, 'x=2'), fresh.id);
    await advance(p, 1500);
    s = await state(p);
    for (const id of majority) {
      const n = s.nodes.find((m) => m.id === id);
      assert.equal(entry(n, 'x=2')?.committed, true, `${id} committed x=2`);
      assert.equal(n.kv.x, '2');
    }
    assert.equal(entry(s.nodes.find((n) => n.id === old.id), 'x=1').committed, false);

    await p.locator('#heal').click();
    assert.ok((await state(p)).links.every((l) => l.up), 'every link restored');
    await advance(p, 3000);
    s = await state(p);
    assert.equal(leaders(s).length, 1, 'one leader after healing');
    const reference = JSON.stringify(leaderOf(s).log);
    for (const n of s.nodes) {
      assert.equal(JSON.stringify(n.log), reference, `${n.id}'s log matches the leader's`);
      assert.ok(n.log.every((e) => e.committed), `${n.id} committed everything`);
      assert.equal(n.kv.x, '2', `${n.id} rolled back x=1`);
      assert.equal(entry(n, 'x=1'), undefined);
    }
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('the partition scenario plays through', async () => {
    const { page: p, errors } = await page('?seed=1');
    await p.locator('#scenario-button').click();
    await p.locator('#scenario-reset').click();
    await p.locator('#scenario-run').click();
    await p.evaluate(() => window.riverRaft.pause());
    const s0 = await state(p);
    assert.equal(s0.seed, 7, 'the scenario sets its own seed');
    for (let t = 0; t < 12000 && (await p.evaluate(() => window.riverRaft.scenario().state)) === 'playing'; t += 500) {
      await advance(p, 500);
    }
    const story = await p.evaluate(() => window.riverRaft.scenario());
    assert.equal(story.state, 'finished', JSON.stringify(story));
    await p.locator('#story-state', { hasText: 'Finished' }).waitFor();
    const s = await state(p);
    for (const n of s.nodes) assert.equal(n.kv.x, '3', `${n.id} ends with x=3`);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a scenario with an error names its line on the page', async () => {
    const { page: p, errors } = await page('?seed=1');
    const message = await p.evaluate(() => {
      try { window.riverRaft.load('nodes 3\nseed 4\ncrash Q\n'); return 'loaded'; } catch (e) { return e.message; }
    });
    assert.match(message, /^line 3/);
    await p.locator('.notice', { hasText: 'line 3' }).waitFor();
    assert.equal((await state(p)).nodes.length, 5, 'the current run continues');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a bad ?seed= shows a notice and the page runs with defaults', async () => {
    const { page: p, errors } = await page('?seed=banana&nodes=12');
    const notices = p.locator('#notices .notice');
    await notices.first().waitFor();
    const text = await p.locator('#notices').textContent();
    assert.match(text, /seed 'banana'/);
    assert.match(text, /'12' nodes/);
    const s = await state(p);
    assert.equal(typeof s.seed, 'number');
    assert.equal(s.nodes.length, 5);
    await advance(p, 2000);
    assert.equal(leaders(await state(p)).length, 1);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('three notices about the address are plain text and each can be read from its first line', async () => {
    const { page: p, errors } = await page('?seed=<b>x</b>&tour=<i>y</i>&<b>z</b>=1');
    const notices = p.locator('#notices .notice');
    await notices.nth(2).waitFor();
    assert.match(await notices.first().textContent(), /seed '<b>x<\/b>'/);
    assert.equal(await p.locator('#notices b, #notices i').count(), 0, 'no element was made from the address');
    // The band scrolls when they overflow it: centred, they overflowed at its top as well,
    // above where a scroll can go, and the first notice's opening line was out of reach.
    const [band, first] = await p.evaluate(() => {
      const box = document.getElementById('notices');
      box.scrollTop = 0;
      return [box.getBoundingClientRect().top, box.querySelector('.notice').getBoundingClientRect().top];
    });
    assert.ok(first >= band - 0.5, `the first notice starts ${band - first} px above its band, out of reach`);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('?nodes= sets the cluster size', async () => {
    const { page: p, errors } = await page('?seed=5&nodes=9');
    const s = await state(p);
    assert.deepEqual(s.nodes.map((n) => n.id), ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I']);
    assert.equal(await p.locator('#nodes').inputValue(), '9');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a command that looks like HTML appears as text', async () => {
    const { page: p, errors, dialogs } = await page('?seed=2');
    await advance(p, 2000);
    const leader = leaderOf(await state(p));
    const evil = '<img src=x onerror=alert(1)>';
    await sendByClick(p, leader.id, evil);
    await advance(p, 1500);
    const s = await state(p);
    assert.ok(s.nodes.every((n) => entry(n, evil)?.committed), 'replicated as plain text');
    assert.equal(await p.locator('img').count(), 0, 'no element was made from it');
    const feed = await p.locator('#feed').textContent();
    assert.ok(feed.includes(evil), 'the feed shows it literally');
    await p.waitForTimeout(200);
    assert.deepEqual(dialogs, [], 'no script ran');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('commands have a length limit', async () => {
    const { page: p, errors } = await page('?seed=2');
    await advance(p, 2000);
    const leader = leaderOf(await state(p));
    const refused = await p.evaluate((id) => {
      try { window.riverRaft.propose(id, 'k=' + 'v'.repeat(100)); return ''; } catch (e) { return e.message; }
    }, leader.id);
    assert.match(refused, /at most 64 are allowed/);
    assert.equal(await p.locator('#node-command').getAttribute('maxlength'), '64');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('shift-click cuts one way; a second click restores', async () => {
    const { page: p, errors } = await page('?seed=1');
    const s = await state(p);
    const [a, c] = [s.nodes[0], s.nodes[2]];
    // Nearer A: cuts A -> C only.
    await clickCanvas(p, a.x + (c.x - a.x) * 0.35, a.y + (c.y - a.y) * 0.35, ['Shift']);
    const link = (st, from, to) => st.links.find((l) => l.from === from && l.to === to).up;
    let t = await state(p);
    assert.equal(link(t, 'A', 'C'), false);
    assert.equal(link(t, 'C', 'A'), true);
    await clickLink(p, 'A', 'C');
    t = await state(p);
    assert.equal(link(t, 'A', 'C'), true);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('crash, restart and time out from the node menu and the API', async () => {
    const { page: p, errors } = await page('?seed=4');
    await advance(p, 2000);
    const leader = leaderOf(await state(p));
    await p.evaluate((id) => window.riverRaft.crash(id), leader.id);
    let s = await state(p);
    const down = s.nodes.find((n) => n.id === leader.id);
    assert.equal(down.alive, false);
    assert.equal(down.role, 'down');
    await advance(p, 2000);
    const next = leaderOf(await state(p));
    assert.notEqual(next.id, leader.id, 'the others elect a new leader');
    // Restart through the menu.
    await clickCanvas(p, down.x, down.y);
    await p.locator('#node-crash', { hasText: 'Restart' }).click();
    s = await state(p);
    assert.equal(s.nodes.find((n) => n.id === leader.id).alive, true);
    const follower = s.nodes.find((n) => n.role === 'follower' && n.alive);
    await p.evaluate((id) => window.riverRaft.timeout(id), follower.id);
    s = await state(p);
    assert.notEqual(s.nodes.find((n) => n.id === follower.id).role, 'follower', 'its election started');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('keyboard shortcuts and the help overlay', async () => {
    const { page: p, errors } = await page('?seed=1');
    await p.keyboard.press('?');
    await p.locator('#help-dialog').waitFor({ state: 'visible' });
    await p.keyboard.press('Escape');
    await p.locator('#help-dialog').waitFor({ state: 'hidden' });
    await p.keyboard.press(' ');
    assert.equal((await state(p)).paused, false, 'space plays');
    await p.keyboard.press(' ');
    assert.equal((await state(p)).paused, true, 'space pauses');
    const before = (await state(p)).speed;
    await p.keyboard.press('+');
    assert.ok((await state(p)).speed > before, '+ is faster');
    await p.keyboard.press('p');
    assert.ok((await state(p)).links.some((l) => !l.up), 'P splits the cluster');
    await p.keyboard.press('h');
    assert.ok((await state(p)).links.every((l) => l.up), 'H heals');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('hammering clicks and resizing never breaks the page', async () => {
    const { page: p, errors } = await page('?seed=6');
    await p.evaluate(() => { window.riverRaft.setSpeed(1); window.riverRaft.play(); });
    const box = await p.locator('#canvas').boundingBox();
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let k = 0; k < 60; k++) {
      await p.mouse.click(box.x + rand() * box.width, box.y + rand() * box.height, { modifiers: k % 3 === 0 ? ['Shift'] : [] });
      if (k % 10 === 0) await p.setViewportSize({ width: 500 + Math.floor(rand() * 1000), height: 400 + Math.floor(rand() * 600) });
      if (k % 7 === 0) await p.keyboard.press('Escape');
    }
    await p.setViewportSize({ width: 1280, height: 800 });
    await p.waitForTimeout(300);
    const s = await state(p);
    assert.equal(s.nodes.length, 5);
    assert.ok(s.timeMs > 0, 'the clock kept running');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('advance is deterministic for a seed', async () => {
    const runs = [];
    for (let k = 0; k < 2; k++) {
      const { page: p } = await page('?seed=9');
      await advance(p, 1500);
      const leader = leaderOf(await state(p));
      await p.evaluate((id) => window.riverRaft.propose(id, 'z=1'), leader.id);
      await advance(p, 800);
      runs.push(JSON.stringify(await state(p)));
      await p.close();
    }
    assert.equal(runs[0], runs[1]);
  });
});
