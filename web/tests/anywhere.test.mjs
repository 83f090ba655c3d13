// Browser tests for the page that opens anywhere (issue 14): dist/river-raft.html, the whole
// page in one file, runs from a file:// address with no server and no network; the
// multi-file dist/index.html opened the same way says where to go instead of staying empty.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, open } from './browser.mjs';
import { advance, leaderOf, state } from './harness.mjs';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

describe('a page that opens anywhere', () => {
  test('river-raft.html runs from file:// with the network off', async () => {
    await browser.context.setOffline(true);
    try {
      const fetched = [];
      const record = (r) => { if (!r.url().startsWith('file:')) fetched.push(r.url()); };
      browser.context.on('request', record);
      const url = pathToFileURL(dist + 'river-raft.html').href;
      const { page: p, errors } = await open(browser.context, `${url}?seed=1&paused`);
      await p.evaluate(() => window.riverRaft.pause());
      const first = await state(p);
      assert.equal(first.seed, 1);
      assert.equal(first.nodes.length, 5);
      await advance(p, 3000);
      const s = await state(p);
      assert.equal(s.timeMs, 3000);
      assert.ok(leaderOf(s).term >= 1, 'the cluster elected a leader');
      assert.equal(await p.locator('#file-notice').count(), 0, 'no "open the one file" notice in the one file');
      // Its links and snippets point at this file on this computer: Share says so (a
      // teacher mailing one, an author pasting one, could not tell).
      await p.locator('#share-menu').click();
      await p.locator('#embed-button').click();
      await p.waitForFunction(() => document.getElementById('embed-code').value !== '');
      assert.match(await p.locator('#embed-code').inputValue(), /^<iframe src="file:/);
      assert.ok(await p.locator('#embed-file').isVisible(), 'the Embed dialog says the snippet points at a file');
      await p.keyboard.press('Escape');
      await p.locator('#share-menu').click();
      await p.locator('#share').click();
      await p.locator('.notice', { hasText: 'this file on this computer' }).waitFor({ timeout: 5000 });
      browser.context.off('request', record);
      assert.deepEqual(fetched, [], 'the single file fetches nothing but itself');
      assert.deepEqual(errors, []);
      await p.close();
    } finally {
      await browser.context.setOffline(false);
    }
  });

  test('index.html from file:// shows a notice pointing at river-raft.html', async () => {
    const p = await browser.context.newPage();
    await p.goto(pathToFileURL(dist + 'index.html').href);
    const notice = p.locator('#file-notice');
    await notice.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await notice.textContent(), /river-raft\.html/);
    assert.equal(await notice.locator('a').getAttribute('href'), 'river-raft.html');
    await p.close();
  });
});
