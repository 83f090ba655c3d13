// Browser test for reads (thesis §6.4) and the compaction and read settings: a read from a
// node's menu travels to the leader, its heartbeat round is marked, and the answer comes
// back in the feed; Settings change what the running cluster does; the bugs panel's
// read-without-heartbeat shows why the round is needed, and the safety badge calls its
// stale read what it is: not linearizable. Real clicks, fixed seed, paused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, clickCanvas, leaderOf, servePage, state } from './harness.mjs';

const page = servePage('dist');

/** The feed's text, newest first. */
const feedText = (p) => p.locator('#feed').textContent();

describe('reads on the page', () => {
  test('Read x at a follower: the read index, the marked heartbeat round, the answer', async () => {
    const { page: p, errors } = await page('?seed=4');
    await advance(p, 2000);
    let s = await state(p);
    const leader = leaderOf(s);
    await p.evaluate((id) => window.riverRaft.propose(id, 'x=3'), leader.id);
    await advance(p, 500);
    s = await state(p);
    const commit = s.nodes.find((n) => n.id === leader.id).commitIndex;
    const follower = s.nodes.find((n) => n.id !== leader.id);

    await clickCanvas(p, follower.x, follower.y);
    await p.locator('#node-command').fill('x=9');
    assert.equal(await p.locator('#node-read').textContent(), 'Read x', 'the button names the key');
    await p.locator('#node-read').click();
    assert.equal(await p.locator('#node-error').textContent(), '');
    // Watch the wire: the forwarded ReadIndex, then the leader's marked heartbeat round.
    const seen = new Set();
    let marked = null;
    for (let k = 0; k < 200 && !marked; k++) {
      await advance(p, 2);
      for (const m of (await state(p)).messages) {
        seen.add(m.kind);
        if (m.confirmsRead !== null && m.kind === 'heartbeat') marked = m;
      }
    }
    assert.ok(seen.has('ReadIndex'), `the follower forwards the read: ${[...seen]}`);
    assert.ok(marked, 'a heartbeat of the read round is on the wire');
    assert.equal(marked.from, leader.id);
    assert.match(marked.why, /heartbeat round \d+, which a majority must answer/);
    await advance(p, 500);
    const feed = await feedText(p);
    assert.match(feed, new RegExp(`User X hears back: x = 3, read at index ${commit} after ${leader.id}'s heartbeat round ${marked.confirmsRead} confirmed it still leads`));
    assert.ok((await state(p)).messages.every((m) => m.confirmsRead === null), 'the round is over');
    // The API, and a refusal with its reason.
    const refusal = await p.evaluate(() => {
      try { window.riverRaft.read('A', 'x=1'); return ''; } catch (e) { return String(e.message ?? e); }
    });
    assert.match(refusal, /is not a key/);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('Settings: lease reads are refused without CheckQuorum and answer with it', async () => {
    const { page: p, errors } = await page('?seed=4&nodes=3');
    await advance(p, 2000);
    await p.locator('#settings-button').click();
    const mode = p.locator('#settings-form select[name="read-mode"]');
    await mode.selectOption('lease');
    assert.match(await p.locator('#settings-error').textContent(), /CheckQuorum/, 'a lease without CheckQuorum is refused, with the reason');
    assert.notEqual(await p.evaluate(() => window.riverRaft.settings()['read-mode']), 'lease');
    await p.locator('#settings-form input[name="checkquorum"]').check();
    await mode.selectOption('lease');
    assert.equal(await p.locator('#settings-error').textContent(), '');
    assert.equal(await p.evaluate(() => window.riverRaft.settings()['read-mode']), 'lease');
    await p.keyboard.press('Escape');
    await advance(p, 2000);
    const leader = leaderOf(await state(p));
    await p.evaluate((id) => window.riverRaft.propose(id, 'x=7'), leader.id);
    await advance(p, 400);
    await p.evaluate((id) => window.riverRaft.read(id, 'x'), leader.id);
    await advance(p, 400);
    assert.match(await feedText(p), /User X hears back: x = 7, answered at once within the leader's lease/);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('Settings: the snapshot threshold compacts, the read mode sends reads through the log', async () => {
    const { page: p, errors } = await page('?seed=4&nodes=3');
    await advance(p, 2000);
    await p.locator('#settings-button').click();
    const threshold = p.locator('#settings-form input[name="snapshot-threshold"]');
    assert.equal(await threshold.inputValue(), '0', 'off by default');
    await threshold.fill('2');
    await threshold.press('Tab');
    await p.locator('#settings-form select[name="read-mode"]').selectOption('log');
    assert.equal(await p.locator('#settings-error').textContent(), '');
    assert.deepEqual(
      await p.evaluate(() => { const s = window.riverRaft.settings(); return [s['snapshot-threshold'], s['read-mode']]; }),
      ['2', 'log'],
    );
    await p.keyboard.press('Escape');
    const leader = leaderOf(await state(p));
    for (const c of ['x=1', 'y=2', 'x=3']) {
      await p.evaluate(([id, cmd]) => window.riverRaft.propose(id, cmd), [leader.id, c]);
      await advance(p, 300);
    }
    let s = await state(p);
    for (const n of s.nodes) {
      assert.ok(n.snapshot, `${n.id} compacted on its own`);
      assert.ok(n.log.length < 2, `${n.id} keeps fewer entries than the threshold`);
      assert.equal(n.snapshot.lastIncludedIndex + n.log.length, 4, `${n.id}: no-op and three changes`);
    }
    await p.evaluate((id) => window.riverRaft.read(id, 'x'), leader.id);
    await advance(p, 400);
    s = await state(p);
    const last = (n) => (n.log.length ? n.log.at(-1).index : n.snapshot.lastIncludedIndex);
    assert.equal(last(s.nodes.find((n) => n.id === leader.id)), 5, 'the read took an entry');
    assert.match(await feedText(p), /User X hears back: x = 3, read through the log/);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('read-without-heartbeat from the bugs panel: a deposed leader answers with an old value', async () => {
    const { page: p, errors } = await page('?seed=4');
    await p.locator('#bugs-summary').click();
    await p.locator('#bugs input[data-bug="read-without-heartbeat"]').check();
    await advance(p, 2000);
    const old = leaderOf(await state(p)).id;
    await p.evaluate((id) => window.riverRaft.propose(id, 'x=1'), old);
    await advance(p, 500);
    const rest = ['A', 'B', 'C', 'D', 'E'].filter((n) => n !== old);
    await p.evaluate(([a, b]) => window.riverRaft.partition([[a], b]), [old, rest]);
    await advance(p, 1500);
    const fresh = (await state(p)).nodes.find((n) => n.role === 'leader' && n.id !== old);
    assert.ok(fresh, 'the majority elected a new leader');
    await p.evaluate((id) => window.riverRaft.propose(id, 'x=2'), fresh.id);
    await advance(p, 500);
    await p.evaluate((id) => window.riverRaft.read(id, 'x'), old);
    await advance(p, 500);
    assert.match(await feedText(p), /User X hears back: x = 1, read at index \d+ without a heartbeat round \(read-without-heartbeat/);
    // Every log is correct, but the read was stale: the badge says so, the banner explains.
    const safety = await p.evaluate(() => window.riverRaft.safety());
    assert.equal(safety.ok, false);
    assert.equal(safety.violations[0].property, 'Linearizability');
    assert.equal(await p.locator('#safety').textContent(), '✗ stale read: not linearizable');
    assert.match(await p.locator('#broken-text').textContent(), /read-without-heartbeat\..*A read returned a stale value: x read 1, but x=2 had committed/);
    await p.locator('#safety').click();
    assert.match(await p.locator('#safety-list').textContent(), /Linearizability at .*stale read: a read of x asked at/);
    assert.deepEqual(errors, []);
    await p.close();
  });
});
