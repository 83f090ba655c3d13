// Take it with you (issue 14 §5), through the Share menu with real clicks: "Download trace"
// writes the lines `river run --trace` writes for the same scenario and seed (one Rust writer
// makes both), and "Save picture" downloads a real PNG of the drawing, logs included, sharp
// enough for a slide.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { advance, servePage, state } from './harness.mjs';

const page = servePage('dist');
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Clicks Share, then one of its items, and resolves to the download's name and bytes. */
async function saveAs(p, item) {
  await p.locator('#share-menu').click();
  const [download] = await Promise.all([p.waitForEvent('download'), p.locator(item).click()]);
  const bytes = await readFile(await download.path());
  return { name: download.suggestedFilename(), bytes };
}

describe('take it with you', () => {
  test('Download trace writes what river run --trace writes for the same scenario and seed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'river-trace-'));
    try {
      const file = join(dir, 'cli.jsonl');
      // Built by `npm test` before the browser tests (scripts/test-rust.sh); cargo only checks.
      execFileSync('cargo', ['run', '-q', '--release', '-p', 'river-cli', '--', 'run', '--scenario', 'scenarios/partition.scenario', '--seed', '9', '--trace', file], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
      const cli = await readFile(file, 'utf8');
      const cliLines = cli.trimEnd().split('\n');
      assert.ok(cliLines.length > 500, 'a run worth comparing');
      const end = JSON.parse(cliLines.at(-1)).t;

      const { page: p, errors } = await page('?seed=1');
      const text = (await readFile(join(root, 'scenarios/partition.scenario'), 'utf8')).replace(/^seed \d+$/m, 'seed 9');
      assert.match(text, /^seed 9$/m);
      await p.evaluate((t) => window.riverRaft.load(t), text);
      await advance(p, end + 1000);
      const { name, bytes } = await saveAs(p, '#save-trace');
      assert.match(name, /^river-raft-seed-9-at-\d+\.\d{3}s\.jsonl$/);
      const mine = bytes.toString('utf8');
      assert.ok(mine.startsWith(cli), 'the page\'s trace begins with river run\'s, byte for byte');
      const lines = mine.trimEnd().split('\n');
      assert.ok(lines.length > cliLines.length, 'and goes on to where the page stands');
      for (const line of lines) JSON.parse(line);
      assert.equal(JSON.stringify(await p.evaluate(() => window.riverRaft.trace())), JSON.stringify(mine), 'riverRaft.trace() is the same text');
      assert.deepEqual(errors, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('Save picture downloads a PNG of the cluster and the logs at twice the screen density', async () => {
    const { page: p, errors } = await page('?seed=1');
    await advance(p, 1500);
    await p.evaluate(() => { window.riverRaft.propose('C', 'x=1'); window.riverRaft.propose('C', 'y=2'); });
    await advance(p, 800);
    const box = await p.locator('#canvas').boundingBox();
    const { name, bytes } = await saveAs(p, '#save-picture');
    assert.match(name, /^river-raft-seed-1-at-2\.300s\.png$/);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
    assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
    const [width, height] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    assert.equal(width, Math.round(box.width) * 2, 'twice the canvas width (the screen is 1×)');
    assert.equal(height, (Math.round(box.height) + 48) * 2, 'the canvas and the status line above it');
    assert.ok(bytes.length > 20_000 && bytes.length < 4_000_000, `a sensible size: ${bytes.length} bytes`);
    // Decoded in the browser: the ring's side and the logs' side both hold a drawing.
    const colours = await p.evaluate(async (b64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${b64}`;
      await image.decode();
      const c = document.createElement('canvas');
      [c.width, c.height] = [image.width, image.height];
      const ctx = c.getContext('2d');
      ctx.drawImage(image, 0, 0);
      const count = (x0, x1) => {
        const seen = new Set();
        const data = ctx.getImageData(x0, 0, x1 - x0, c.height).data;
        for (let k = 0; k < data.length; k += 4 * 37) seen.add(`${data[k]},${data[k + 1]},${data[k + 2]}`);
        return seen.size;
      };
      return { ring: count(0, c.width / 2), logs: count(c.width / 2, c.width) };
    }, bytes.toString('base64'));
    assert.ok(colours.ring > 20 && colours.logs > 20, `both halves are drawn: ${JSON.stringify(colours)}`);
    // The drawing goes back to the screen's density.
    assert.equal(await p.evaluate(() => document.getElementById('canvas').width), Math.round(box.width));
    assert.equal((await state(p)).timeMs, 2300, 'saving changes nothing');
    assert.deepEqual(errors, []);
  });
});
