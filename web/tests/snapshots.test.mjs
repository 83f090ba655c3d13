// Browser test for log compaction (thesis ch. 5): send changes through the node menu, take
// a snapshot with the menu's Snapshot button, and check the snapshot's bounds and the real
// indexes of the entries after it in state() — through real clicks on a fixed seed, paused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, clickCanvas, leaderOf, servePage, state } from './harness.mjs';

const page = servePage('dist');

describe('snapshots on the page', () => {
  test('the Snapshot menu item compacts a log into one block with the right indexes', async () => {
    const { page: p, errors } = await page('?seed=4&nodes=3');
    await advance(p, 2000);
    let s = await state(p);
    const leader = leaderOf(s);
    // Two changes through the leader's menu.
    for (const command of ['x=3', 'y=1']) {
      await clickCanvas(p, leader.x, leader.y);
      await p.locator('#node-command').fill(command);
      await p.locator('#node-form button[type=submit]').click();
      await advance(p, 400);
    }
    s = await state(p);
    const follower = s.nodes.find((n) => n.id !== leader.id);
    const last = follower.log.at(-1);
    assert.equal(follower.snapshot, null);
    assert.equal(last.command, 'y=1');

    await clickCanvas(p, follower.x, follower.y);
    await p.locator('#node-snapshot').click();
    assert.equal(await p.locator('#node-error').textContent(), '');
    s = await state(p);
    const after = s.nodes.find((n) => n.id === follower.id);
    assert.deepEqual(after.snapshot, {
      lastIncludedIndex: last.index,
      lastIncludedTerm: last.term,
      text: `snapshot ≤ ${last.index}: x=3, y=1`,
    });
    assert.deepEqual(after.log, [], 'every applied entry went into the snapshot');
    await p.locator('#feed', { hasText: `${follower.id} compacted its log` }).waitFor();
    // Its state in the menu names the snapshot too.
    await p.locator('#node-inspect summary').click();
    await p.locator('#node-state', { hasText: `snapshot ≤ ${last.index}` }).waitFor();
    // Now it has nothing new to compact: Snapshot is disabled, and says why.
    assert.ok(await p.locator('#node-snapshot').isDisabled());
    assert.match(await p.locator('#node-snapshot').getAttribute('title'), /nothing new to compact/);

    // An entry appended later is numbered after the snapshot, on every server.
    await p.evaluate((id) => window.riverRaft.propose(id, 'z=5'), leader.id);
    await advance(p, 400);
    s = await state(p);
    for (const n of s.nodes) {
      assert.deepEqual(n.log.at(-1), { index: last.index + 1, term: n.log.at(-1).term, command: 'z=5', committed: true }, n.id);
    }
    // The JS API: a crashed server cannot take a snapshot.
    await p.evaluate((id) => window.riverRaft.crash(id), follower.id);
    const refusal = await p.evaluate((id) => {
      try { window.riverRaft.snapshot(id); return ''; } catch (e) { return String(e.message ?? e); }
    }, follower.id);
    assert.match(refusal, /is down/);
    assert.deepEqual(errors, []);
    await p.close();
  });
});
