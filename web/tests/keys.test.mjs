// The page from the keyboard alone: Tab reaches the cluster, the arrow keys move its focus
// ring between servers and links, Enter opens a server's menu (itself keyboard operable) or
// cuts a link, Escape closes and gives the keyboard back; dialogs hold the keyboard while
// open and return it to their opener. Every action here is a real key press; the API only
// lets simulated time pass and reads state().
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, leaderOf, servePage, state } from './harness.mjs';

const page = servePage('dist');
const focused = (p) => p.evaluate(() => document.activeElement?.id ?? '');
/** What the focus ring is on, as the page tells it (the hint and its live region). */
const ring = (p) => p.locator('#canvas-focus').textContent();
const link = (s, from, to) => s.links.find((l) => l.from === from && l.to === to).up;

/** Presses Tab until the cluster has the keyboard (it must, within the page's controls). */
async function tabToCanvas(p) {
  for (let k = 0; k < 60; k++) {
    await p.keyboard.press('Tab');
    if ((await focused(p)) === 'canvas') return k + 1;
  }
  assert.fail('Tab never reached the cluster');
}

/** Moves the ring with → to server `id` (the ring goes A, B, C, … around). */
async function ringTo(p, id) {
  for (let k = 0; k < 10 && !(await ring(p)).startsWith(`${id}:`); k++) await p.keyboard.press('ArrowRight');
  assert.match(await ring(p), new RegExp(`^${id}: `));
}

describe('the keyboard', () => {
  test('sends a change to the leader and cuts links with keys only', async () => {
    const { page: p, errors } = await page('?seed=1');
    await advance(p, 1500);
    const leader = leaderOf(await state(p)).id;
    await tabToCanvas(p);
    assert.match(await ring(p), /^A: .* Press Enter to send it a change/);
    assert.ok(await p.locator('#hint.shown').isVisible(), 'the ring is told in words on screen too');
    await ringTo(p, leader);
    await p.keyboard.press('Enter');
    await p.locator('#node-menu').waitFor({ state: 'visible' });
    assert.equal(await focused(p), 'node-command', 'the menu takes the keyboard: type the change');
    await p.keyboard.press('Control+A');
    await p.keyboard.type('x=42');
    await p.keyboard.press('Enter');
    await p.locator('#node-menu').waitFor({ state: 'hidden' });
    assert.equal(await focused(p), 'canvas', 'sending closes the menu and gives the keyboard back');
    await advance(p, 1000);
    for (const n of (await state(p)).nodes) assert.equal(n.kv.x, '42', `${n.id} applied the change`);

    // ↓ goes to the leader's first link (to the next server round); Enter cuts it both ways.
    await p.keyboard.press('ArrowDown');
    const said = await ring(p);
    const [, a, b] = said.match(/^Link ([A-E])–([A-E])\. Press Enter to cut it both ways/) ?? [];
    assert.ok(a && b && [a, b].includes(leader), `a link of the leader: ${said}`);
    const other = a === leader ? b : a;
    await p.keyboard.press('Enter');
    let s = await state(p);
    assert.ok(!link(s, leader, other) && !link(s, other, leader), 'cut both ways');
    assert.match(await ring(p), /is cut\. Press Enter to restore it/);
    await p.keyboard.press('Enter');
    s = await state(p);
    assert.ok(link(s, leader, other) && link(s, other, leader), 'restored');
    // Shift+Enter cuts only the direction leaving the server the ring came from.
    await p.keyboard.press('Shift+Enter');
    s = await state(p);
    assert.ok(!link(s, leader, other) && link(s, other, leader), `only ${leader} → ${other} is cut`);
    assert.equal(await focused(p), 'canvas');
    assert.deepEqual(errors, []);
  });

  test('Escape closes a server menu opened with Enter and returns the keyboard to the ring', async () => {
    const { page: p } = await page('?seed=1');
    await tabToCanvas(p);
    await p.keyboard.press('ArrowLeft');
    assert.match(await ring(p), /^E: /);
    await p.keyboard.press('Enter');
    await p.locator('#node-menu').waitFor({ state: 'visible' });
    // The menu keeps Tab inside while open.
    for (let k = 0; k < 12; k++) {
      await p.keyboard.press('Tab');
      assert.ok(await p.evaluate(() => document.getElementById('node-menu').contains(document.activeElement)), 'Tab stays in the menu');
    }
    // Its buttons work from the keyboard: Time out fires E's election timer.
    await p.locator('#node-timeout').focus();
    await p.keyboard.press('Enter');
    assert.equal((await state(p)).nodes[4].role, 'candidate');
    await p.keyboard.press('Escape');
    await p.locator('#node-menu').waitFor({ state: 'hidden' });
    assert.equal(await focused(p), 'canvas');
    assert.match(await ring(p), /^E: candidate/, 'the ring is where it was');
    // Off the cluster, the arrows are the timeline's again; on it, they are the ring's.
    const before = (await state(p)).timeMs;
    await p.keyboard.press('ArrowRight');
    assert.equal((await state(p)).timeMs, before, '→ on the cluster moves the ring, not time');
    assert.match(await ring(p), /^A: /);
  });

  // The words stood over the Logs panel's title and indexes; they stand at its foot now,
  // under every row, where the rows leave them a band.
  for (const [query, width, height] of [['?seed=1', 1280, 800], ['?seed=1&nodes=9', 1280, 800], ['?seed=1', 1920, 1080]]) {
    test(`the ring's words cover no row of the Logs panel and not its title: ${query} at ${width}×${height}`, async () => {
      const { page: p, errors } = await page(query);
      await p.setViewportSize({ width, height });
      await advance(p, 1500);
      await tabToCanvas(p);
      await p.locator('#hint.shown').waitFor();
      const [canvas, words] = await Promise.all(['#canvas', '#hint'].map((q) => p.locator(q).boundingBox()));
      const rows = (await state(p)).nodes.map((n) => n.logRow[1]);
      assert.ok(words.y - canvas.y >= Math.max(...rows), `the words' top ${words.y - canvas.y} is over a row (they end at ${Math.max(...rows)})`);
      assert.ok(words.y + words.height <= canvas.y + canvas.height, 'the words are on the drawing');
      assert.deepEqual(errors, []);
      await p.close();
    });
  }

  test('a click gives the cluster the keyboard without the ring and its words; Enter then shows them, and takes nothing', async () => {
    const { page: p, errors } = await page('?seed=1');
    await advance(p, 1500);
    // An empty spot of the ring area: its top-right corner.
    const area = await p.locator('#overlay').boundingBox();
    await p.mouse.click(area.x + area.width - 12, area.y + 12);
    assert.equal(await focused(p), 'canvas');
    assert.equal(await ring(p), '', 'no words for the keyboard after a click');
    assert.equal(await p.locator('#hint.shown').count(), 0, 'no hint box');
    await p.keyboard.press('Enter');
    assert.match(await ring(p), /^A: /, 'Enter shows the ring where it is');
    assert.ok(await p.locator('#hint.shown').isVisible());
    assert.ok(await p.locator('#node-menu').isHidden(), 'and opens nothing');
    await p.keyboard.press('ArrowRight');
    assert.match(await ring(p), /^B: /);
    await p.keyboard.press('Enter');
    await p.locator('#node-menu').waitFor({ state: 'visible' });
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a refused action in a server menu is in the Tab order with its reason, and Enter on it says why and does nothing else', async () => {
    const { page: p, errors } = await page('?seed=1');
    await advance(p, 1500);
    const leader = leaderOf(await state(p));
    await tabToCanvas(p);
    await ringTo(p, leader.id);
    await p.keyboard.press('Enter');
    await p.locator('#node-menu').waitFor({ state: 'visible' });
    // A leader's election timer is not running: Time out is refused, and Tab reaches it.
    const timeout = p.locator('#node-timeout');
    const why = await timeout.getAttribute('aria-description');
    assert.ok(why, 'Time out says why it is refused');
    assert.equal(await timeout.getAttribute('aria-disabled'), 'true');
    assert.equal(await timeout.getAttribute('title'), why);
    let reached = false;
    for (let k = 0; k < 12 && !reached; k++) {
      await p.keyboard.press('Tab');
      reached = (await focused(p)) === 'node-timeout';
    }
    assert.ok(reached, 'Tab reaches the refused Time out');
    const before = await state(p);
    await p.keyboard.press('Enter');
    assert.equal(await p.locator('#node-error').textContent(), why, 'the reason, in the menu');
    const after = await state(p);
    assert.deepEqual(after.nodes.map((n) => [n.role, n.term]), before.nodes.map((n) => [n.role, n.term]), 'nothing happened');
    assert.ok(await p.locator('#node-menu').isVisible(), 'the menu stays open');
    // T, the shortcut for the same button, says the same and does nothing either.
    await p.locator('#node-error').evaluate((e) => { e.textContent = ''; });
    await p.keyboard.press('Escape');
    await p.keyboard.press(String(leader.id.charCodeAt(0) - 64));
    await p.keyboard.press('t');
    assert.equal(await p.locator('#node-error').textContent(), why);
    assert.equal((await state(p)).nodes.find((n) => n.id === leader.id).role, 'leader');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('a refresh asks Rust for the controls once, with the canvas focused too', async () => {
    const { page: p, errors } = await page('?seed=1');
    await advance(p, 1500);
    await tabToCanvas(p);
    // Each answer of controls() is a fresh object given its fields one by one: a setter on
    // one field's name counts the answers.
    await p.evaluate(() => {
      window.__controls = 0;
      Object.defineProperty(Object.prototype, 'overlayWidth', {
        configurable: true,
        set(value) {
          window.__controls += 1;
          Object.defineProperty(this, 'overlayWidth', { value, writable: true, enumerable: true, configurable: true });
        },
      });
    });
    await p.evaluate(() => window.riverRaft.step());
    const asked = await p.evaluate(() => window.__controls);
    assert.ok((await ring(p)).length > 0, 'the ring is shown');
    assert.equal(asked, 1, `one step's refresh asked for the controls ${asked} times`);
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('the ring\'s words follow the run under it: a new term, a server removed, a fresh run', async () => {
    const { page: p, errors } = await page('?seed=4');
    await tabToCanvas(p);
    await ringTo(p, 'E');
    assert.match(await ring(p), /^E: follower in term 0\. /);
    await advance(p, 3000);
    assert.match(await ring(p), /^E: follower in term 1\. /);
    await p.evaluate(() => window.riverRaft.removeServer('E'));
    await advance(p, 3000);
    assert.equal(await focused(p), 'canvas');
    assert.match(await ring(p), /^E: removed from the cluster/);
    assert.equal(await p.locator('#hint').textContent(), await ring(p), 'the hint on screen says the same');
    await p.keyboard.press('r');
    assert.match(await ring(p), /^E: follower in term 0\. /, 'a fresh run');
    assert.deepEqual(errors, []);
    await p.close();
  });

  test('M reaches a message on the wire; Enter opens its inspector, whose buttons hold and drop it', async () => {
    const { page: p, errors } = await page('?seed=1');
    await advance(p, 1500);
    await p.evaluate(() => { for (let k = 0; k < 200 && window.riverRaft.state().messages.length < 2; k++) window.riverRaft.advance(1); });
    // Playing (at the slowest speed, so that nothing leaves the wire meanwhile): M pauses
    // the run, so the message it lands on stays there.
    await p.evaluate(() => { window.riverRaft.setSpeed(0.001); window.riverRaft.play(); });
    await tabToCanvas(p);
    assert.equal((await state(p)).paused, false);
    await p.keyboard.press('m');
    let said = await ring(p);
    let s = await state(p);
    assert.ok(s.paused, 'M paused the run');
    const count = s.messages.length;
    assert.match(said, new RegExp(`^Paused\\. \\S+ from [A-E] to [A-E], message 1 of ${count} on the wire\\. Press Enter to inspect it`));
    assert.ok(await p.locator('#hint.shown').isVisible(), 'the ring is told in words on screen too');
    assert.equal(await p.locator('#canvas-focus').getAttribute('aria-live'), 'polite');
    await p.keyboard.press('m');
    assert.match(await ring(p), new RegExp(`, message 2 of ${count} on the wire`));
    await p.keyboard.press('Shift+M');
    said = await ring(p);
    assert.match(said, new RegExp(`, message 1 of ${count} on the wire`));
    const [, kind, from, to] = said.match(/^(\S+) from ([A-E]) to ([A-E])/);
    // Enter: the inspector opens on that message, the keyboard on its first button.
    await p.keyboard.press('Enter');
    await p.locator('#msg-panel').waitFor({ state: 'visible' });
    assert.equal(await p.locator('#msg-title').textContent(), `${kind} · ${from} → ${to}`);
    assert.equal(await focused(p), 'msg-drop');
    const id = (await state(p)).messages.sort((a, b) => a.id - b.id)[0].id;
    // Tab to Hold, Enter: it is held.
    await p.keyboard.press('Tab');
    await p.keyboard.press('Tab');
    assert.equal(await focused(p), 'msg-hold');
    await p.keyboard.press('Enter');
    assert.ok((await state(p)).messages.find((m) => m.id === id).held, 'held from the keyboard');
    // Escape gives the keyboard back to the ring, still on the message.
    await p.keyboard.press('Escape');
    await p.locator('#msg-panel').waitFor({ state: 'hidden' });
    assert.equal(await focused(p), 'canvas');
    assert.match(await ring(p), /\(held\), message 1 of/);
    // Open it again and drop it: it leaves the wire, the keyboard stays in the inspector.
    await p.keyboard.press('Enter');
    await p.locator('#msg-panel').waitFor({ state: 'visible' });
    assert.equal(await focused(p), 'msg-drop');
    await p.keyboard.press('Enter');
    s = await state(p);
    assert.ok(!s.messages.some((m) => m.id === id), 'dropped');
    assert.match(await p.locator('#msg-why').textContent(), /You dropped it/);
    assert.equal(await focused(p), 'msg-close', 'the keyboard is not lost with the buttons');
    await p.keyboard.press('Escape');
    assert.equal(await focused(p), 'canvas');
    assert.deepEqual(errors, []);
  });

  test('dialogs hold the keyboard while open and give it back to their opener', async () => {
    const { page: p } = await page('?seed=1');
    await tabToCanvas(p);
    const inside = (id) => p.evaluate((d) => document.getElementById(d).contains(document.activeElement), id);
    // Help, opened with ? from the cluster.
    await p.keyboard.press('?');
    assert.ok(await p.locator('#help-dialog').isVisible());
    assert.ok(await inside('help-dialog'), 'the help takes the keyboard');
    await p.keyboard.press('Escape');
    assert.ok(!(await p.locator('#help-dialog').isVisible()));
    assert.equal(await focused(p), 'canvas', 'and gives it back to the cluster');
    // Settings (a panel beside the cluster), opened with Enter on its button.
    await p.locator('#settings-button').focus();
    await p.keyboard.press('Enter');
    assert.ok(await p.locator('#settings-dialog').isVisible());
    assert.ok(await inside('settings-dialog'), 'the settings take the keyboard');
    for (let k = 0; k < 25; k++) {
      await p.keyboard.press('Tab');
      assert.ok(await inside('settings-dialog'), 'Tab stays in the settings');
    }
    await p.keyboard.press('Escape');
    assert.ok(!(await p.locator('#settings-dialog').isVisible()));
    assert.equal(await focused(p), 'settings-button');
    // Embed, a modal dialog opened from the Share menu: Enter opens the menu on its first
    // item, ↓ goes to Embed…, Enter opens the dialog; closing it returns to the menu's button.
    await p.locator('#share-menu').focus();
    await p.keyboard.press('Enter');
    assert.equal(await focused(p), 'share');
    await p.keyboard.press('ArrowDown');
    assert.equal(await focused(p), 'embed-button');
    await p.keyboard.press('Enter');
    await p.locator('#embed-dialog').waitFor({ state: 'visible' });
    assert.ok(await inside('embed-dialog'));
    assert.ok(await p.locator('#share-list').isHidden(), 'the menu closed');
    await p.keyboard.press('Escape');
    await p.locator('#embed-dialog').waitFor({ state: 'hidden' });
    assert.equal(await focused(p), 'share-menu');
  });
});
