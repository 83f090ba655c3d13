// `npm run bench`: the page's performance numbers, measured in headless Debian Chromium on
// the built page (dist/). Prints them and exits non-zero when one is over its budget.
//
//   size   everything the page fetches, teaching tools included: every file of dist/ the
//          browser fetched while the page loaded and ran for a second, gzipped (level 9),
//          added up; and every file of dist/, among them river-raft.html, the page in
//          one file (script, styles and the gzipped wasm as base64) that works from file://;
//          also what the fetched files come to with brotli (quality 11), not budgeted
//   busy   main-thread busy time per second (CDP Performance.getMetrics TaskDuration)
//          with 5 nodes at the default speed, playing, the timeline recording
//   frames work time of each animation frame (the requestAnimationFrame callback: one wasm
//          call that advances and paints) with 9 nodes, 10% loss, at 1x speed; p50/p95/max
//   lab    the election lab: 1,000 trials of the default experiment (5 servers, 150-300 ms,
//          5-10 ms delays) as the panel runs them, in slices between frames; best of 3, and
//          the longest frame meanwhile; then 100 trials of 150-150 ms, each a minute of split
//          votes cut into slices, and their frames (the native 10,000: scripts/bench-elections.sh)
// Seeking in a long run and memory after a 30-minute run: web/bench/long-run.mjs.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/server.mjs';
import { launch } from '../tests/browser.mjs';

/** dist/'s one-file copy of the page (scripts/single-file.mjs): never fetched by index.html. */
const SINGLE_FILE = 'river-raft.html';
/** dist/'s example documentation page with two embeds: not part of the page. */
const EXAMPLE = 'embed.html';
const BUDGET = { gzipBytes: 110 * 1024, busyMsPerS: 40, p95FrameMs: 8, labMs: 2000 };
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const dist = fileURLToPath(new URL('../../dist', import.meta.url));

async function files(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** The page's files as the browser fetched them. */
async function size(context, url) {
  const page = await context.newPage();
  const fetched = new Set();
  page.on('request', (r) => fetched.add(decodeURIComponent(new URL(r.url()).pathname).replace(/^\//, '') || 'index.html'));
  await page.goto(`${url}?seed=1`);
  await page.waitForFunction(() => window.riverRaft !== undefined);
  await page.waitForTimeout(1000);
  await page.close();
  const sums = { load: 0, never: 0, alone: 0, example: 0 };
  let brotli = 0;
  const rows = [];
  for (const f of (await files(dist)).sort()) {
    const name = relative(dist, f);
    const bytes = await readFile(f);
    const g = gzipSync(bytes, { level: 9 }).length;
    const when = fetched.has(name) ? 'load' : name === SINGLE_FILE ? 'alone' : name === EXAMPLE ? 'example' : 'never';
    sums[when] += g;
    if (when === 'load') brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    rows.push([name, g, when]);
  }
  console.log('Page size (files of dist/, gzip -9):');
  const words = { load: 'fetched', never: 'never fetched', alone: 'the page in one file, for file://', example: 'an example page with two embeds' };
  for (const [name, g, when] of rows) console.log(`  ${name.padEnd(44)} ${kb(g).padStart(10)}   ${words[when]}`);
  console.log(`  ${'everything the page fetches'.padEnd(44)} ${kb(sums.load).padStart(10)}   (budget ${kb(BUDGET.gzipBytes)})`);
  // What a server that sends brotli (most CDNs) would send instead; the budget is gzip's.
  console.log(`  ${'the same, brotli -q 11 (not budgeted)'.padEnd(44)} ${kb(brotli).padStart(10)}`);
  console.log(`  ${'the page in one file'.padEnd(44)} ${kb(sums.alone).padStart(10)}   (${SINGLE_FILE}; opened alone, not with the rest)`);
  if (sums.never > 0) console.log(`  ${'never fetched (a leftover in dist/?)'.padEnd(44)} ${kb(sums.never).padStart(10)}`);
  return sums.load;
}

/** Records the duration of every requestAnimationFrame callback into window.__frames. */
function instrument() {
  window.__frames = [];
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => {
    const start = performance.now();
    cb(t);
    window.__frames.push(performance.now() - start);
  });
}

async function busy(context, url) {
  const page = await context.newPage();
  await page.goto(`${url}?seed=1`);
  await page.waitForFunction(() => window.riverRaft !== undefined);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.waitForTimeout(2000);
  const metric = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (n) => metrics.find((m) => m.name === n)?.value ?? 0;
    return { task: get('TaskDuration'), script: get('ScriptDuration'), layout: get('LayoutDuration'), style: get('RecalcStyleDuration') };
  };
  const a = await metric();
  const t0 = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const b = await metric();
  const wall = (Date.now() - t0) / 1000;
  const state = await page.evaluate(() => window.riverRaft.state());
  await page.close();
  const per = (k) => ((b[k] - a[k]) * 1000) / wall;
  console.log(`Main thread, 5 nodes at the default speed (${state.speed}x), ${wall.toFixed(1)} s:`);
  console.log(`  busy ${per('task').toFixed(1)} ms/s (script ${per('script').toFixed(1)}, style ${per('style').toFixed(1)}, layout ${per('layout').toFixed(1)})   (budget ${BUDGET.busyMsPerS} ms/s)`);
  return per('task');
}

async function frames(context, url) {
  const page = await context.newPage();
  await page.addInitScript(instrument);
  await page.goto(`${url}?seed=1&paused`);
  await page.waitForFunction(() => window.riverRaft !== undefined);
  await page.evaluate(() => {
    window.riverRaft.load('nodes 9\nseed 1\nloss 0.1\n');
    window.riverRaft.setSpeed(1);
    window.riverRaft.play();
  });
  await page.waitForTimeout(2000);
  await page.evaluate(() => { window.__frames = []; });
  await page.waitForTimeout(seconds * 1000);
  const times = await page.evaluate(() => window.__frames);
  const state = await page.evaluate(() => window.riverRaft.state());
  await page.close();
  times.sort((x, y) => x - y);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  const inFlightNote = `simulated ${(state.timeMs / 1000).toFixed(1)} s, ${state.nodes.length} nodes`;
  console.log(`Frames, 9 nodes, 10% loss, 1x speed, ${seconds} s (${times.length} frames, ${inFlightNote}):`);
  console.log(`  frame work p50 ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms   (budget p95 ${BUDGET.p95FrameMs} ms)`);
  return q(0.95);
}

async function lab(context, url) {
  const page = await context.newPage();
  await page.addInitScript(instrument);
  await page.goto(`${url}?seed=1&paused`);
  await page.waitForFunction(() => window.riverRaft !== undefined);
  const runs = [];
  for (let k = 0; k < 3; k++) {
    runs.push(await page.evaluate(async () => {
      window.__frames = [];
      const t0 = performance.now();
      window.riverRaft.labRun({ ranges: '150-300' });
      const r = await window.riverRaft.labDone();
      return { ms: performance.now() - t0, trials: r.done, longest: Math.max(0, ...window.__frames) };
    }));
  }
  // No randomness: every trial a minute of split votes (about 13,000 events), which a slice
  // cuts short at its time budget (river_view::lab::SLICE_MS) and the next goes on with.
  const split = await page.evaluate(async () => {
    window.__frames = [];
    const t0 = performance.now();
    window.riverRaft.labRun({ ranges: '150-150', trials: 100 });
    const r = await window.riverRaft.labDone();
    const f = window.__frames.sort((a, b) => a - b);
    return { ms: performance.now() - t0, trials: r.done, frames: f.length, p95: f[Math.floor(0.95 * f.length)], longest: f[f.length - 1] };
  });
  await page.close();
  const best = Math.min(...runs.map((r) => r.ms));
  const longest = Math.max(...runs.map((r) => r.longest));
  console.log('Election lab in the page, 1,000 trials of the default experiment (5 servers, 150-300 ms), sliced between frames:');
  console.log(`  ${best.toFixed(0)} ms, best of 3 (${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms; ${runs[0].trials} trials each); longest frame meanwhile ${longest.toFixed(1)} ms   (budget ${BUDGET.labMs} ms)`);
  console.log(`  ${split.trials} trials of 150-150 ms (a minute of split votes each) in ${split.ms.toFixed(0)} ms, ${split.frames} frames: p95 ${split.p95.toFixed(1)} ms, longest ${split.longest.toFixed(1)} ms`);
  return best;
}

const server = await serve(dist);
const browser = await launch();
let gz, busyMs, p95, labMs;
try {
  // BENCH_ONLY=size: the size lines alone, for work on the page's size (after npm run build);
  // any of size, busy, frames, lab, comma-separated (BENCH_ONLY=busy,lab): those parts alone.
  const only = (part) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes(part);
  if (only('size')) gz = await size(browser.context, server.url);
  if (only('busy')) busyMs = await busy(browser.context, server.url);
  if (only('frames')) p95 = await frames(browser.context, server.url);
  if (only('lab')) labMs = await lab(browser.context, server.url);
} finally {
  await browser.close();
  await server.close();
}
const over = [];
if (gz > BUDGET.gzipBytes) over.push('size');
if (busyMs > BUDGET.busyMsPerS) over.push('busy');
if (p95 > BUDGET.p95FrameMs) over.push('frames');
if (labMs > BUDGET.labMs) over.push('lab');
console.log(over.length ? `OVER BUDGET: ${over.join(', ')}` : 'All within budget.');
process.exitCode = over.length ? 1 : 0;
