// `npm run bench`, second part: a long run, measured in headless Debian Chromium. Prints
// numbers and exits non-zero over a budget.
//
//   seek    wall time of seek(t) to 20 moments of a 10-minute (simulated) run, 5 nodes, with a
//           user change every simulated second (budget: every seek at most 100 ms)
//   memory  after a 30-minute run: the wasm heap (the timeline's checkpoints included) and the
//           JavaScript heap (budget 100 MB)
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/server.mjs';
import { launch } from '../tests/browser.mjs';

const BUDGET = { seekMs: 100, memoryMb: 100 };
const dist = fileURLToPath(new URL('../../dist', import.meta.url));

/** Runs `minutes` of simulated time in one-second steps, a user change each second. */
async function run(page, minutes) {
  const t0 = Date.now();
  await page.evaluate((ms) => {
    const rr = window.riverRaft;
    for (let t = 0; t < ms; t += 1000) {
      rr.advance(1000);
      const leader = rr.state().nodes.find((n) => n.role === 'leader');
      if (leader) { try { rr.propose(leader.id, `k=${t / 1000}`); } catch { /* all users busy */ } }
    }
  }, minutes * 60_000);
  return (Date.now() - t0) / 1000;
}

const server = await serve(dist);
const browser = await launch();
const over = [];
try {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}?seed=1&paused`);
  await page.waitForFunction(() => window.riverRaft !== undefined);
  const wall = await run(page, 10);
  const entries = (await page.evaluate(() => window.riverRaft.state())).nodes.reduce((m, n) => Math.max(m, n.log.length), 0);
  console.log(`A 10-minute run, 5 nodes, a change a second: ${entries} log entries, run in ${wall.toFixed(1)} s wall.`);
  const seeks = await page.evaluate(() => {
    const rr = window.riverRaft;
    const end = rr.timeline().endMs;
    const times = [];
    for (let k = 0; k < 20; k++) {
      const at = Math.floor(((k * 7919) % 20 + 0.5) / 20 * end);
      const t = performance.now();
      rr.seek(at);
      times.push(performance.now() - t);
    }
    return { times, checkpoints: rr.timeline().checkpoints, end };
  });
  seeks.times.sort((a, b) => a - b);
  const max = seeks.times[seeks.times.length - 1];
  console.log(`Seek in that run (${seeks.checkpoints} checkpoints):`);
  console.log(`  20 seeks: median ${seeks.times[10].toFixed(1)} ms, max ${max.toFixed(1)} ms   (budget ${BUDGET.seekMs} ms)`);
  if (max > BUDGET.seekMs) over.push('seek');
  await page.evaluate(() => window.riverRaft.seek(window.riverRaft.timeline().endMs));
  const wall2 = await run(page, 20);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const js = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  const wasm = await page.evaluate(() => window.riverRaft.memoryBytes());
  const total = (js + wasm) / 1048576;
  const mb = (x) => `${(x / 1048576).toFixed(1)} MB`;
  console.log(`Memory after a 30-minute run (then 20 more minutes in ${wall2.toFixed(1)} s wall):`);
  console.log(`  wasm heap ${mb(wasm)} + JS heap ${mb(js)} = ${total.toFixed(1)} MB   (budget ${BUDGET.memoryMb} MB)`);
  if (!(total <= BUDGET.memoryMb)) over.push('memory');
} finally {
  await browser.close();
  await server.close();
}
console.log(over.length ? `OVER BUDGET: ${over.join(', ')}` : 'Long run within budget.');
process.exitCode = over.length ? 1 : 0;
