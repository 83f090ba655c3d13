// The timeline under the drawing (time travel: the range, the marks, the kept futures, one
// event back and forward) and the safety badge.

import type { Controls, Mark, Safety, Timeline } from './answers';
import { openDialog } from './focus';
import { attempt, paused, raft, refused, seconds, syncAll, ui } from './shell';
import { fillMessage, msgId } from './message';
import { syncBroken } from './panels';

let timeline: Timeline = { startMs: 0, endMs: 0, nowMs: 0, branches: 0, checkpoints: 0, branchEnds: [], marks: [] };
let branchesShown = '';
let scrubbing = false;

/** Sets an element's text only when it differs: writing the same text still costs the page a
 * layout. */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** Redraws the whole strip (its time and marks, the range, the kept futures) and the safety
 * badge: after an action, and a few times a second while the run plays and something is
 * told (the handle's loop says when: TIMELINE; the clock alone is CLOCK, syncClock). */
export function syncTimeline(controls = raft.controls() as Controls): void {
  timeline = raft.timeline() as Timeline;
  // The canvases first: they read their sizes, which the writes below would make the page
  // lay out again.
  drawMarks();
  drawTime();
  syncScrub(true);
  setText(ui.scrubText, seconds(timeline.nowMs));
  const title = timeline.branches ? `${timeline.branches} earlier future(s) kept as branches` : '';
  if (ui.scrub.title !== title) ui.scrub.title = title;
  const ends = timeline.branchEnds.join(',');
  if (ends !== branchesShown) {
    branchesShown = ends;
    ui.branch.hidden = timeline.branches === 0;
    const options = [new Option('this future', '-1', true, true)];
    timeline.branchEnds.forEach((end, k) => options.push(new Option(`kept future ${k + 1} (to ${seconds(end)})`, String(k))));
    ui.branch.replaceChildren(...options);
  }
  if (msgId !== null) fillMessage();
  const safety = raft.safety() as Safety;
  ui.safety.classList.toggle('broken', !safety.ok);
  setText(ui.safety, safety.badge);
  // The banner explains a stale read once one is found.
  syncBroken(controls);
}

/** The clock alone moved on (CLOCK, four times a second in a quiet stretch): the strip's
 * time and marks, on their desynchronized canvases, which reach the screen without a page
 * frame; the range only when its thumb would move a pixel (while the run is live it stays at
 * the end). A page frame (style, layout, paint, commit) for a changed text cost about 2.5 ms
 * each on the bench machine, 10 ms/s at the default speed against a 40 ms/s budget. */
export function syncClock(): void {
  timeline = raft.timeline() as Timeline;
  drawMarks();
  drawTime();
  syncScrub(false);
}

/** Where the range's thumb was put, in pixels along it. */
let thumbShown = -1;

/** Moves the range to the moment shown; unless `always`, only when its thumb moves a pixel. */
function syncScrub(always: boolean): void {
  const at = Math.round((timeline.nowMs / Math.max(1, timeline.endMs)) * ui.scrub.clientWidth);
  if (!always && at === thumbShown) return;
  thumbShown = at;
  ui.scrub.max = String(timeline.endMs);
  if (!scrubbing) ui.scrub.value = String(timeline.nowMs);
}

/** What the time's canvas shows (text, size, font, colour), so an unchanged one is not
 * painted again. */
let timeShown = '';

/** The strip's time ("0.275 s"), right-aligned in the output's own font and colour; screen
 * readers read the output's hidden text instead. */
function drawTime(): void {
  const c = ui.scrubTime;
  const text = seconds(timeline.nowMs);
  // 9 characters wide ("999.999 s"); wider once the run is longer (a rare layout).
  const width = `${Math.max(9, text.length)}ch`;
  if (c.style.width !== width) c.style.width = width;
  const ratio = window.devicePixelRatio || 1;
  const w = c.clientWidth, h = c.clientHeight;
  const style = getComputedStyle(c);
  const font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const shown = `${text}|${w}x${h}@${ratio}|${font}|${style.color}`;
  if (shown === timeShown) return;
  timeShown = shown;
  if (c.width !== Math.round(w * ratio)) c.width = Math.round(w * ratio);
  if (c.height !== Math.round(h * ratio)) c.height = Math.round(h * ratio);
  const ctx = c.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = font;
  ctx.fillStyle = style.color;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, w, h / 2);
}

/** What the marks canvas last showed (its size and each mark's pixel), so a refresh that
 * moves no mark by a pixel does not paint it again. */
let marksShown = '';

function drawMarks(): void {
  const ratio = window.devicePixelRatio || 1;
  const w = ui.marks.clientWidth, h = ui.marks.clientHeight;
  const span = Math.max(1, timeline.endMs);
  const xs = timeline.marks.map((m) => 8 + (m.timeMs / span) * (w - 16));
  const shown = `${w}x${h}@${ratio}:${timeline.marks.map((m, k) => `${Math.round(xs[k] * ratio)}${m.kind}${m.color}`).join()}`;
  if (shown === marksShown) return;
  marksShown = shown;
  if (ui.marks.width !== Math.round(w * ratio)) ui.marks.width = Math.round(w * ratio);
  if (ui.marks.height !== Math.round(h * ratio)) ui.marks.height = Math.round(h * ratio);
  const ctx = ui.marks.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  timeline.marks.forEach((m, k) => {
    const tall = m.kind === 'leader' || m.kind === 'violation' || m.kind === 'crash';
    ctx.fillStyle = m.color;
    ctx.fillRect(xs[k] - 1, tall ? 0 : 4, tall ? 3 : 2, tall ? h : h - 4);
  });
}

/** The mark nearest to a pointer x on the strip, within a few pixels. */
function markAt(clientX: number): Mark | null {
  const rect = ui.marks.getBoundingClientRect();
  const span = Math.max(1, timeline.endMs);
  let best: Mark | null = null, bestD = 6;
  for (const m of timeline.marks) {
    const d = Math.abs(rect.left + 8 + (m.timeMs / span) * (rect.width - 16) - clientX);
    if (d <= bestD) { best = m; bestD = d; }
  }
  return best;
}

function seekTo(ms: number): void {
  if (!paused()) raft.apply({ do: 'pause' });
  const refusal = attempt({ do: 'seek', ms });
  refused(refusal);
  syncAll();
}

ui.scrub.addEventListener('input', () => { scrubbing = true; seekTo(Number(ui.scrub.value)); });
ui.branch.addEventListener('change', () => {
  const k = Number(ui.branch.value);
  if (k < 0) return;
  if (!paused()) raft.apply({ do: 'pause' });
  const refusal = attempt({ do: 'branch', k });
  refused(refusal);
  branchesShown = '';
  syncAll();
});
ui.scrub.addEventListener('change', () => { scrubbing = false; syncTimeline(); });
// In a quiet stretch the range's end is left where it was (syncClock): a drag or a key starts
// from the present.
for (const start of ['pointerdown', 'keydown']) {
  ui.scrub.addEventListener(start, () => { if (!scrubbing) { timeline = raft.timeline() as Timeline; syncScrub(true); } });
}
// The strip's time and marks are desynchronized from the page's frames, as the overlay is
// (start): they move on four times a second while the run plays, mostly in quiet stretches
// when nothing else on the page changes. The first getContext decides.
ui.scrubTime.getContext('2d', { desynchronized: true });
ui.marks.getContext('2d', { desynchronized: true });
// The time's canvas is painted for its size: again when it changes (the projector view's type).
new ResizeObserver(() => { timeShown = ''; drawTime(); }).observe(ui.scrubTime);
ui.marks.addEventListener('mousemove', (event) => { ui.marks.title = markAt(event.clientX)?.text ?? ''; });
ui.marks.addEventListener('click', (event) => { const m = markAt(event.clientX); if (m) seekTo(m.timeMs); });
ui.stepEvent.addEventListener('click', () => { ui.stepWords.textContent = raft.apply({ do: 'step-event' }) ?? ''; syncAll(); });
ui.stepBack.addEventListener('click', () => { raft.apply({ do: 'step-back' }); ui.stepWords.textContent = 'Went back one event.'; syncAll(); });

ui.safety.addEventListener('click', () => {
  const safety = raft.safety() as Safety;
  ui.safetySummary.textContent = safety.summary;
  ui.safetyList.replaceChildren(...safety.violations.map((v) => {
    const li = document.createElement('li');
    const title = document.createElement('strong');
    title.textContent = `${v.property} at ${seconds(v.timeMs)}`;
    const text = document.createElement('span');
    text.textContent = v.text;
    const jump = document.createElement('button');
    jump.type = 'button';
    jump.className = 'small';
    jump.textContent = 'Jump there';
    jump.addEventListener('click', () => { ui.safetyDialog.close(); seekTo(v.timeMs); });
    li.append(title, text, ' ', jump);
    return li;
  }));
  openDialog(ui.safetyDialog);
});

ui.timelineToggle.addEventListener('click', () => {
  const collapsed = ui.timeline.classList.toggle('collapsed');
  ui.timelineToggle.setAttribute('aria-expanded', String(!collapsed));
  ui.timelineToggle.textContent = collapsed ? '▸' : '▾';
  if (!collapsed) syncTimeline();
});
