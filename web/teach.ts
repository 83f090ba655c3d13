// The teaching tools, loaded when someone opens them: a timeline to drag through the run's
// past, one event forward and back, marks for elections, commits, crashes and cuts, a message
// inspector (drop, duplicate, hold, release), each node's persistent and volatile state, the
// live safety checker's badge, and the deliberately broken variants. They bring their own
// build of the wasm (web/pkg-teach, with the `teach` feature), which takes the page's run
// over from its journal: the whole past, from before the tools were opened, is on the
// timeline. Like the rest of the shell this decides nothing about Raft: words and colours
// come from Rust, and every text reaches the page through textContent.

// Inlined rather than a stylesheet of its own: a dynamic import with a stylesheet makes
// Vite add its preloading helper (about 1 KB gzipped) to the page's own script.
import css from './teach.css?inline';
import type { RiverRaft } from './pkg/river_wasm.js';
import initTeach, { RiverRaft as TeachRiverRaft } from './pkg-teach/river_wasm.js';
import type { Teach } from './main';
// Only types from the shell: anything imported from it would become a module the page and
// the tools share, a third file for the page to load (see vite.config.ts).
type Lookup = typeof import('./dom').$;
/** The page's element lookup, lent by the shell in `start`. */
let $: Lookup;

type Message = {
  id: number; from: string; to: string; kind: string; term: number | null;
  sentMs: number; deliverMs: number; held: boolean; fields: Record<string, unknown>; why: string;
};
type Mark = { timeMs: number; kind: string; term: number; color: string; text: string };
type Timeline = {
  startMs: number; endMs: number; nowMs: number; branches: number; checkpoints: number;
  branchEnds: number[]; marks: Mark[];
};
type Safety = { ok: boolean; count: number; violations: { property: string; timeMs: number; text: string }[] };
type BugInfo = { name: string; on: boolean; about: string };
type NodeState = {
  persistent: { term: number; votedFor: string | null; logLength: number; lastLogTerm: number };
  volatile: { role: string; commitIndex: number; leader: string | null; timerElapsedMs: number; timerTimeoutMs: number } | null;
  progress: { peer: string; nextIndex: number; matchIndex: number }[];
};

/** The handle as the tools' wasm exports it (the page's has no `at`). */
type TeachRaft = RiverRaft & { at(verb: string, x: number): string };

/** What the page's shell lends the teaching tools. */
export type Shell = {
  $: Lookup;
  readonly raft: RiverRaft;
  /** Makes `next` the page's handle (and frees the one it had). */
  swap(next: RiverRaft): void;
  api: object;
  box: HTMLElement;
  notice(text: string, kind?: 'warn' | 'error'): void;
  check(refusal: string): void;
  seconds(ms: number): string;
  syncAll(): void;
  wake(): void;
  paused(): boolean;
  closeMenu(): void;
};

/** The markup the teaching tools add; static text only. */
const TIMELINE = `
<div class="timeline">
  <button id="step-back" type="button" title="Go back one event (B)">◀ Back</button>
  <button id="step-event" type="button" title="Run exactly one event and name it (E)">Event ▶</button>
  <div class="track">
    <canvas id="marks" class="marks" aria-hidden="true"></canvas>
    <input id="scrub" type="range" min="0" max="0" step="1" value="0" aria-label="Timeline: drag to any past moment" />
  </div>
  <output id="scrub-label" for="scrub">0.000 s</output>
  <select id="branch" hidden aria-label="Futures kept when you acted in the past" title="Acting in the past keeps the old future: return to it here"></select>
  <button id="safety" class="badge" type="button" title="The safety checker runs after every event; click for details">✓ safe</button>
</div>
<p id="step-words" class="step-words" aria-live="polite"></p>`;
const MESSAGE_PANEL = `
<div id="msg-panel" class="popover" role="dialog" aria-labelledby="msg-title" hidden>
  <div class="popover-head">
    <strong id="msg-title"></strong>
    <button id="msg-close" class="icon small" type="button" aria-label="Close">×</button>
  </div>
  <p id="msg-why" class="muted"></p>
  <dl id="msg-fields" class="fields"></dl>
  <div class="row">
    <button id="msg-drop" type="button" title="Take it off the wire: it is lost">Drop</button>
    <button id="msg-dup" type="button" title="Put a copy on the wire">Duplicate</button>
    <button id="msg-hold" type="button" title="Keep it on the wire until released">Hold</button>
  </div>
  <p id="msg-error" class="error" role="alert"></p>
</div>`;
const NODE_STATE = `
<details id="node-inspect" class="inspect">
  <summary>Its state</summary>
  <dl id="node-state" class="fields"></dl>
</details>`;
const SAFETY_DIALOG = `
<dialog id="safety-dialog" class="panel wide-panel" aria-labelledby="safety-title">
  <form method="dialog">
    <div class="popover-head">
      <h2 id="safety-title">Safety</h2>
      <button class="icon small" value="close" aria-label="Close">×</button>
    </div>
    <p id="safety-summary" class="muted"></p>
    <ol id="safety-list" class="violations"></ol>
  </form>
</dialog>`;
const BUGS = `
<fieldset id="bugs" class="bugs">
  <legend>Break Raft on purpose</legend>
  <p class="muted">Each switch starts a fresh cluster with that mistake; the safety badge shows what breaks.</p>
</fieldset>`;

/** Fills a definition list from [term, value] rows; a row with no value is a heading. */
function fillFields(dl: HTMLElement, rows: [string, string][]): void {
  dl.replaceChildren();
  for (const [term, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    if (!value) { dt.className = 'group'; dl.append(dt); continue; }
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
}

/** Starts the tools' wasm, has it take the page's run over exactly where it stands, and
 * adds the tools to the page. Throws when the run could not be carried over; the page then
 * runs on as it was. */
export async function start(shell: Shell): Promise<Teach> {
  $ = shell.$;
  await initTeach();
  const old = shell.raft;
  const journal = old.get('journal', '');
  const box = shell.box;
  const next = new TeachRiverRaft($<HTMLCanvasElement>('canvas'), $<HTMLCanvasElement>('overlay'), '?paused',
    Math.max(1, box.clientWidth), Math.max(1, box.clientHeight), window.devicePixelRatio || 1);
  const refusal = next.act('carry', journal, '');
  if (refusal) {
    next.free();
    throw new Error(`they could not take this run over (${refusal})`);
  }
  next.speed(old.speed(NaN));
  next.act(shell.paused() ? 'pause' : 'play', '', '');
  const style = document.createElement('style');
  style.textContent = css;
  document.head.append(style);
  shell.swap(next);
  return install(shell);
}

function install(shell: Shell): Teach {
  const raft = shell.raft as TeachRaft;
  const { seconds } = shell;
  $('canvas-box').insertAdjacentHTML('afterend', TIMELINE);
  $('canvas-box').insertAdjacentHTML('beforeend', MESSAGE_PANEL);
  $('node-menu').insertAdjacentHTML('beforeend', NODE_STATE);
  document.body.insertAdjacentHTML('beforeend', SAFETY_DIALOG);
  $('settings-error').insertAdjacentHTML('beforebegin', BUGS);
  $('scenario-reset').insertAdjacentHTML('afterend', '<button id="scenario-figure8" type="button" title="The paper\'s Figure 8 (a)–(e): safe, unless figure8-commit is switched on">Figure 8 of the paper</button>');
  $('help-dialog').querySelector('tbody, table')?.insertAdjacentHTML('beforeend', '<tr><td><kbd>E</kbd> <kbd>B</kbd></td><td>one event forward, one event back</td></tr>');

  const ui = {
    nodeState: $('node-state'),
    msg: $('msg-panel'),
    msgTitle: $('msg-title'),
    msgWhy: $('msg-why'),
    msgFields: $('msg-fields'),
    msgHold: $<HTMLButtonElement>('msg-hold'),
    msgError: $('msg-error'),
    stepBack: $<HTMLButtonElement>('step-back'),
    stepEvent: $<HTMLButtonElement>('step-event'),
    stepWords: $('step-words'),
    marks: $<HTMLCanvasElement>('marks'),
    scrub: $<HTMLInputElement>('scrub'),
    scrubLabel: $<HTMLOutputElement>('scrub-label'),
    branch: $<HTMLSelectElement>('branch'),
    safety: $<HTMLButtonElement>('safety'),
    safetyDialog: $<HTMLDialogElement>('safety-dialog'),
    safetySummary: $('safety-summary'),
    safetyList: $('safety-list'),
    bugs: $('bugs'),
  };

  // ----- the timeline and the safety badge -----

  let shownAt = -Infinity;
  let timeline: Timeline = { startMs: 0, endMs: 0, nowMs: 0, branches: 0, checkpoints: 0, branchEnds: [], marks: [] };
  let branchesShown = '';
  let scrubbing = false;
  /** The message whose inspector is open. */
  let msgId: number | null = null;

  /** Redraws the timeline and the badge: at once after an action, else a few times a
   * second (the run moves them every frame, and each redraw costs the page a layout). */
  function syncTimeline(now: boolean): void {
    const wall = performance.now();
    if (!now && wall - shownAt < 250) return;
    shownAt = wall;
    timeline = JSON.parse(raft.get('timeline', '')) as Timeline;
    ui.scrub.max = String(timeline.endMs);
    if (!scrubbing) ui.scrub.value = String(timeline.nowMs);
    ui.scrubLabel.textContent = seconds(timeline.nowMs);
    ui.scrub.title = timeline.branches ? `${timeline.branches} earlier future(s) kept as branches` : '';
    const ends = timeline.branchEnds.join(',');
    if (ends !== branchesShown) {
      branchesShown = ends;
      ui.branch.hidden = timeline.branches === 0;
      const options = [new Option('this future', '-1', true, true)];
      timeline.branchEnds.forEach((end, k) => options.push(new Option(`kept future ${k + 1} (to ${seconds(end)})`, String(k))));
      ui.branch.replaceChildren(...options);
    }
    drawMarks();
    if (msgId !== null) fillMessage();
    const safety = JSON.parse(raft.get('safety', '')) as Safety;
    ui.safety.classList.toggle('broken', !safety.ok);
    ui.safety.textContent = safety.ok ? '✓ safe' : `✗ ${safety.count} violation${safety.count === 1 ? '' : 's'}`;
  }

  function drawMarks(): void {
    const ratio = window.devicePixelRatio || 1;
    const w = ui.marks.clientWidth, h = ui.marks.clientHeight;
    if (ui.marks.width !== Math.round(w * ratio)) ui.marks.width = Math.round(w * ratio);
    if (ui.marks.height !== Math.round(h * ratio)) ui.marks.height = Math.round(h * ratio);
    const ctx = ui.marks.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const span = Math.max(1, timeline.endMs);
    for (const m of timeline.marks) {
      const x = 8 + (m.timeMs / span) * (w - 16);
      const tall = m.kind === 'leader' || m.kind === 'violation' || m.kind === 'crash';
      ctx.fillStyle = m.color;
      ctx.fillRect(x - 1, tall ? 0 : 4, tall ? 3 : 2, tall ? h : h - 4);
    }
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
    if (!shell.paused()) raft.act('pause', '', '');
    const refusal = raft.at('seek', ms);
    if (refusal) shell.notice(refusal);
    shell.syncAll();
  }

  ui.scrub.addEventListener('input', () => { scrubbing = true; seekTo(Number(ui.scrub.value)); });
  ui.branch.addEventListener('change', () => {
    const k = Number(ui.branch.value);
    if (k < 0) return;
    if (!shell.paused()) raft.act('pause', '', '');
    const refusal = raft.at('branch', k);
    if (refusal) shell.notice(refusal);
    branchesShown = '';
    shell.syncAll();
  });
  ui.scrub.addEventListener('change', () => { scrubbing = false; syncTimeline(true); });
  ui.marks.addEventListener('mousemove', (event) => { ui.marks.title = markAt(event.clientX)?.text ?? ''; });
  ui.marks.addEventListener('click', (event) => { const m = markAt(event.clientX); if (m) seekTo(m.timeMs); });
  ui.stepEvent.addEventListener('click', () => { ui.stepWords.textContent = raft.get('step-event', ''); shell.syncAll(); });
  ui.stepBack.addEventListener('click', () => { raft.act('step-back', '', ''); ui.stepWords.textContent = 'Went back one event.'; shell.syncAll(); });

  ui.safety.addEventListener('click', () => {
    const safety = JSON.parse(raft.get('safety', '')) as Safety;
    ui.safetySummary.textContent = safety.ok
      ? 'Every property held after every event so far: Election Safety, Leader Append-Only, Log Matching, Leader Completeness, State Machine Safety, monotonic terms and commit indexes, and no committed entry lost.'
      : `${safety.count} violation${safety.count === 1 ? '' : 's'} found. Jump to the moment each happened:`;
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
    ui.safetyDialog.showModal();
  });

  // ----- the bugs panel -----

  function syncBugs(): void {
    const bugs = JSON.parse(raft.get('bugs', '')) as BugInfo[];
    for (const old of Array.from(ui.bugs.querySelectorAll('label'))) old.remove();
    for (const bug of bugs) {
      const label = document.createElement('label');
      label.className = 'check';
      const tick = document.createElement('input');
      tick.type = 'checkbox';
      tick.checked = bug.on;
      tick.dataset.bug = bug.name;
      const name = document.createElement('code');
      name.textContent = bug.name;
      const about = document.createElement('span');
      about.className = 'about';
      about.textContent = bug.about;
      label.append(tick, ' ', name, about);
      ui.bugs.append(label);
    }
  }
  // Before the shell's own listener on the form, which handles named settings.
  ui.bugs.addEventListener('change', (event) => {
    const el = event.target;
    if (!(el instanceof HTMLInputElement) || !el.dataset.bug) return;
    event.stopPropagation();
    $('settings-error').textContent = raft.act('bug', el.dataset.bug, el.checked ? 'on' : 'off');
    syncBugs();
    shell.syncAll();
  });
  $('settings-button').addEventListener('click', syncBugs);
  $('scenario-figure8').addEventListener('click', () => {
    $<HTMLTextAreaElement>('scenario-text').value = raft.get('built-in', 'figure8');
    $('scenario-error').textContent = '';
  });

  // ----- the message inspector -----

  function openMessage(id: number): void {
    msgId = id;
    ui.msgError.textContent = '';
    fillMessage();
    ui.msg.hidden = false;
    const w = shell.box.clientWidth, h = shell.box.clientHeight;
    ui.msg.style.left = `${Math.max(8, w - ui.msg.offsetWidth - 12)}px`;
    ui.msg.style.top = `${Math.max(8, Math.min(12, h - ui.msg.offsetHeight - 8))}px`;
  }

  /** Shows the open message, or says it has left the wire. */
  function fillMessage(): void {
    const messages = (JSON.parse(raft.get('state', '')) as { messages: Message[] }).messages;
    const m = messages.find((x) => x.id === msgId);
    const buttons = Array.from(ui.msg.querySelectorAll<HTMLButtonElement>('.row button'));
    for (const b of buttons) b.disabled = !m;
    if (!m) {
      ui.msgTitle.textContent = `Message ${msgId ?? ''}`;
      ui.msgWhy.textContent = 'It is no longer on the wire: it arrived or was lost.';
      ui.msgFields.replaceChildren();
      return;
    }
    ui.msgTitle.textContent = `${m.kind} · ${m.from} → ${m.to}`;
    ui.msgWhy.textContent = m.why;
    const rows: [string, string][] = [];
    for (const [k, v] of Object.entries(m.fields)) rows.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
    rows.push(['sent at', seconds(m.sentMs)], ['arrives at', m.held ? 'held: waits until released' : seconds(m.deliverMs)]);
    fillFields(ui.msgFields, rows);
    ui.msgHold.textContent = m.held ? 'Release' : 'Hold';
  }

  function closeMessage(): void {
    msgId = null;
    ui.msg.hidden = true;
  }

  function messageAction(verb: 'drop' | 'duplicate' | 'hold' | 'release'): void {
    if (msgId === null) return;
    ui.msgError.textContent = raft.at(verb, msgId);
    shell.syncAll();
  }

  $('msg-close').addEventListener('click', closeMessage);
  $('msg-drop').addEventListener('click', () => messageAction('drop'));
  $('msg-dup').addEventListener('click', () => messageAction('duplicate'));
  ui.msgHold.addEventListener('click', () => messageAction(ui.msgHold.textContent === 'Release' ? 'release' : 'hold'));

  // ----- the JavaScript API additions -----

  /** An API action that takes a number: throws the refusal, and shows whatever changed. */
  function at(verb: string, x: number): void {
    try { shell.check(raft.at(verb, Number(x))); } finally { shell.syncAll(); }
  }
  function act(verb: string, a = '', b = ''): void {
    try { shell.check(raft.act(verb, a, b)); } finally { shell.syncAll(); }
  }
  Object.assign(shell.api, {
    /** Takes message `id` (see state().messages) off the wire: it is lost. */
    dropMessage(id: number): void { at('drop', id); },
    /** Puts a copy of message `id` on the wire. */
    duplicateMessage(id: number): void { at('duplicate', id); },
    /** Holds message `id` on the wire until released. */
    holdMessage(id: number): void { at('hold', id); },
    /** Releases held message `id`: it arrives after its link's delay from now. */
    releaseMessage(id: number): void { at('release', id); },
    /** Shows moment `timeMs` of this run, rebuilt exactly (at most the furthest reached). */
    seek(timeMs: number): void { at('seek', timeMs); },
    /** Returns to kept future `k` (see timeline().branchEnds); the one left is kept. */
    switchBranch(k: number): void { at('branch', k); },
    /** Pauses and runs exactly one event; returns it in words. */
    stepEvent(): string {
      const words = raft.get('step-event', '');
      ui.stepWords.textContent = words;
      shell.syncAll();
      return words;
    },
    /** Pauses and goes back one event. */
    stepBack(): void { act('step-back'); },
    /** { startMs, endMs, nowMs, branches, checkpoints, branchEnds, marks: [{ timeMs, kind, term, color, text }] }. */
    timeline: (): Timeline => JSON.parse(raft.get('timeline', '')) as Timeline,
    /** The live checker: { ok, count, violations: [{ property, timeMs, text }] }. */
    safety: (): Safety => JSON.parse(raft.get('safety', '')) as Safety,
    /** The deliberately broken variants: [{ name, on, about }]. */
    bugs: (): BugInfo[] => JSON.parse(raft.get('bugs', '')) as BugInfo[],
    /** Switches a broken variant on or off (the cluster starts afresh). */
    setBug(name: string, on: boolean): void { act('bug', String(name), on ? 'on' : 'off'); },
  });

  syncTimeline(true);
  return {
    sync(bits: number): void {
      if (bits & 3) syncTimeline(false);
    },
    syncAll(): void { syncTimeline(true); },
    fillNode(id: string): void {
      const raw = raft.get('node', id);
      if (!raw) return;
      const info = JSON.parse(raw) as NodeState;
      const rows: [string, string][] = [
        ['Persistent (survives a crash)', ''],
        ['currentTerm', String(info.persistent.term)],
        ['votedFor', info.persistent.votedFor ?? 'nobody'],
        ['log', `${info.persistent.logLength} entries, last term ${info.persistent.lastLogTerm}`],
        ['Volatile (lost in a crash)', ''],
      ];
      const v = info.volatile;
      if (v) {
        rows.push(['role', v.role], ['commitIndex', String(v.commitIndex)], ['leader', v.leader ?? 'unknown']);
        if (v.role !== 'leader') rows.push(['election timer', `${v.timerElapsedMs} of ${v.timerTimeoutMs} ms`]);
        for (const p of info.progress) rows.push([`${p.peer}: next / match`, `${p.nextIndex} / ${p.matchIndex}`]);
      } else rows.push(['none', 'the server is down']);
      fillFields(ui.nodeState, rows);
    },
    click(hit: string): boolean {
      if (!hit.startsWith('message ')) { if (hit === '') closeMessage(); return false; }
      openMessage(Number(hit.slice(8)));
      return true;
    },
    key(key: string): boolean {
      if (key === 'e' || key === 'E') ui.stepEvent.click();
      else if (key === 'b' || key === 'B' || key === 'ArrowLeft') ui.stepBack.click();
      else return false;
      return true;
    },
    escape(): void { closeMessage(); },
  };
}
