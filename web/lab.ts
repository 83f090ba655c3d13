// The Election lab panel (issue 15): forwards the form to the handle, shows the chart Rust
// paints on its own canvas, the sentence and the table Rust's answer carries, and opens a
// clicked trial on the main canvas. The trials run inside the handle's loop, a slice per
// frame; this file only asks for results when the loop says the lab changed.

import type { RiverRaft } from './pkg/river_wasm.js';
import { $ } from './dom';
import { openDialog } from './focus';
import './lab.css';

/** One range's line, as `labResults()` gives it. */
export type LabRange = {
  label: string; timeoutMin: number; timeoutMax: number; color: string; dash: string;
  trials: number; splitVoteTrials: number; splitVoteFraction: number; noLeaderTrials: number;
  p50: number | null; p90: number | null; p99: number | null; max: number | null;
  /** [ms, fraction, trial] per distinct time, in order. */
  points: [number, number, number][];
};
export type LabResults = {
  state: 'idle' | 'running' | 'done' | 'stopped' | 'failed'; done: number; total: number;
  nodes: number; latencyMin: number; latencyMax: number; preVote: boolean; seed: number;
  sentence: string; error: string | null; ranges: LabRange[];
  /** The type scale the chart is drawn at: 1 as the page comes, larger in the projector view. */
  chartScale: number;
  /** The paper's six timeout ranges, [min, max] ms: the form's checkboxes. */
  paperRanges: [number, number][];
};
/** What `labRun` takes; every field optional (the paper's setup). A number may also be the
 * text of a box as typed. */
export type LabSetup = {
  ranges?: string | [number, number][]; nodes?: number | string; latencyMin?: number | string;
  latencyMax?: number | string; preVote?: boolean; seed?: number | string; trials?: number | string;
};

/** What the page gives the lab. */
type Page = {
  raft: () => RiverRaft;
  /** Opens a trial (an action through the handle); returns its words, throws why not. */
  openTrial: (range: number, trial: number) => string;
  notice: (text: string, kind: 'warn' | 'error' | 'info') => void;
};

const ui = {
  dialog: $<HTMLDialogElement>('lab-dialog'),
  form: $<HTMLFormElement>('lab-form'),
  ranges: $('lab-ranges'),
  min: $<HTMLInputElement>('lab-min'),
  max: $<HTMLInputElement>('lab-max'),
  nodes: $<HTMLSelectElement>('lab-nodes'),
  latMin: $<HTMLInputElement>('lab-lat-min'),
  latMax: $<HTMLInputElement>('lab-lat-max'),
  preVote: $<HTMLInputElement>('lab-prevote'),
  seed: $<HTMLInputElement>('lab-seed'),
  run: $<HTMLButtonElement>('lab-run'),
  stop: $<HTMLButtonElement>('lab-stop'),
  progress: $('lab-progress'),
  error: $('lab-error'),
  chart: $<HTMLCanvasElement>('lab-chart'),
  hover: $('lab-hover'),
  sentence: $('lab-sentence'),
  table: $('lab-table'),
  rows: $('lab-rows'),
};

const HOVER_HINT = ui.hover.textContent ?? '';

export function setupLab(page: Page) {
  const raft = page.raft;
  let startedAt = 0;
  let tookMs: number | null = null;
  let waiters: (() => void)[] = [];

  const results = (): LabResults => raft().labResults() as LabResults;

  /** Gives the chart its canvas at its present size, and the page's type size (the root
   * font size, which the projector view raises) for its own. */
  function fitChart(): void {
    const w = ui.chart.clientWidth, h = ui.chart.clientHeight;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    if (w > 0 && h > 0) raft().labCanvas(ui.chart, w, h, window.devicePixelRatio || 1, rem);
  }
  new ResizeObserver(fitChart).observe(ui.chart);

  function open(): void {
    if (!ui.dialog.open) openDialog(ui.dialog);
    fitChart();
    sync();
  }

  function addRange(min: number, max: number): void {
    const value = `${min}-${max}`;
    const box = [...ui.ranges.querySelectorAll<HTMLInputElement>('input')].find((i) => i.value === value);
    if (box) { box.checked = true; return; }
    const label = document.createElement('label');
    label.className = 'check';
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = value;
    input.checked = true;
    label.append(input, ` ${min}–${max}`);
    ui.ranges.append(label);
  }

  // The paper's ranges come from Rust (river_sim::elections::PAPER_RANGES), not from index.html.
  for (const [min, max] of results().paperRanges) addRange(min, max);

  /** The form as a setup: the boxes as they read, so that Rust refuses a seed of "abc" or
   * an empty box quoting it (Number() made them NaN, said "not 0", and 0). */
  function formSetup(): LabSetup {
    const ranges = [...ui.ranges.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value).join(',');
    return {
      ranges, nodes: Number(ui.nodes.value), latencyMin: ui.latMin.value, latencyMax: ui.latMax.value,
      preVote: ui.preVote.checked, seed: ui.seed.value,
    };
  }

  /** Starts the lab; throws (and shows) why not. */
  function run(setup: LabSetup = {}): void {
    const object: Record<string, unknown> = { ...setup };
    if (Array.isArray(setup.ranges)) object.ranges = setup.ranges.map(([a, b]) => `${a}-${b}`).join(',');
    try {
      raft().labRun(object);
      ui.error.textContent = '';
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      ui.error.textContent = `Not run: ${why}`;
      throw new Error(why);
    }
    startedAt = performance.now();
    tookMs = null;
    sync();
  }

  function cell(row: HTMLElement, text: string): HTMLElement {
    const td = document.createElement('td');
    td.textContent = text;
    row.append(td);
    return td;
  }

  const ms = (v: number | null): string => (v === null ? '–' : v >= 60_000 ? '60 s+' : `${v.toLocaleString('en')} ms`);

  /** Shows the results: progress, sentence, table. */
  function sync(): void {
    const r = results();
    const running = r.state === 'running';
    if (!running && startedAt > 0 && tookMs === null) tookMs = performance.now() - startedAt;
    ui.stop.disabled = !running;
    ui.run.textContent = running ? 'Running…' : 'Run 1,000 trials';
    ui.progress.textContent = r.state === 'idle' ? ''
      : running ? `Running: ${r.done.toLocaleString('en')} of ${r.total.toLocaleString('en')} trials…`
        : r.state === 'done' ? `Done: ${r.done.toLocaleString('en')} trials${tookMs === null ? '' : ` in ${(tookMs / 1000).toFixed(1)} s`}.`
          : r.state === 'stopped' ? `Stopped after ${r.done.toLocaleString('en')} of ${r.total.toLocaleString('en')} trials.`
            : `Stopped after ${r.done.toLocaleString('en')} trials.`;
    if (r.error) ui.error.textContent = r.error;
    ui.sentence.textContent = r.sentence;
    ui.table.hidden = r.ranges.length === 0;
    ui.rows.replaceChildren();
    r.ranges.forEach((range, k) => {
      const row = document.createElement('tr');
      const name = cell(row, range.label);
      name.style.borderLeft = `4px ${range.dash === 'solid' ? 'solid' : range.dash === 'dotted' ? 'dotted' : 'dashed'} ${range.color}`;
      cell(row, range.trials.toLocaleString('en'));
      cell(row, range.trials ? `${(range.splitVoteFraction * 100).toFixed(1)}%` : '–');
      cell(row, ms(range.p50));
      cell(row, ms(range.p90));
      cell(row, ms(range.p99));
      cell(row, ms(range.max));
      const last = range.points[range.points.length - 1];
      const watch = cell(row, '');
      if (last) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'small';
        button.textContent = 'Watch the slowest';
        button.title = `Open trial ${last[2]} of ${range.label} on the cluster, paused before its leader crashes`;
        button.addEventListener('click', () => openTrial(k, last[2]));
        watch.append(button);
      }
      ui.rows.append(row);
    });
    if (!running) { const w = waiters; waiters = []; w.forEach((f) => f()); }
  }

  /** Opens trial `trial` of range `range` on the main canvas and closes the panel. */
  function openTrial(range: number, trial: number): string {
    const words = page.openTrial(range, trial);
    ui.dialog.close();
    // The panel gives the keyboard back to what opened it; opened by the address (?lab),
    // nothing did, and the keyboard stayed on the table's button, hidden in the closed
    // panel, then fell to the page's top: it goes to the trial instead.
    const now = document.activeElement;
    if (!now || now === document.body || !now.isConnected || ui.dialog.contains(now)) $('canvas').focus();
    page.notice(words, 'info');
    return words;
  }

  function pointer(event: MouseEvent): [number, number] {
    const rect = ui.chart.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  }

  $('lab-button').addEventListener('click', open);
  $('lab-close').addEventListener('click', () => ui.dialog.close());
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    try { run(formSetup()); } catch { /* shown in the panel */ }
  });
  ui.stop.addEventListener('click', () => { raft().labStop(); sync(); });
  $('lab-add').addEventListener('click', () => {
    const min = Number(ui.min.value), max = Number(ui.max.value);
    if (!ui.min.value || !ui.max.value || !(min >= 1 && max >= min && max <= 10_000)) {
      ui.error.textContent = 'A range needs a shortest and a longest timeout, 1 to 10,000 ms, the shortest first.';
      return;
    }
    ui.error.textContent = '';
    addRange(min, max);
  });
  $('lab-add-current').addEventListener('click', () => {
    const s = raft().settings() as Record<string, string>;
    addRange(Number(s['election-timeout-min']), Number(s['election-timeout-max']));
  });
  ui.dialog.addEventListener('toggle', () => {
    const s = raft().settings() as Record<string, string>;
    $('lab-add-current').textContent = `+ the current settings' range (${s['election-timeout-min']}–${s['election-timeout-max']} ms)`;
  });
  ui.chart.addEventListener('mousemove', (event) => {
    const [x, y] = pointer(event);
    const said = raft().labHover(x, y, true);
    ui.hover.textContent = said || HOVER_HINT;
    ui.chart.style.cursor = said ? 'pointer' : '';
  });
  ui.chart.addEventListener('mouseleave', () => {
    raft().labHover(0, 0, false);
    ui.hover.textContent = HOVER_HINT;
  });
  ui.chart.addEventListener('click', (event) => {
    const [x, y] = pointer(event);
    const pick = raft().labPick(x, y) as [number, number] | null;
    if (!pick) return;
    try { openTrial(pick[0], pick[1]); } catch (error) { ui.error.textContent = error instanceof Error ? error.message : String(error); }
  });

  // `?lab` opens the panel; `?lab=run` also runs the paper's experiment at once.
  const asked = new URLSearchParams(location.search).get('lab');
  if (asked !== null) {
    if (asked === '' || asked === 'run') {
      open();
      if (asked === 'run') run(formSetup());
    } else {
      page.notice(`The address says lab='${asked}'; write ?lab to open the election lab, or ?lab=run to run it at once. Opened it without running.`, 'warn');
      open();
    }
  }

  const api = {
    /** Opens the Election lab panel. */
    openLab: open,
    /** Starts the lab: { ranges: "150-150,150-300" or [[150,150],[150,300]], nodes, latencyMin, latencyMax, preVote, seed, trials }, each optional. */
    labRun: run,
    /** Stops the lab where it is. */
    labStop(): void { raft().labStop(); sync(); },
    /** { state, done, total, sentence, error, ranges: [{ label, p50, p90, p99, max, splitVoteFraction, points, … }] }. */
    labResults: results,
    /** Resolves with the results once the lab is not running. */
    labDone(): Promise<LabResults> {
      return new Promise((resolve) => {
        if (results().state !== 'running') resolve(results());
        else waiters.push(() => resolve(results()));
      });
    },
    /** Opens trial `trial` of range `range` as a run on the cluster, paused just before its leader crashes; returns what the page says. */
    openTrial,
  };
  return { api, sync };
}
