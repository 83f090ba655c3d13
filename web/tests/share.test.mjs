// Browser tests for share links (issue 14): a link made by shareLink() reopens the same run
// paused at the same moment (the same trace digest), a classroom run's link stays short, and
// a damaged link or one from another journal version leaves a visible notice and a page that
// still runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { launch, open } from './browser.mjs';
import { advance, leaderOf, state } from './harness.mjs';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
let server, browser;
before(async () => { server = await serve(dist); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** A typical classroom run: 20 actions of the kinds a teacher uses, time passing between. */
async function classroomRun(p) {
  await p.evaluate(() => window.riverRaft.pause());
  await advance(p, 1500);
  const leader = leaderOf(await state(p)).id;
  const other = leader === 'A' ? 'B' : 'A';
  const steps = [
    ['propose', leader, 'x=1'], ['propose', leader, 'y=2'], ['cut', leader, other], ['propose', leader, 'z=3'],
    ['heal', leader, other], ['crash', leader], ['timeout', other], ['propose', other, 'w=4'], ['restart', leader],
    ['partition', 'AB|CDE'], ['propose', other, 'v=5'], ['healAll'], ['propose', leader, 'u=6'], ['crash', 'C'],
    ['restart', 'C'], ['propose', other, 'name=raft'], ['cut', 'D', 'E', true], ['heal', 'D', 'E'],
    ['propose', other, 'k=9'], ['timeout', 'E'],
  ];
  for (const [verb, ...args] of steps) {
    await p.evaluate(([v, a]) => { try { window.riverRaft[v](...a); } catch { /* a refusal is part of the story */ } }, [verb, args]);
    await advance(p, 700);
  }
  return steps.length;
}

describe('share links', () => {
  test('a share link reopens the same run, paused at the same moment, and stays short', async (t) => {
    const { page: a } = await open(browser.context, `${server.url}?seed=4&paused`);
    assert.equal(await classroomRun(a), 20);
    const before = await state(a);
    const link = await a.evaluate(() => window.riverRaft.shareLink());
    t.diagnostic(`a 20-action classroom run's link: ${link.length} characters`);
    assert.ok(link.length < 2000, `a 20-action run's link is ${link.length} characters`);
    assert.match(link, /#run=[A-Za-z0-9_-]+&digest=[0-9a-f]{16}$/);

    const { page: b, errors } = await open(browser.context, link);
    const after = await state(b);
    assert.equal(after.digest, before.digest, 'same trace digest');
    assert.equal(after.timeMs, before.timeMs);
    assert.equal(after.paused, true);
    assert.deepEqual(after.nodes, before.nodes);
    assert.match(await b.locator('.notice.info').first().textContent(), /exactly as it was shared/);
    // The feed tells how the run got here, as the sharer's page told it.
    const told = async (p) => p.locator('#feed li').evaluateAll((lis) => lis.map((li) => li.textContent));
    const [sent, opened] = [await told(a), await told(b)];
    assert.ok(opened.some((l) => /crashed/.test(l)) && opened.some((l) => /restarted from its disk/.test(l)),
      `the opened feed tells the crash and restart: ${JSON.stringify(opened.slice(-5))}`);
    assert.ok(opened.length >= sent.length * 0.9, `${opened.length} lines opened, ${sent.length} shared`);
    assert.deepEqual(errors, []);
    // Once open, the address lets go of the moment: a reload starts afresh.
    assert.equal(await b.evaluate(() => location.hash), '');
    assert.equal(await b.evaluate(() => location.href), server.url);
    await b.reload();
    await b.waitForFunction(() => window.riverRaft !== undefined);
    assert.equal(await b.locator('.notice.info').count(), 0, 'no shared run reopened');
    assert.ok((await state(b)).timeMs < before.timeMs, 'a fresh run');

    // openLink on an open page does the same.
    const { page: c } = await open(browser.context, `${server.url}?seed=9&paused`);
    assert.equal(await c.evaluate((url) => window.riverRaft.openLink(url), link), true);
    assert.equal((await state(c)).digest, before.digest);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  test('a damaged link shows a notice and opens a run that still runs', async () => {
    const { page: a } = await open(browser.context, `${server.url}?seed=4&paused`);
    await classroomRun(a);
    const link = await a.evaluate(() => window.riverRaft.shareLink());
    const at = link.indexOf('#run=') + 20;
    const damaged = link.slice(0, at) + (link[at] === 'A' ? 'B' : 'A') + link.slice(at + 1, -30);
    const { page: b } = await open(browser.context, damaged);
    const notice = b.locator('.notice.error');
    await notice.first().waitFor({ state: 'visible' });
    assert.match(await notice.first().textContent(), /share link could not be opened/);
    await b.evaluate(() => window.riverRaft.pause());
    const t = (await state(b)).timeMs;
    await advance(b, 2000);
    assert.equal((await state(b)).timeMs, t + 2000);
    assert.ok(leaderOf(await state(b)), 'the fresh run elects a leader');
    await Promise.all([a.close(), b.close()]);
  });

  test('a link cut short before its digest opens, saying it could not be checked', async () => {
    const { page: a } = await open(browser.context, `${server.url}?seed=4&paused`);
    await a.evaluate(() => window.riverRaft.pause());
    await advance(a, 2000);
    const link = await a.evaluate(() => window.riverRaft.shareLink());
    const { page: b } = await open(browser.context, link.replace(/&digest=[0-9a-f]+$/, ''));
    // It said "exactly as it was shared" with nothing to check that against.
    const said = await b.locator('#notices .notice').first().textContent();
    assert.match(said, /carries no trace digest, so whether it went exactly as it was shared could not be checked/);
    assert.doesNotMatch(said, /, exactly as it was shared/);
    assert.equal((await state(b)).digest, (await state(a)).digest);
    await Promise.all([a.close(), b.close()]);
  });

  test('a link from another journal version is refused with a notice', async () => {
    const { page: p } = await open(browser.context, `${server.url}?seed=4&paused`);
    const opened = await p.evaluate(async () => {
      const journal = new TextEncoder().encode('15:river-journal-1' + '1:0'.repeat(3));
      const packed = await new Response(new Blob([journal]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer();
      const b64 = btoa(String.fromCharCode(...new Uint8Array(packed))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      return window.riverRaft.openLink(`${location.pathname}#run=${b64}`);
    });
    assert.equal(opened, false);
    assert.match(await p.locator('.notice.error').first().textContent(), /not a River Raft journal of this version/);
    await p.close();
  });
});
