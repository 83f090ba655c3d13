// Browser test for freeze and thaw (a stalled server, not a crashed one): the node menu's
// Freeze on the leader, the feed saying it still thinks it leads, a new leader elected
// meanwhile, Thaw from the same menu, and a share link that carries both. Real clicks, a
// fixed seed, the clock paused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, clickCanvas, leaderOf, servePage, state } from './harness.mjs';

const page = servePage('dist');
const feedText = (p) => p.locator('#feed').textContent();

describe('freeze and thaw on the page', () => {
  test('freeze the leader from its menu, watch the others elect, thaw it, share the run', async () => {
    const { page: p, errors } = await page('?seed=4');
    await advance(p, 2000);
    const old = leaderOf(await state(p));
    await clickCanvas(p, old.x, old.y);
    assert.equal(await p.locator('#node-freeze').textContent(), 'Freeze');
    await p.locator('#node-freeze').click();
    assert.equal(await p.locator('#node-error').textContent(), '');
    assert.equal(await p.locator('#node-freeze').textContent(), 'Thaw', 'the menu offers Thaw now');
    assert.match(await p.locator('#node-hint').textContent(), /still thinks it leads/);
    // Frozen, its timers wait: Time out is disabled, with the reason the action gives;
    // Thaw is not, and keeps its own description.
    const timeout = p.locator('#node-timeout');
    assert.ok(await timeout.isDisabled());
    const why = `${old.id} is frozen: its timers wait until it thaws`;
    assert.equal(await timeout.getAttribute('title'), why);
    assert.equal(await timeout.getAttribute('aria-description'), why);
    assert.ok(await p.locator('#node-freeze').isEnabled());
    assert.equal(await p.locator('#node-freeze').getAttribute('aria-description'), null);
    assert.match(await p.locator('#node-freeze').getAttribute('title'), /^Freeze it: a stalled process/);
    // The frozen leader's longer hint made the menu taller: it moved up to stay whole (the
    // box cut off its last row, Remove from cluster, at 1280×800).
    const menu = await p.locator('#node-menu').boundingBox();
    const area = await p.locator('#overlay').boundingBox();
    assert.ok(menu.y + menu.height <= area.y + area.height, `the menu's foot ${menu.y + menu.height} is inside the ring area's ${area.y + area.height}`);
    const remove = await p.locator('#node-remove').boundingBox();
    assert.ok(remove.y + remove.height <= menu.y + menu.height, 'Remove from cluster is inside the menu');
    assert.match(await feedText(p), new RegExp(`${old.id} froze while leading term ${old.term}`));
    await p.locator('#node-close').click();

    await advance(p, 2000);
    let s = await state(p);
    const frozen = s.nodes.find((n) => n.id === old.id);
    assert.equal(frozen.frozen, true);
    assert.equal(frozen.role, 'leader', 'frozen, it still thinks it leads');
    const fresh = leaderOf(s);
    assert.notEqual(fresh.id, old.id, 'the others elected a new leader');
    assert.ok(fresh.term > old.term);

    await clickCanvas(p, frozen.x, frozen.y);
    await p.locator('#node-freeze').click();
    assert.equal(await p.locator('#node-error').textContent(), '');
    assert.equal(await p.locator('#node-freeze').textContent(), 'Freeze');
    await p.locator('#node-close').click();
    assert.match(await feedText(p), new RegExp(`${old.id} thawed, still sure it leads term ${old.term}`));
    await advance(p, 500);
    s = await state(p);
    assert.equal(s.nodes.find((n) => n.id === old.id).role, 'follower', 'the newer term reached it');

    // The API refuses with the reason.
    const refusal = await p.evaluate((id) => {
      try { window.riverRaft.thaw(id); return ''; } catch (e) { return String(e.message ?? e); }
    }, old.id);
    assert.match(refusal, /is not frozen/);

    // A share link carries the freeze and the thaw: the same run, to the event.
    const link = await p.evaluate(() => window.riverRaft.shareLink());
    const q = await p.context().newPage();
    await q.goto(link);
    await q.waitForFunction(() => window.riverRaft !== undefined);
    await q.waitForFunction((d) => window.riverRaft.state().digest === d, s.digest, { timeout: 20_000 });
    assert.deepEqual((await state(q)).nodes, s.nodes);
    await q.close();
    assert.deepEqual(errors, []);
    await p.close();
  });
});
