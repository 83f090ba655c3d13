// On-CPU time of the renderer's main thread (Linux /proc schedstat), which CPU contention from
// other processes inflates far less than the wall-clock busy time the bench reads; alternated
// between several builds.  node web/bench/cpu.mjs DIST... (CPU_ROUNDS 4, CPU_SECONDS 10, CPU_QUERY ?seed=1)
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { serve } from '../tests/server.mjs';
import { launch } from '../tests/browser.mjs';

const dirs = process.argv.slice(2);
const rounds = Number(process.env.CPU_ROUNDS ?? 4);
const seconds = Number(process.env.CPU_SECONDS ?? 10);
const query = process.env.CPU_QUERY ?? '?seed=1';

/** ns on CPU of each chromium renderer's main thread, by pid. */
async function mainNs() {
  const out = new Map();
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let cmd;
    try { cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (!cmd.includes('chromium') || !cmd.includes('--type=renderer')) continue;
    try {
      out.set(pid, Number((await readFile(`/proc/${pid}/task/${pid}/schedstat`, 'utf8')).split(' ')[0]));
    } catch { /* gone */ }
  }
  return out;
}

function delta(a, b) {
  let d = 0;
  for (const [pid, ns] of b) if (a.has(pid)) d += ns - a.get(pid);
  return d;
}

const servers = await Promise.all(dirs.map((d) => serve(resolve(d))));
const browser = await launch();
const results = dirs.map(() => []);
try {
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < dirs.length; k++) {
      const page = await browser.context.newPage();
      await page.goto(`${servers[k].url}${query}`);
      await page.waitForFunction(() => window.riverRaft !== undefined);
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Performance.enable');
      await page.waitForTimeout(2000);
      const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
      const a = await mainNs(), ta = await task();
      const t0 = Date.now();
      await page.waitForTimeout(seconds * 1000);
      const b = await mainNs(), tb = await task();
      const wall = (Date.now() - t0) / 1000;
      await page.close();
      const x = { cpu: delta(a, b) / 1e6 / wall, busy: ((tb - ta) * 1000) / wall };
      results[k].push(x);
      console.log(`round ${r + 1} ${dirs[k]}: main-thread CPU ${x.cpu.toFixed(1)} ms/s, busy ${x.busy.toFixed(1)} ms/s`);
    }
  }
} finally {
  await browser.close();
  for (const s of servers) await s.close();
}
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
for (let k = 0; k < dirs.length; k++) {
  const c = results[k].map((x) => x.cpu), t = results[k].map((x) => x.busy);
  console.log(`${dirs[k]}: CPU median ${med(c).toFixed(1)} (${Math.min(...c).toFixed(1)}–${Math.max(...c).toFixed(1)}), busy median ${med(t).toFixed(1)} (${Math.min(...t).toFixed(1)}–${Math.max(...t).toFixed(1)})`);
}
