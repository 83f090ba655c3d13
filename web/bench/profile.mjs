// Where the page's main-thread time goes, while it runs 5 nodes at the default speed (the
// bench's busy case), in three runs of the built page (dist/): (1) the DevTools Protocol's
// sampling profiler: the functions with the most self and total time, as shares of the time
// not idle ("(program)" is the browser's own work: frames, canvas, style); (2) a trace of the
// renderer's main thread: self time and count per second of each trace event (what
// "(program)" is made of: a main frame, a canvas's frame, a timer); (3) the canvas calls per
// second and per paint, every CanvasRenderingContext2D method and setter wrapped. Not part of
// npm test.
//
//   RIVER_WASM_NAMES=1 npm run build   # keeps wasm function names (a larger wasm: not to ship)
//   node web/bench/profile.mjs [DIST]  # PROFILE_SECONDS (20), PROFILE_TOP (30), PROFILE_US (100)
//
// PROFILE_OUT=x.cpuprofile saves the profile (DevTools opens it); PROFILE_GREP=river_ lists
// only the functions whose names hold it; PROFILE_ONLY=profile|trace|canvas runs one part;
// a DIST argument profiles another build than dist/. Without the names, Rust functions show
// as wasm-function[N]. Under a loaded machine every number grows; compare builds with
// web/bench/cpu.mjs, which alternates them.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/server.mjs';
import { launch } from '../tests/browser.mjs';

const seconds = Number(process.env.PROFILE_SECONDS ?? 20);
const top = Number(process.env.PROFILE_TOP ?? 30);
const intervalUs = Number(process.env.PROFILE_US ?? 100);
const grep = process.env.PROFILE_GREP ?? '';
const dist = process.argv[2] ?? fileURLToPath(new URL('../../dist', import.meta.url));

/** Counts every 2D-context method call and property set. */
function countCanvas() {
  window.__calls = {};
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (typeof d.value === 'function' && name !== 'constructor') {
      const f = d.value;
      proto[name] = function (...a) {
        window.__calls[name] = (window.__calls[name] ?? 0) + 1;
        return f.apply(this, a);
      };
    } else if (d.set) {
      const set = d.set;
      Object.defineProperty(proto, name, {
        ...d,
        set(v) {
          window.__calls[`${name}=`] = (window.__calls[`${name}=`] ?? 0) + 1;
          set.call(this, v);
        },
      });
    }
  }
}

function name(frame) {
  const n = frame.functionName || '(anonymous)';
  if (n.startsWith('(')) return n;
  const file = frame.url ? frame.url.split('/').pop().split('?')[0] : '';
  return file ? `${n}  [${file}]` : n;
}

async function profile(context, url) {
  const page = await context.newPage();
  await page.goto(`${url}?seed=1`);
  await page.waitForFunction(() => window.riverRaft !== undefined);
  await page.waitForTimeout(2000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  const metric = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (n) => metrics.find((m) => m.name === n)?.value ?? 0;
    return { task: get('TaskDuration'), script: get('ScriptDuration') };
  };
  const a = await metric();
  const t0 = Date.now();
  await cdp.send('Profiler.start');
  await page.waitForTimeout(seconds * 1000);
  const { profile: p } = await cdp.send('Profiler.stop');
  const b = await metric();
  const wall = (Date.now() - t0) / 1000;
  await page.close();
  if (process.env.PROFILE_OUT) await writeFile(process.env.PROFILE_OUT, JSON.stringify(p));

  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const total = new Map();
  let busy = 0;
  for (let k = 0; k < p.samples.length; k++) {
    const dt = (p.timeDeltas[k + 1] ?? 0) / 1000; // ms the sample stands for
    const id = p.samples[k];
    const leaf = name(nodes.get(id).callFrame);
    if (leaf === '(idle)') continue;
    busy += dt;
    self.set(leaf, (self.get(leaf) ?? 0) + dt);
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const f = name(nodes.get(n).callFrame);
      if (f === '(root)' || seen.has(f)) continue;
      seen.add(f);
      total.set(f, (total.get(f) ?? 0) + dt);
    }
  }
  const per = (k) => ((b[k] - a[k]) * 1000) / wall;
  console.log(`Profile, 5 nodes at the default speed, ${wall.toFixed(1)} s, sampled every ${intervalUs} µs:`);
  console.log(`  busy ${per('task').toFixed(1)} ms/s (script ${per('script').toFixed(1)}); sampled not idle ${(busy / wall).toFixed(1)} ms/s`);
  const print = (title, m) => {
    console.log(title);
    const rows = [...m].filter(([f]) => f.includes(grep)).sort((x, y) => y[1] - x[1]);
    for (const [f, ms] of rows.slice(0, top)) {
      console.log(`  ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${(ms / wall).toFixed(2).padStart(6)} ms/s  ${f}`);
    }
  };
  print('Self time (share of the time not idle):', self);
  print('Total time, callees included:', total);
}

async function trace(context, url) {
  const page = await context.newPage();
  await page.goto(`${url}?seed=1`);
  await page.waitForFunction(() => window.riverRaft !== undefined);
  await page.waitForTimeout(2000);
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,toplevel,blink,cc,v8',
    transferMode: 'ReportEvents',
  });
  const t0 = Date.now();
  await page.waitForTimeout(Math.min(seconds, 10) * 1000);
  await cdp.send('Tracing.end');
  await done;
  const wall = (Date.now() - t0) / 1000;
  await page.close();
  // The renderer's main thread with the most events is the page's.
  const threads = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!threads.has(k)) threads.set(k, []);
    threads.get(k).push(e);
  }
  const named = new Set(events.filter((e) => e.ph === 'M' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const [, xs] = [...threads].filter(([k]) => named.has(k)).sort((a, b) => b[1].length - a[1].length)[0];
  xs.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  let busy = 0;
  for (const x of xs) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= x.ts) stack.pop();
    if (stack.length) stack[stack.length - 1].inner += x.dur;
    else busy += x.dur;
    x.inner = 0;
    stack.push(x);
  }
  for (const x of xs) {
    const s = self.get(x.name) ?? { us: 0, n: 0 };
    s.us += x.dur - x.inner;
    s.n += 1;
    self.set(x.name, s);
  }
  console.log(`Trace of the renderer's main thread, ${wall.toFixed(1)} s: busy ${(busy / 1000 / wall).toFixed(1)} ms/s; self time by event:`);
  for (const [n, s] of [...self].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
    console.log(`  ${(s.us / 1000 / wall).toFixed(2).padStart(6)} ms/s ${(s.n / wall).toFixed(1).padStart(6)}/s  ${n}`);
  }
}

async function canvas(context, url) {
  const page = await context.newPage();
  await page.addInitScript(countCanvas);
  await page.goto(`${url}?seed=1`);
  await page.waitForFunction(() => window.riverRaft !== undefined);
  await page.waitForTimeout(2000);
  await page.evaluate(() => { window.__calls = {}; });
  const t0 = Date.now();
  await page.waitForTimeout(Math.min(seconds, 10) * 1000);
  const calls = await page.evaluate(() => window.__calls);
  const wall = (Date.now() - t0) / 1000;
  await page.close();
  // Each paint of a layer erases its rectangle first: one clearRect per paint.
  const paints = Math.max(calls.clearRect ?? 0, 1);
  const sum = Object.values(calls).reduce((x, y) => x + y, 0);
  console.log(`Canvas calls, ${wall.toFixed(1)} s: ${(paints / wall).toFixed(1)} paints a second, ${(sum / paints).toFixed(0)} calls per paint (per second, per paint):`);
  for (const [f, n] of Object.entries(calls).sort((x, y) => y[1] - x[1])) {
    console.log(`  ${(n / wall).toFixed(1).padStart(8)} ${(n / paints).toFixed(1).padStart(8)}  ${f}`);
  }
}

const server = await serve(dist);
const browser = await launch();
try {
  const only = process.env.PROFILE_ONLY;
  if (!only || only === 'profile') await profile(browser.context, server.url);
  if (!only || only === 'trace') await trace(browser.context, server.url);
  if (!only || only === 'canvas') await canvas(browser.context, server.url);
} finally {
  await browser.close();
  await server.close();
}
