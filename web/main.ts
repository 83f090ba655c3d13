// The page shell: forwards DOM events to the wasm handle and shows the text it returns.
// It decides nothing about Raft: every word, position and colour comes from Rust. User text
// only ever reaches the page through textContent. The teaching tools (the timeline, one
// event forward and back, the message and node inspectors, the safety badge, the bugs panel)
// are part of the page from the first frame.

import './style.css';
import init, { RiverRaft } from './pkg/river_wasm.js';
import { $ } from './dom';
import { inlineWasm } from './inline-wasm';
import { makeLink, readLink } from './share';
import { overruled, pauseWhileUnseen, readEmbed, unknownParameters } from './embed';
import { dropdown, holdTab, openDialog } from './focus';
import { Announcer, startLook } from './look';
import { setupLab } from './lab';

/** Speed stops: denominators of 1/N×, slowest first. */
const SPEEDS = [1000, 500, 200, 100, 50, 20, 10, 5, 2, 1];
/** How many feed lines the page keeps. */
const MAX_FEED_ITEMS = 120;
/** Bits the handle's loop reports after a frame: which panels to refresh. */
const FEED = 1, STATUS = 2, STORY = 4, SETTINGS = 8, CONTROLS = 16, TIMELINE = 32, LAB = 64, CLOCK = 128;

type NodeState = {
  id: string; role: string; term: number; votedFor: string | null; commitIndex: number; alive: boolean;
  log: { index: number; term: number; command: string | null; committed: boolean }[];
  snapshot: { lastIncludedIndex: number; lastIncludedTerm: number; text: string } | null;
  kv: Record<string, string>; membership: string; x: number; y: number; logRow: [number, number];
};
type State = {
  timeMs: number; seed: number; paused: boolean; speed: number;
  nodes: NodeState[]; links: { from: string; to: string; up: boolean }[]; digest: string; messages: Message[];
  configuration: string[]; learners: string[]; configurationText: string;
};
/** The small things the controls show. */
type Controls = {
  paused: boolean; speed: number; speedLabel: string; partition: string; suggestion: string;
  maxCommandBytes: number; status: string; overlayWidth: number; overlayHeight: number; words: [number, number, number, number];
  broken: string[]; brokenText: string; brokenOff: string; projector: boolean; reducedMotion: boolean; scale: number;
  focus: string;
};
type FeedLine = { timeMs: number; kind: string; text: string };
/** An action as the handle reads it: its kind, then its arguments by name. */
type Action = { do: string; [argument: string]: string | number | boolean };
type Tour = {
  name: string | null; title: string | null; step: number; steps: string[]; caption: string | null;
  state: 'none' | 'playing' | 'waiting' | 'finished' | 'failed'; error: string | null; shown: string[];
};
type Story = { name: string | null; state: 'none' | 'playing' | 'finished' | 'failed'; line: number | null; text: string | null; error: string | null };
/** Why each button of a node's menu would be refused now (null: it would be taken). */
type Refusals = { send: string | null; crash: string | null; freeze: string | null; timeout: string | null; lead: string | null; snapshot: string | null; remove: string | null };
type NodeInfo = {
  frozen: boolean; refused: Refusals;
  id: string; alive: boolean; member: boolean; removed: boolean; voter: boolean; title: string; hint: string;
  persistent: { term: number; votedFor: string | null; logLength: number; lastLogTerm: number; snapshot: string | null };
  volatile: { role: string; commitIndex: number; leader: string | null; timerElapsedMs: number; timerTimeoutMs: number } | null;
  progress: { peer: string; nextIndex: number; matchIndex: number }[];
};
type Message = {
  id: number; from: string; to: string; kind: string; term: number | null;
  sentMs: number; deliverMs: number; held: boolean; fields: Record<string, unknown>; why: string;
};
type Mark = { timeMs: number; kind: string; term: number; color: string; text: string };
type Timeline = {
  startMs: number; endMs: number; nowMs: number; branches: number; checkpoints: number;
  branchEnds: number[]; marks: Mark[];
};
type Safety = { ok: boolean; count: number; badge: string; summary: string; violations: { property: string; timeMs: number; text: string }[]; properties: string[] };
type BugInfo = { name: string; on: boolean; about: string };

const canvas = $<HTMLCanvasElement>('canvas');
const overlay = $<HTMLCanvasElement>('overlay');
const box = $('canvas-box');
const ui = {
  play: $<HTMLButtonElement>('play'),
  step: $<HTMLButtonElement>('step'),
  speed: $<HTMLInputElement>('speed'),
  speedLabel: $<HTMLOutputElement>('speed-label'),
  nodes: $<HTMLSelectElement>('nodes'),
  seed: $<HTMLInputElement>('seed'),
  restart: $<HTMLButtonElement>('restart'),
  share: $<HTMLButtonElement>('share'),
  split: $<HTMLButtonElement>('split'),
  heal: $<HTMLButtonElement>('heal'),
  broken: $('broken'),
  brokenText: $('broken-text'),
  brokenOff: $<HTMLButtonElement>('broken-off'),
  bugsSummary: $('bugs-summary'),
  toursButton: $<HTMLButtonElement>('tours-button'),
  toursList: $('tours-list'),
  tourCard: $('tour-card'),
  legendCard: $<HTMLDetailsElement>('legend-card'),
  tourTitle: $('tour-title'),
  tourProgress: $('tour-progress'),
  tourCaption: $('tour-caption'),
  tourState: $('tour-state'),
  tourSteps: $('tour-steps'),
  tourBack: $<HTMLButtonElement>('tour-back'),
  tourContinue: $<HTMLButtonElement>('tour-continue'),
  status: $('status'),
  feed: $('feed'),
  notices: $('notices'),
  hint: $('hint'),
  canvasFocus: $('canvas-focus'),
  storyCard: $('story-card'),
  storyName: $('story-name'),
  storyState: $('story-state'),
  storyLine: $('story-line'),
  menu: $('node-menu'),
  menuTitle: $('node-title'),
  menuForm: $<HTMLFormElement>('node-form'),
  menuCommand: $<HTMLInputElement>('node-command'),
  menuError: $('node-error'),
  menuHint: $('node-hint'),
  menuTimeout: $<HTMLButtonElement>('node-timeout'),
  menuCrash: $<HTMLButtonElement>('node-crash'),
  menuRemove: $<HTMLButtonElement>('node-remove'),
  menuLead: $<HTMLButtonElement>('node-lead'),
  menuSnapshot: $<HTMLButtonElement>('node-snapshot'),
  menuFreeze: $<HTMLButtonElement>('node-freeze'),
  menuRead: $<HTMLButtonElement>('node-read'),
  menuSend: $('node-form').querySelector<HTMLButtonElement>('button[type=submit]')!,
  addServer: $<HTMLButtonElement>('add-server'),
  settings: $<HTMLDialogElement>('settings-dialog'),
  settingsForm: $<HTMLFormElement>('settings-form'),
  settingsError: $('settings-error'),
  scenario: $<HTMLDialogElement>('scenario-dialog'),
  scenarioText: $<HTMLTextAreaElement>('scenario-text'),
  scenarioError: $('scenario-error'),
  help: $<HTMLDialogElement>('help-dialog'),
  nodeState: $('node-state'),
  msg: $('msg-panel'),
  msgTitle: $('msg-title'),
  msgWhy: $('msg-why'),
  msgFields: $('msg-fields'),
  msgHold: $<HTMLButtonElement>('msg-hold'),
  msgError: $('msg-error'),
  timeline: $('timeline'),
  timelineToggle: $<HTMLButtonElement>('timeline-toggle'),
  stepBack: $<HTMLButtonElement>('step-back'),
  stepEvent: $<HTMLButtonElement>('step-event'),
  stepWords: $('step-words'),
  marks: $<HTMLCanvasElement>('marks'),
  scrub: $<HTMLInputElement>('scrub'),
  scrubTime: $<HTMLCanvasElement>('scrub-time'),
  scrubText: $('scrub-text'),
  branch: $<HTMLSelectElement>('branch'),
  safety: $<HTMLButtonElement>('safety'),
  safetyDialog: $<HTMLDialogElement>('safety-dialog'),
  safetySummary: $('safety-summary'),
  safetyList: $('safety-list'),
  bugs: $('bugs'),
};

let raft: RiverRaft;
/** Reads the feed and the tour's captions to screen readers (web/look.ts). */
const announcer = new Announcer($('announce'));
/** The tour step whose caption was last read out. */
let captionSpoken = '';
/** The Election lab panel (web/lab.ts), once the handle exists. */
let lab: ReturnType<typeof setupLab> | undefined;
/** The wasm heap (it grows, never shrinks). */
let memory: WebAssembly.Memory;
let menuNode: string | null = null;

/** Shows a notice over the status line. One that answers a click (`fadeMs`: a refusal, "Link
 * copied") leaves by itself after that long, later while the pointer or keyboard is on it, so
 * the status line it covers comes back; notices about the address, a link or an error stay
 * until dismissed. The same words again replace the older notice instead of stacking. */
function notice(text: string, kind: 'warn' | 'error' | 'info' = 'warn', fadeMs = 0): void {
  for (const old of ui.notices.querySelectorAll('.notice')) if (old.firstChild?.textContent === text) old.remove();
  const item = document.createElement('div');
  item.className = `notice ${kind}`;
  const words = document.createElement('span');
  words.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'icon small';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '×';
  close.addEventListener('click', () => item.remove());
  item.append(words, close);
  ui.notices.append(item);
  if (fadeMs > 0) {
    const leave = (): void => { if (item.matches(':hover, :focus-within')) setTimeout(leave, 2000); else item.remove(); };
    setTimeout(leave, fadeMs);
  }
}

/** How long a notice answering a click stays: time to read two lines twice. */
const CLICK_NOTICE_MS = 12_000;

/** A click's refusal, as a notice that leaves by itself. */
function refused(refusal: string): void {
  if (refusal) notice(refusal, 'warn', CLICK_NOTICE_MS);
}

/** Does an action; returns why not when refused, '' when done. */
function attempt(action: Action): string {
  try {
    raft.apply(action);
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

function appendFeed(lines: FeedLine[]): void {
  if (!lines.length) return;
  // A 'run' line begins a new cluster: the feed tells only the run on screen.
  const fresh = lines.map((line) => line.kind).lastIndexOf('run');
  if (fresh >= 0) {
    ui.feed.replaceChildren();
    lines = lines.slice(fresh);
  }
  const fragment = document.createDocumentFragment();
  for (const line of lines.slice(-MAX_FEED_ITEMS)) {
    const li = document.createElement('li');
    li.className = `kind-${/^[a-z]+$/.test(line.kind) ? line.kind : 'story'}`;
    const t = document.createElement('time');
    t.textContent = seconds(line.timeMs);
    const words = document.createElement('span');
    words.textContent = line.text;
    li.append(t, words);
    fragment.prepend(li);
  }
  ui.feed.prepend(fragment);
  while (ui.feed.childElementCount > MAX_FEED_ITEMS) ui.feed.lastElementChild?.remove();
  announcer.feed(lines.map((line) => line.text));
}

function syncControls(): void {
  const isPaused = paused();
  ui.play.textContent = isPaused ? '▶ Play' : '❚❚ Pause';
  ui.play.setAttribute('aria-pressed', String(!isPaused));
  const controls = raft.controls() as Controls;
  const speed = controls.speed;
  let stop = 0;
  SPEEDS.forEach((d, k) => { if (Math.abs(1 / d - speed) < Math.abs(1 / SPEEDS[stop] - speed)) stop = k; });
  ui.speed.value = String(stop);
  ui.speedLabel.textContent = controls.speedLabel;
}

function syncSettings(): void {
  const settings = raft.settings() as Record<string, string>;
  const controls = raft.controls() as Controls;
  ui.nodes.value = settings.nodes;
  if (document.activeElement !== ui.seed) ui.seed.value = settings.seed;
  for (const el of Array.from(ui.settingsForm.elements)) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement) || !(el.name in settings)) continue;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = settings[el.name] === 'on';
    else if (document.activeElement !== el) el.value = settings[el.name];
  }
  syncSplit(controls);
  ui.menuCommand.maxLength = controls.maxCommandBytes;
}

/** The Split button names the split it makes, of every server started: a server added
 * makes it another (it said A B | C D E of six servers, and split A B C | D E F). */
function syncSplit(controls: Controls): void {
  ui.split.textContent = `Split ${controls.partition.split('').join(' ')}`;
  ui.split.disabled = controls.partition.startsWith('|');
}

function syncStory(): void {
  const story = raft.scenario() as Story;
  ui.storyCard.hidden = story.state === 'none';
  ui.storyName.textContent = story.name ? `“${story.name}”` : '';
  ui.storyCard.dataset.state = story.state;
  const words: Record<Story['state'], string> = {
    none: '',
    playing: 'Playing…',
    finished: 'Finished: every expectation held.',
    failed: `Stopped at ${story.error ?? 'an error'}`,
  };
  ui.storyState.textContent = words[story.state];
  ui.storyLine.textContent = story.state === 'playing' && story.line !== null ? `Line ${story.line}: ${story.text ?? ''}` : '';
}

/** The tour's caption panel: title, progress, caption, state, the step list. */
let tourSteps = '';
let touringShown = false;
function syncTour(): void {
  const tour = raft.tour() as Tour;
  const on = tour.state !== 'none';
  ui.tourCard.hidden = !on;
  document.body.classList.toggle('touring', on);
  // The legend folds while a tour runs (its captions say what the marks are), so that the
  // feed stays in the window under the caption; it opens again when the tour ends.
  if (on !== touringShown) {
    touringShown = on;
    ui.legendCard.open = !on;
  }
  // A tour speaks in its caption panel; the scenario card would repeat it as script lines.
  if (on) ui.storyCard.hidden = true;
  if (!on) { tourSteps = ''; return; }
  ui.tourCard.dataset.state = tour.state;
  ui.tourTitle.textContent = `Tour: ${tour.title ?? ''}`;
  ui.tourProgress.textContent = `Step ${tour.step} of ${tour.steps.length}`;
  ui.tourCaption.textContent = tour.caption ?? '';
  const spoken = `${tour.name}:${tour.step}:${tour.caption ?? ''}`;
  if (tour.caption && spoken !== captionSpoken) announcer.say(`${ui.tourProgress.textContent}: ${tour.caption}`);
  captionSpoken = spoken;
  const words: Record<Tour['state'], string> = {
    none: '',
    playing: 'Watch: this step is running…',
    waiting: 'Paused here: press Continue for the next step.',
    finished: 'The end of the tour. Explore on your own, or choose another tour.',
    failed: `This tour stopped: ${tour.error ?? 'an error'}`,
  };
  ui.tourState.textContent = words[tour.state];
  ui.tourBack.disabled = tour.step <= 1 && tour.state === 'playing';
  ui.tourContinue.disabled = tour.step >= tour.steps.length;
  const key = `${tour.name}:${tour.steps.length}`;
  if (key !== tourSteps) {
    tourSteps = key;
    ui.tourSteps.replaceChildren(...tour.steps.map((caption, k) => {
      const li = document.createElement('li');
      const open = document.createElement('button');
      open.type = 'button';
      open.textContent = caption;
      open.title = caption;
      open.addEventListener('click', () => openTour(tour.name ?? '', k + 1));
      li.append(open);
      return li;
    }));
  }
  Array.from(ui.tourSteps.children).forEach((li, k) => li.classList.toggle('current', k + 1 === tour.step));
}

/** Opens step `step` of tour `name` from the page; a refusal becomes a notice. */
function openTour(name: string, step: number): void {
  const refusal = attempt({ do: 'tour', name, step });
  refused(refusal);
  syncAll();
}

function tourMove(kind: 'tour-continue' | 'tour-back'): void {
  const refusal = attempt({ do: kind });
  refused(refusal);
  syncAll();
}

const tours = dropdown(ui.toursButton, ui.toursList);
const closeTours = tours.close;

function fillTours(): void {
  const listed = RiverRaft.tours() as { name: string; title: string }[];
  ui.toursList.replaceChildren(...listed.map((t, k) => {
    const item = document.createElement('button');
    item.type = 'button';
    item.setAttribute('role', 'menuitem');
    item.dataset.tour = t.name;
    item.textContent = `${k + 1}. ${t.title}`;
    item.addEventListener('click', () => { closeTours(); openTour(t.name, 1); });
    return item;
  }));
}

/** The broken-Raft banner: shown while a broken variant runs or a read came back stale, with a way to switch the variant off when one runs. */
let brokenShown = '';
function syncBroken(): void {
  const controls = raft.controls() as Controls;
  const text = controls.brokenText;
  if (text === brokenShown) return;
  brokenShown = text;
  ui.broken.hidden = !text;
  ui.brokenText.textContent = text;
  ui.brokenOff.textContent = controls.brokenOff;
  ui.brokenOff.hidden = !controls.brokenOff;
  // The banner covers the drawing's foot: the layout is told the height above it.
  resize();
}

function sync(bits: number): void {
  if (bits & FEED) appendFeed(raft.takeFeed() as FeedLine[]);
  if (bits & STATUS) {
    const controls = raft.controls() as Controls;
    ui.status.textContent = controls.status;
    syncSplit(controls);
  }
  if (bits & STORY) { syncStory(); syncTour(); }
  if (bits & SETTINGS) { syncSettings(); closeMenu(); }
  if (bits & CONTROLS) syncControls();
  if (menuNode && bits & (FEED | STATUS)) fillMenu(menuNode);
  if (bits & TIMELINE) syncTimeline();
  else if (bits & CLOCK) syncClock();
  if (bits & (STATUS | SETTINGS | STORY)) syncBugs();
  if (bits & (FEED | STATUS | SETTINGS | STORY)) refreshFocus();
  if (bits & LAB) lab?.sync();
}

/** After any action: show everything that may have changed. */
function syncAll(): void {
  sync(FEED | STATUS | STORY | CONTROLS);
  syncTimeline();
}

// ----- the node menu -----

function fillMenu(id: string): boolean {
  let info: NodeInfo;
  try { info = raft.node(id) as NodeInfo; } catch { return false; }
  ui.menuTitle.textContent = info.title;
  ui.menuHint.textContent = info.hint;
  ui.menuCrash.textContent = info.alive ? 'Crash' : 'Restart';
  ui.menuFreeze.textContent = info.frozen ? 'Thaw' : 'Freeze';
  const why = info.refused;
  ui.menuCommand.disabled = why.send !== null;
  refuse(ui.menuSend, why.send);
  refuse(ui.menuRead, why.send);
  refuse(ui.menuCrash, why.crash);
  refuse(ui.menuFreeze, why.freeze);
  refuse(ui.menuTimeout, why.timeout);
  refuse(ui.menuLead, why.lead);
  refuse(ui.menuSnapshot, why.snapshot);
  refuse(ui.menuRemove, why.remove);
  fillNodeState(info);
  if (!ui.menu.hidden) keepMenuInside();
  return true;
}

/** Disables a menu button whose action would be refused (Rust says why, from the rules
 * that refuse the action); the reason is its tooltip and its description while disabled. */
function refuse(button: HTMLButtonElement, why: string | null): void {
  button.dataset.title ??= button.title;
  button.disabled = why !== null;
  button.title = why ?? button.dataset.title;
  if (why === null) button.removeAttribute('aria-description');
  else button.setAttribute('aria-description', why);
}

/** Opens node `id`'s menu; `typeHere` puts the cursor in its change box (a click does;
 * the keyboard's 1–9 do not, so T and C act on the node next). */
function openMenu(id: string, typeHere = true): void {
  if (!fillMenu(id)) return;
  menuNode = id;
  raft.apply({ do: 'select', node: id });
  ui.menuError.textContent = '';
  ui.menuCommand.value = (raft.controls() as Controls).suggestion;
  labelRead();
  ui.menu.hidden = false;
  placeMenu(id);
  if (typeHere && !ui.menuCommand.disabled) {
    ui.menuCommand.focus();
    ui.menuCommand.select();
  }
}

/** Puts the node menu beside its node inside the ring area, so it never covers the Logs
 * panel: right of the node, else left, below or above, whichever covers the node least. */
function placeMenu(id: string): void {
  const node = (raft.state() as State).nodes.find((n) => n.id === id);
  const mw = ui.menu.offsetWidth, mh = ui.menu.offsetHeight;
  const [w, h] = menuArea(mw, mh);
  const nx = node?.x ?? w / 2, ny = node?.y ?? h / 2, r = 44;
  const fit = ([x, y]: number[]) => [Math.max(8, Math.min(x, w - mw - 8)), Math.max(8, Math.min(y, h - mh - 8))];
  const covers = ([x, y]: number[]) =>
    Math.max(0, Math.min(x + mw, nx + r) - Math.max(x, nx - r)) * Math.max(0, Math.min(y + mh, ny + r) - Math.max(y, ny - r));
  const places = [[nx + r, ny - 40], [nx - r - mw, ny - 40], [nx - mw / 2, ny + r], [nx - mw / 2, ny - r - mh]].map(fit);
  const best = places.reduce((a, b) => (covers(b) < covers(a) ? b : a));
  ui.menu.style.left = `${best[0]}px`;
  ui.menu.style.top = `${best[1]}px`;
}

/** Where a menu of `mw`×`mh` stays: the ring area, the box's top-left part (the overlay
 * canvas); the whole box if it is too small for the menu. */
function menuArea(mw: number, mh: number): [number, number] {
  const c = raft.controls() as Controls;
  return [c.overlayWidth >= mw + 16 ? c.overlayWidth : box.clientWidth, c.overlayHeight >= mh + 16 ? c.overlayHeight : box.clientHeight];
}

/** An open menu that grew (Freeze gives a leader's menu a longer hint; a refusal adds a
 * line) moves up as far as it must to stay whole: the box cut its foot off, Remove from
 * cluster with it, at 1280×800. */
function keepMenuInside(): void {
  const mh = ui.menu.offsetHeight;
  const [, h] = menuArea(ui.menu.offsetWidth, mh);
  if (ui.menu.offsetTop + mh > h - 8) ui.menu.style.top = `${Math.max(8, h - mh - 8)}px`;
}

function closeMenu(): void {
  if (menuNode === null) return;
  menuNode = null;
  ui.menu.hidden = true;
  raft.apply({ do: 'select', node: '' });
  if (ui.menu.contains(document.activeElement)) canvas.focus();
}

ui.menuForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!menuNode) return;
  const refusal = attempt({ do: 'propose', node: menuNode, command: ui.menuCommand.value });
  ui.menuError.textContent = refusal;
  syncAll();
  if (!refusal) closeMenu();
});
/** The key the Read button reads: what the change box names before any '=' ("x" for x=1). */
function keyToRead(): string {
  return ui.menuCommand.value.split('=')[0].trim().replace(/^get\s+/, '') || 'x';
}
function labelRead(): void { ui.menuRead.textContent = `Read ${keyToRead()}`; }
ui.menuCommand.addEventListener('input', labelRead);
ui.menuRead.addEventListener('click', () => {
  if (!menuNode) return;
  const refusal = attempt({ do: 'read', node: menuNode, key: keyToRead() });
  ui.menuError.textContent = refusal;
  syncAll();
  if (!refusal) closeMenu();
});
ui.menuCrash.addEventListener('click', () => {
  if (!menuNode) return;
  const info = raft.node(menuNode) as NodeInfo;
  ui.menuError.textContent = attempt({ do: info.alive ? 'crash' : 'restart', node: menuNode });
  syncAll();
  fillMenu(menuNode);
});
ui.menuFreeze.addEventListener('click', () => {
  if (!menuNode) return;
  const info = raft.node(menuNode) as NodeInfo;
  ui.menuError.textContent = attempt({ do: info.frozen ? 'thaw' : 'freeze', node: menuNode });
  syncAll();
  fillMenu(menuNode);
});
ui.menuTimeout.addEventListener('click', () => {
  if (!menuNode) return;
  ui.menuError.textContent = attempt({ do: 'timeout', node: menuNode });
  syncAll();
  fillMenu(menuNode);
});
ui.menuLead.addEventListener('click', () => {
  if (!menuNode) return;
  ui.menuError.textContent = attempt({ do: 'make-leader', node: menuNode });
  syncAll();
  fillMenu(menuNode);
});
ui.menuSnapshot.addEventListener('click', () => {
  if (!menuNode) return;
  ui.menuError.textContent = attempt({ do: 'snapshot', node: menuNode });
  syncAll();
  fillMenu(menuNode);
});
ui.menuRemove.addEventListener('click', () => {
  if (!menuNode) return;
  ui.menuError.textContent = attempt({ do: 'remove-server', node: menuNode });
  syncAll();
  fillMenu(menuNode);
});
$('node-close').addEventListener('click', closeMenu);

// ----- the canvas -----

function pointer(event: MouseEvent): [number, number] {
  const rect = canvas.getBoundingClientRect();
  return [event.clientX - rect.left, event.clientY - rect.top];
}

canvas.addEventListener('pointermove', (event) => {
  const [x, y] = pointer(event);
  const hint = raft.pointer(x, y, 0);
  canvas.style.cursor = hint ? 'pointer' : '';
  ui.hint.textContent = hint;
  ui.hint.classList.toggle('shown', hint !== '');
});
canvas.addEventListener('pointerleave', () => {
  raft.pointer(0, 0, 3);
  ui.hint.classList.remove('shown');
});
canvas.addEventListener('click', (event) => {
  const [x, y] = pointer(event);
  const hit = raft.pointer(x, y, event.shiftKey ? 2 : 1);
  took(hit);
  if (hit === 'link') ui.hint.textContent = raft.pointer(x, y, 0);
});

/** Follows up what a click or Enter took: a node letter opens its menu, `message N` that
 * message's inspector (from the keyboard, with the keyboard in it), a link was cut or
 * restored, nothing closes what was open. */
function took(hit: string, keyboard = false): void {
  if (hit === '') { closeMenu(); closeMessage(); }
  else if (hit === 'link') { closeMenu(); syncAll(); }
  else if (hit.startsWith('message ')) { closeMenu(); openMessage(Number(hit.slice(8)), keyboard); }
  else openMenu(hit);
}

// The keyboard on the canvas (Rust decides where the focus ring goes): arrows move it
// between servers and links, Enter takes what it is on; other keys go on to the shortcuts.
/** What the hint says of the ring, and what Rust said of it then (a key's words may add a
 * one-off "Paused."): the words are said again only when the latter changes. */
let focusShown = '', focusSaid = '';
function showFocus(words: string): void {
  focusShown = words;
  focusSaid = (raft.controls() as Controls).focus;
  ui.hint.textContent = words;
  ui.hint.classList.toggle('shown', words !== '');
  ui.canvasFocus.textContent = words;
}
/** The ring's words again as the run moves on under it (a server removed, a new term, a
 * fresh run): they replace the words said before, unless the pointer's are showing. */
function refreshFocus(): void {
  if (document.activeElement !== canvas) return;
  const words = (raft.controls() as Controls).focus;
  if (words === focusSaid) return;
  if (ui.hint.textContent === focusShown) showFocus(words);
  else { focusShown = focusSaid = words; ui.canvasFocus.textContent = words; }
}
canvas.addEventListener('focus', () => showFocus(raft.key('focus', false) ?? ''));
canvas.addEventListener('blur', () => { raft.key('blur', false); focusShown = focusSaid = ''; ui.hint.classList.remove('shown'); });
canvas.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const said = raft.key(event.key, event.shiftKey);
  if (said === undefined) return;
  event.preventDefault();
  event.stopPropagation();
  if (event.key !== 'Enter') { showFocus(said); return; }
  took(said, true);
  if (said === 'link') showFocus(raft.key('focus', false) ?? '');
});

/** The drawing's height: the box's, or, while the broken-Raft banner lies over the box's
 * foot, what is above it, so that Rust lays every server out where it is seen (it covered
 * the lowest servers at 1280×800). The canvas is made that tall; the banner keeps its place. */
function drawingHeight(): number {
  const h = box.clientHeight;
  const covered = ui.broken.hidden ? 0 : h - ui.broken.offsetTop + 6;
  canvas.style.height = covered > 0 ? `${h - covered}px` : '';
  return Math.max(1, h - covered);
}

function resize(): void {
  const w = box.clientWidth, h = drawingHeight();
  if (w <= 0 || box.clientHeight <= 0) return;
  raft.resize(w, h, window.devicePixelRatio || 1);
  fitOverlay();
}

/** The overlay canvas covers the ring area (top-left), whose size Rust decides; so does the
 * hint box's place, clear of every server and link. */
function fitOverlay(): void {
  const c = raft.controls() as Controls;
  overlay.style.width = `${c.overlayWidth}px`;
  overlay.style.height = `${c.overlayHeight}px`;
  const [x, y, w, h] = c.words;
  Object.assign(ui.hint.style, { left: `${x}px`, top: `${y}px`, maxWidth: `${w}px`, maxHeight: `${h}px` });
}

// ----- the toolbar -----

function togglePlay(): void {
  raft.apply({ do: paused() ? 'play' : 'pause' });
  syncControls();
}

function setSpeedStop(stop: number): void {
  const k = Math.max(0, Math.min(SPEEDS.length - 1, stop));
  raft.apply({ do: 'speed', speed: 1 / SPEEDS[k] });
  syncControls();
}

function setting(name: string, value: string, errorBox: HTMLElement): void {
  const refusal = attempt({ do: 'set', name, value });
  errorBox.textContent = refusal;
  if (refusal) syncSettings();
  syncAll();
}


ui.play.addEventListener('click', togglePlay);
ui.step.addEventListener('click', () => { raft.apply({ do: 'step' }); syncAll(); });
ui.speed.addEventListener('input', () => setSpeedStop(Number(ui.speed.value)));
ui.nodes.addEventListener('change', () => setting('nodes', ui.nodes.value, ui.settingsError));
ui.seed.addEventListener('change', () => {
  const refusal = attempt({ do: 'set', name: 'seed', value: ui.seed.value });
  if (refusal) { refused(refusal); syncSettings(); }
  syncAll();
});
ui.seed.addEventListener('keydown', (event) => { if (event.key === 'Enter') ui.seed.blur(); });
ui.restart.addEventListener('click', () => { raft.apply({ do: 'restart-run' }); syncAll(); });
ui.split.addEventListener('click', () => { raft.apply({ do: 'partition', groups: (raft.controls() as Controls).partition }); syncAll(); });
ui.heal.addEventListener('click', () => { raft.apply({ do: 'heal-all' }); syncAll(); });
ui.addServer.addEventListener('click', () => {
  const refusal = attempt({ do: 'add-server' });
  refused(refusal);
  syncAll();
});
ui.brokenOff.addEventListener('click', () => {
  const hadFocus = document.activeElement === ui.brokenOff;
  for (const name of (raft.controls() as Controls).broken) attempt({ do: 'bug', name, on: false });
  syncAll();
  syncBugs();
  // The banner goes with its button: the keyboard goes on from where bugs are switched.
  if (hadFocus) ui.bugsSummary.focus();
});
ui.tourContinue.addEventListener('click', () => tourMove('tour-continue'));
ui.tourBack.addEventListener('click', () => tourMove('tour-back'));
$('tour-end').addEventListener('click', () => { raft.apply({ do: 'stop-story' }); syncAll(); });
$('story-stop').addEventListener('click', () => { raft.apply({ do: 'stop-story' }); syncAll(); });

$('settings-button').addEventListener('click', () => {
  syncSettings();
  ui.settingsError.textContent = '';
  if (ui.settings.open) ui.settings.close(); else openDialog(ui.settings, false);
});
ui.settingsForm.addEventListener('change', (event) => {
  const el = event.target;
  if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement) || !el.name) return;
  setting(el.name, el instanceof HTMLInputElement && el.type === 'checkbox' ? (el.checked ? 'on' : 'off') : el.value, ui.settingsError);
});

$('scenario-button').addEventListener('click', () => {
  if (!ui.scenarioText.value) ui.scenarioText.value = RiverRaft.builtIn('partition') ?? '';
  ui.scenarioError.textContent = '';
  openDialog(ui.scenario);
});
$('scenario-reset').addEventListener('click', () => {
  ui.scenarioText.value = RiverRaft.builtIn('partition') ?? '';
  ui.scenarioError.textContent = '';
});
$('scenario-run').addEventListener('click', () => {
  const refusal = attempt({ do: 'load', text: ui.scenarioText.value, name: 'your scenario' });
  ui.scenarioError.textContent = refusal ? `Not played: ${refusal}` : '';
  if (!refusal) { raft.apply({ do: 'play' }); ui.scenario.close(); }
  syncAll();
});
$('help-button').addEventListener('click', () => openDialog(ui.help));

// The toolbar's groups are divided by a line on their left; a group that starts a new line of
// the wrapped toolbar hides it (it stood alone at the left edge). Only a colour changes, so no
// size does and the observer is not called again.
const toolbarGroups = [...document.querySelectorAll<HTMLElement>('.toolbar > .group')];
function markLineStarts(): void {
  toolbarGroups.forEach((group, k) => {
    const before = toolbarGroups[k - 1];
    group.classList.toggle('line-start', before !== undefined && group.offsetTop >= before.offsetTop + before.offsetHeight);
  });
}
const lineStarts = new ResizeObserver(markLineStarts);
for (const box of [document.querySelector('.toolbar'), ...toolbarGroups]) if (box) lineStarts.observe(box);

// The first visit's hint points at the help; once dismissed (or the help opened) it stays away.
const HINT_SEEN = 'river-raft-hint-seen';
function hintSeen(): void {
  $('first-hint').hidden = true;
  try { localStorage.setItem(HINT_SEEN, '1'); } catch { /* storage may be off: the hint just comes back */ }
}
try { $('first-hint').hidden = localStorage.getItem(HINT_SEEN) === '1'; } catch { $('first-hint').hidden = false; }
$('first-hint-close').addEventListener('click', hintSeen);
$('first-hint-open').addEventListener('click', () => { hintSeen(); openDialog(ui.help); });
ui.help.addEventListener('close', hintSeen);

// ----- keyboard -----

// The popovers and the settings panel keep Tab inside while open (Escape closes them and
// gives the keyboard back).
for (const box of [ui.menu, ui.msg, ui.settings]) holdTab(box);

/** Whether keys typed now are text: in a text field, a list, a modal dialog. Anywhere else
 * (a button, a checkbox, the slider, the page) the shortcuts work, and Space never scrolls
 * or presses the focused button: it plays and pauses. */
function typing(target: HTMLElement): boolean {
  if (target.isContentEditable || target.closest('textarea, select, dialog[open]')) return true;
  return target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'range', 'submit', 'reset'].includes(target.type);
}

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') { closeMenu(); closeMessage(); closeTours(); shareMenu.close(); ui.settings.close(); return; }
  const target = event.target as HTMLElement;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (typing(target)) return;
  const key = event.key;
  // A focused slider keeps its arrow keys.
  if (target instanceof HTMLInputElement && key.startsWith('Arrow')) return;
  // A focused switch (Break Raft on purpose) keeps Space: it flips the switch.
  if (key === ' ' && target instanceof HTMLInputElement && target.type === 'checkbox') return;
  let handled = true;
  if (key === ' ') togglePlay();
  else if (/^[1-9]$/.test(key)) openMenu(String.fromCharCode(64 + Number(key)), false);
  else if ((key === 't' || key === 'T') && menuNode) ui.menuTimeout.click();
  else if ((key === 'c' || key === 'C') && menuNode) ui.menuCrash.click();
  else {
    const shortcut = shortcuts.find(([keys]) => keys.includes(key));
    handled = shortcut !== undefined && offered(shortcut[1]);
    if (handled) shortcut![2]();
  }
  if (handled) event.preventDefault();
});

/** The shortcuts that stand for a control: its keys, the control, what it does. Space (play
 * and pause), 1–9 (a server's menu: the drawing is there in every frame) and the menu's T
 * and C are not among them: they work wherever the page shows. */
const shortcuts: [string[], HTMLElement, () => void][] = [
  [['e', 'E'], ui.stepEvent, () => ui.stepEvent.click()],
  [['b', 'B', 'ArrowLeft'], ui.stepBack, () => ui.stepBack.click()],
  [['n', 'N', 'ArrowRight'], ui.step, () => { raft.apply({ do: 'step' }); syncAll(); }],
  [['+', '='], ui.speed, () => setSpeedStop(Number(ui.speed.value) + 1)],
  [['-', '_'], ui.speed, () => setSpeedStop(Number(ui.speed.value) - 1)],
  [['p', 'P'], ui.split, () => ui.split.click()],
  [['h', 'H'], ui.heal, () => ui.heal.click()],
  [['s', 'S'], ui.toursButton, () => tours.toggle()],
  [['r', 'R'], ui.restart, () => ui.restart.click()],
  [['?'], $('help-button'), () => openDialog(ui.help)],
];

/** Whether a shortcut may act through `control`: always on the page; in an embed only while
 * the control is shown, so that a key does not do what the frame offers no button for (R
 * restarted an embed with no bar, S opened a tours menu it does not show). */
function offered(control: HTMLElement): boolean {
  return !document.body.classList.contains('embed') || control.getClientRects().length > 0;
}

// ----- the public API -----

function paused(): boolean {
  return (raft.controls() as Controls).paused;
}

/** An API action: throws the refusal, and shows whatever changed. */
function act(action: Action): string | undefined {
  try { return raft.apply(action); } finally { syncAll(); }
}

/** The page's JavaScript API, for embedding and for the browser tests. */
const api = {
  /** Everything on screen, as plain data. */
  state: (): State => raft.state() as State,
  /** A user sends `command` to node `nodeId` ("A"…"I"). */
  propose(node: string, command: string): void { act({ do: 'propose', node: String(node), command: String(command) }); },
  /** A user reads `key` at node `node`: ReadIndex (a heartbeat round, no log entry) unless Settings say through the log; a follower forwards it to the leader. */
  read(node: string, key: string): void { act({ do: 'read', node: String(node), key: String(key) }); },
  /** Cuts the link a–b both ways, or only a → b when `oneWay`. */
  cut(a: string, b: string, oneWay = false): void { act({ do: 'cut', a: String(a), b: String(b), oneWay: Boolean(oneWay) }); },
  /** Restores the link a–b both ways. */
  heal(a: string, b: string): void { act({ do: 'heal', a: String(a), b: String(b) }); },
  /** Splits the cluster into groups that hear only each other: [["A","B"],["C","D","E"]] or "AB|CDE". */
  partition(groups: string[][] | string[] | string): void {
    const text = Array.isArray(groups) ? groups.map((g) => (Array.isArray(g) ? g.join('') : String(g))).join('|') : String(groups);
    act({ do: 'partition', groups: text });
  },
  /** Restores every link. */
  healAll(): void { act({ do: 'heal-all' }); },
  crash(id: string): void { act({ do: 'crash', node: String(id) }); },
  restart(id: string): void { act({ do: 'restart', node: String(id) }); },
  /** Freezes server `id` (stalled, not crashed: its timers and inbox wait); throws why not. */
  freeze(id: string): void { act({ do: 'freeze', node: String(id) }); },
  /** Thaws a frozen server: it carries on as if no time had passed; throws why not. */
  thaw(id: string): void { act({ do: 'thaw', node: String(id) }); },
  /** Fires the node's election timer now. */
  timeout(id: string): void { act({ do: 'timeout', node: String(id) }); },
  /** Starts the next server and asks the leader to add it (a learner until caught up); throws why a leader would refuse. */
  addServer(): void { act({ do: 'add-server' }); },
  /** Asks the leader to remove server `id` from the configuration; throws why it would refuse. */
  removeServer(id: string): void { act({ do: 'remove-server', node: String(id) }); },
  /** Asks the leader to hand its leadership to server `id` (TimeoutNow); throws why not. */
  transferLeadership(id: string): void { act({ do: 'make-leader', node: String(id) }); },
  /** Server `id` compacts its log now into a snapshot of its store; throws why not (down, nothing applied since its last snapshot). */
  snapshot(id: string): void { act({ do: 'snapshot', node: String(id) }); },
  /** Every setting by name, as the Settings dialog shows it ({ nodes: "5", "read-mode": "read-index", … }). */
  settings: (): Record<string, string> => raft.settings() as Record<string, string>,
  /** Changes one setting by its name in settings(); throws why a value is refused. */
  set(name: string, value: string): void { act({ do: 'set', name: String(name), value: String(value) }); },
  pause(): void { act({ do: 'pause' }); },
  play(): void { act({ do: 'play' }); },
  /** Simulated ms per real ms, from 0.001 to 1; returns the speed in use. */
  setSpeed(x: number): number { act({ do: 'speed', speed: Number(x) }); return (raft.controls() as Controls).speed; },
  /** Runs `ms` of simulated time at once, deterministically. */
  advance(ms: number): void { act({ do: 'advance', ms: Number(ms) }); },
  /** Pauses and runs to the next event. */
  step(): void { act({ do: 'step' }); },
  /** Loads scenario text and plays it on the cluster it describes; an error names its line. */
  load(text: string): void {
    const refusal = attempt({ do: 'load', text: String(text), name: 'loaded' });
    if (refusal) {
      ui.scenarioError.textContent = `Not played: ${refusal}`;
      notice(`The scenario was not played: ${refusal}`, 'error');
      syncAll();
      throw new Error(refusal);
    }
    syncAll();
  },
  /** Opens step `step` (from 1) of guided tour `name` (see tours()); throws why not. */
  tour(name: string, step = 1): void { act({ do: 'tour', name: String(name), step: Number(step) }); },
  /** The guided tours: [{ name, title }]. */
  tours: (): { name: string; title: string }[] => RiverRaft.tours() as { name: string; title: string }[],
  /** The tour playing: { name, title, step, steps, caption, state, error, shown }. */
  tourState: (): Tour => raft.tour() as Tour,
  /** Goes on to the tour's next step; throws at the last one. */
  continueTour(): void { act({ do: 'tour-continue' }); },
  /** Returns exactly to where the tour's previous step began, and plays it again. */
  backTour(): void { act({ do: 'tour-back' }); },
  /** The scenario's progress: { name, state, line, text, error }. */
  scenario: (): Story => raft.scenario() as Story,
  /** The WebAssembly heap's size in bytes (it grows, never shrinks): for memory budgets. */
  memoryBytes: (): number => memory.buffer.byteLength,
  /** Takes message `id` (see state().messages) off the wire: it is lost. */
  dropMessage(id: number): void { act({ do: 'message', id: Number(id), what: 'drop' }); },
  /** Puts a copy of message `id` on the wire. */
  duplicateMessage(id: number): void { act({ do: 'message', id: Number(id), what: 'duplicate' }); },
  /** Holds message `id` on the wire until released. */
  holdMessage(id: number): void { act({ do: 'message', id: Number(id), what: 'hold' }); },
  /** Releases held message `id`: it arrives after its link's delay from now. */
  releaseMessage(id: number): void { act({ do: 'message', id: Number(id), what: 'release' }); },
  /** Shows moment `timeMs` of this run, rebuilt exactly (at most the furthest reached). */
  seek(timeMs: number): void { act({ do: 'seek', ms: Number(timeMs) }); },
  /** Returns to kept future `k` (see timeline().branchEnds); the one left is kept. */
  switchBranch(k: number): void { act({ do: 'branch', k: Number(k) }); },
  /** Pauses and runs exactly one event; returns it in words. */
  stepEvent(): string {
    const words = act({ do: 'step-event' }) ?? '';
    ui.stepWords.textContent = words;
    return words;
  },
  /** The run's trace from its start to now as JSON lines, the format of `river run --trace`. */
  trace: (): string => raft.trace(),
  /** Pauses and goes back one event. */
  stepBack(): void { act({ do: 'step-back' }); },
  /** { startMs, endMs, nowMs, branches, checkpoints, branchEnds, marks: [{ timeMs, kind, term, color, text }] }. */
  timeline: (): Timeline => raft.timeline() as Timeline,
  /** The live checker: { ok, count, violations: [{ property, timeMs, text }] }. */
  safety: (): Safety => raft.safety() as Safety,
  /** How the canvas is drawn: { projector, reducedMotion, scale } (scale 1: a 520 px ring). */
  look(): { projector: boolean; reducedMotion: boolean; scale: number } {
    const c = raft.controls() as Controls;
    return { projector: c.projector, reducedMotion: c.reducedMotion, scale: c.scale };
  },
  /** The deliberately broken variants: [{ name, on, about }]. */
  bugs: (): BugInfo[] => raft.bugs() as BugInfo[],
  /** Switches a broken variant on or off (the cluster starts afresh). */
  setBug(name: string, on: boolean): void { act({ do: 'bug', name: String(name), on: Boolean(on) }); },
};

// ----- share links (issue 14): the journal in the address's # part -----

/** A link that reopens this run, paused at this moment. */
async function shareLink(): Promise<string> {
  return makeLink(raft.journal(), (raft.state() as State).digest);
}

/** Opens the run a link carries, paused where it was shared; a damaged or incompatible
 * link leaves a notice and a fresh run. Resolves to whether it opened. */
async function openLink(url: string): Promise<boolean> {
  try {
    const link = await readLink(url);
    if (!link) throw new Error('the link carries no run');
    raft.replay(link.journal);
    raft.apply({ do: 'pause' });
    const s = raft.state() as State;
    if (link.digest !== null && link.digest !== s.digest) {
      throw new Error(`the run went differently here (trace digest ${s.digest}, the link says ${link.digest})`);
    }
    const opened = `Opened a shared run: seed ${s.seed}, paused at ${(s.timeMs / 1000).toFixed(3)} s`;
    // A link cut short before its digest still opens, but nothing shows it went as shared.
    if (link.digest === null) notice(`${opened}. The link carries no trace digest, so whether it went exactly as it was shared could not be checked (its digest here: ${s.digest}).`, 'warn');
    else if (!document.body.classList.contains('embed')) notice(`${opened}, exactly as it was shared (trace digest ${s.digest}).`, 'info');
    return true;
  } catch (error) {
    raft.apply({ do: 'restart-run' });
    notice(`This share link could not be opened: ${error instanceof Error ? error.message : String(error)}. Showing a fresh run instead.`, 'error');
    return false;
  } finally {
    syncAll();
  }
}

/** The Share menu: a link to this moment, an embed snippet, a picture, the trace. */
const shareMenu = dropdown($<HTMLButtonElement>('share-menu'), $('share-list'));

/** A page opened from a file (river-raft.html, double-clicked) makes file:// links and
 * snippets: they open on this computer only, which a person mailing one to a class or
 * pasting one into documentation could not tell. */
const fromFile = location.protocol === 'file:';
const FILE_LINK = ' It points at this file on this computer: others need the page on a web server.';

ui.share.addEventListener('click', async () => {
  shareMenu.close();
  const link = await shareLink();
  const where = fromFile ? FILE_LINK : '';
  try {
    await navigator.clipboard.writeText(link);
    notice(`Link copied: it reopens this run paused at this moment.${where}`, 'info', CLICK_NOTICE_MS);
  } catch {
    // Only then does the address bar hold the moment: the one place left to copy it from.
    history.replaceState(null, '', link);
    notice(`This browser did not allow copying: the link is in the address bar, copy it from there.${where}`, 'info');
  }
});

// ----- the Embed dialog (issue 14): an iframe snippet for this run -----

/** An iframe snippet that shows this run, paused at this moment, embedded. */
async function embedSnippet(): Promise<string> {
  const link = await shareLink();
  const src = link.replace('#', '?embed#');
  const s = raft.state() as State;
  const title = `River Raft: a live Raft cluster of ${s.nodes.length} servers (seed ${s.seed})`;
  const attr = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${attr(src)}" width="640" height="400" title="${attr(title)}" loading="lazy"></iframe>`;
}

$('embed-button').addEventListener('click', async () => {
  shareMenu.close();
  $<HTMLTextAreaElement>('embed-code').value = await embedSnippet();
  $('embed-said').textContent = '';
  $('embed-file').hidden = !fromFile;
  openDialog($<HTMLDialogElement>('embed-dialog'));
  $<HTMLTextAreaElement>('embed-code').select();
});
$('embed-copy').addEventListener('click', async () => {
  const code = $<HTMLTextAreaElement>('embed-code');
  try {
    await navigator.clipboard.writeText(code.value);
    $('embed-said').textContent = 'Copied.';
  } catch {
    code.select();
    $('embed-said').textContent = 'Copying was not allowed: press Ctrl+C (⌘C).';
  }
});

// ----- take it with you (issue 14): a picture for a slide, the trace as JSON lines -----


/** Offers `blob` as a download named `name`. */
function download(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 30_000);
}

/** A file name for this moment of this run: its seed and simulated time. */
function fileStem(): string {
  const s = raft.state() as State;
  return `river-raft-seed-${s.seed}-at-${(s.timeMs / 1000).toFixed(3)}s`;
}

/** Resolves after the handle's loop has painted (two animation frames), or soon anyway
 * (a hidden tab has no frames). */
const painted = (): Promise<void> => new Promise((resolve) => {
  setTimeout(resolve, 500);
  requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
});

/** The drawing as it stands (the cluster, the messages on the wire, the logs) under the
 * status line, as a PNG at twice the screen's density at least, sharp on a slide. */
async function picture(): Promise<Blob> {
  const ratio = window.devicePixelRatio || 1;
  const sharp = Math.min(3, Math.max(2, ratio));
  const w = box.clientWidth, h = drawingHeight();
  raft.resize(w, h, sharp);
  try {
    await painted();
    const band = Math.round(48 * sharp);
    const out = document.createElement('canvas');
    out.width = canvas.width;
    out.height = canvas.height + band;
    const ctx = out.getContext('2d');
    if (!ctx) throw new Error('this browser has no 2D canvas');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, band);
    ctx.fillStyle = '#1e293b';
    ctx.font = `600 ${17 * sharp}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    ctx.fillText(ui.status.textContent ?? '', 16 * sharp, band / 2, out.width - 32 * sharp);
    ctx.drawImage(canvas, 0, band);
    ctx.drawImage(overlay, 0, band);
    return await new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the picture could not be encoded'))), 'image/png'));
  } finally {
    raft.resize(w, h, ratio);
  }
}

$('save-picture').addEventListener('click', async () => {
  shareMenu.close();
  try { download(await picture(), `${fileStem()}.png`); } catch (error) { notice(`No picture was saved: ${error instanceof Error ? error.message : String(error)}`); }
});
$('save-trace').addEventListener('click', () => {
  shareMenu.close();
  try { download(new Blob([raft.trace()], { type: 'application/x-ndjson' }), `${fileStem()}.jsonl`); } catch (error) { notice(`No trace was written: ${error instanceof Error ? error.message : String(error)}`); }
});

declare global {
  interface Window { riverRaft?: typeof api & ReturnType<typeof setupLab>['api'] & { shareLink: typeof shareLink; openLink: typeof openLink; embedSnippet: typeof embedSnippet; picture: typeof picture } }
}

// ----- the timeline and the safety badge -----

let timeline: Timeline = { startMs: 0, endMs: 0, nowMs: 0, branches: 0, checkpoints: 0, branchEnds: [], marks: [] };
let branchesShown = '';
let scrubbing = false;
/** The message whose inspector is open. */
let msgId: number | null = null;

/** Sets an element's text only when it differs: writing the same text still costs the page a
 * layout. */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** Redraws the whole strip (its time and marks, the range, the kept futures) and the safety
 * badge: after an action, and a few times a second while the run plays and something is
 * told (the handle's loop says when: TIMELINE; the clock alone is CLOCK, syncClock). */
function syncTimeline(): void {
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
  syncBroken();
}

/** The clock alone moved on (CLOCK, four times a second in a quiet stretch): the strip's
 * time and marks, on their desynchronized canvases, which reach the screen without a page
 * frame; the range only when its thumb would move a pixel (while the run is live it stays at
 * the end). A page frame (style, layout, paint, commit) for a changed text cost about 2.5 ms
 * each on the bench machine, 10 ms/s at the default speed against a 40 ms/s budget. */
function syncClock(): void {
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

// ----- the bugs panel -----

let bugsShown = '';
function syncBugs(): void {
  const bugs = raft.bugs() as BugInfo[];
  const shown = bugs.map((b) => `${b.name}:${b.on}`).join(' ');
  if (shown === bugsShown) return syncBroken();
  bugsShown = shown;
  // The switches are rebuilt: the one that had the keyboard keeps it.
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.bug;
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
    if (bug.name === focused) tick.focus();
  }
  syncBroken();
}
ui.bugs.addEventListener('change', (event) => {
  const el = event.target;
  if (!(el instanceof HTMLInputElement) || !el.dataset.bug) return;
  $('bugs-error').textContent = attempt({ do: 'bug', name: el.dataset.bug, on: el.checked });
  syncBugs();
  syncAll();
});
$('scenario-figure8').addEventListener('click', () => {
  $<HTMLTextAreaElement>('scenario-text').value = RiverRaft.builtIn('figure8') ?? '';
  $('scenario-error').textContent = '';
});

// ----- the message inspector -----

/** Opens message `id`'s inspector; `focus`: with the keyboard on its first button. */
function openMessage(id: number, focus = false): void {
  msgId = id;
  ui.msgError.textContent = '';
  fillMessage();
  ui.msg.hidden = false;
  const w = box.clientWidth, h = box.clientHeight;
  ui.msg.style.left = `${Math.max(8, w - ui.msg.offsetWidth - 12)}px`;
  ui.msg.style.top = `${Math.max(8, Math.min(12, h - ui.msg.offsetHeight - 8))}px`;
  if (focus) keepKeyboardInMessage();
}

/** Puts the keyboard on the inspector's first button that works (Close, once the message
 * has left the wire and its buttons are off). */
function keepKeyboardInMessage(): void {
  (ui.msg.querySelector<HTMLButtonElement>('.row button:not(:disabled)') ?? $('msg-close')).focus();
}

/** Shows the open message, or says it has left the wire. */
function fillMessage(): void {
  const messages = (raft.state() as State).messages;
  const m = messages.find((x) => x.id === msgId);
  const buttons = Array.from(ui.msg.querySelectorAll<HTMLButtonElement>('.row button'));
  for (const b of buttons) b.disabled = !m;
  if (!m) {
    ui.msgTitle.textContent = `Message ${msgId ?? ''}`;
    ui.msgWhy.textContent = raft.messageGone(msgId ?? -1);
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
  if (ui.msg.contains(document.activeElement)) canvas.focus();
}

function messageAction(verb: 'drop' | 'duplicate' | 'hold' | 'release'): void {
  if (msgId === null) return;
  const inside = ui.msg.contains(document.activeElement);
  ui.msgError.textContent = attempt({ do: 'message', id: msgId, what: verb });
  syncAll();
  // A dropped message's buttons go off: the keyboard stays in the inspector all the same.
  if (inside && (document.activeElement as HTMLButtonElement | null)?.disabled !== false) keepKeyboardInMessage();
}

$('msg-close').addEventListener('click', closeMessage);
$('msg-drop').addEventListener('click', () => messageAction('drop'));
$('msg-dup').addEventListener('click', () => messageAction('duplicate'));
ui.msgHold.addEventListener('click', () => messageAction(ui.msgHold.textContent === 'Release' ? 'release' : 'hold'));

// ----- the node inspector -----

/** A node's persistent state apart from its volatile state, in the node menu. */
function fillNodeState(info: NodeInfo): void {
  const rows: [string, string][] = [
    ['Persistent (survives a crash)', ''],
    ['currentTerm', String(info.persistent.term)],
    ['votedFor', info.persistent.votedFor ?? 'nobody'],
    ['log', `${info.persistent.logLength} entries, last term ${info.persistent.lastLogTerm}`],
    ['snapshot', info.persistent.snapshot ?? 'none'],
    ['Volatile (lost in a crash)', ''],
  ];
  const v = info.volatile;
  if (v) {
    rows.push(['role', v.role], ['commitIndex', String(v.commitIndex)], ['leader', v.leader ?? 'unknown']);
    if (v.role !== 'leader') rows.push(['election timer', `${v.timerElapsedMs} of ${v.timerTimeoutMs} ms`]);
    for (const p of info.progress) rows.push([`${p.peer}: next / match`, `${p.nextIndex} / ${p.matchIndex}`]);
  } else rows.push(['none', 'the server is down']);
  fillFields(ui.nodeState, rows);
}

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

ui.timelineToggle.addEventListener('click', () => {
  const collapsed = ui.timeline.classList.toggle('collapsed');
  ui.timelineToggle.setAttribute('aria-expanded', String(!collapsed));
  ui.timelineToggle.textContent = collapsed ? '▸' : '▾';
  if (!collapsed) syncTimeline();
});

// ----- start -----

let stopped = false;
// A failed internal check stops the wasm inside the handle's loop: say so once.
window.addEventListener('error', (event) => {
  if (stopped || !/unreachable|RuntimeError/.test(String(event.message))) return;
  stopped = true;
  notice(`The simulation stopped with an internal error: ${event.message}. Reload the page to start again.`, 'error');
});

async function start(): Promise<void> {
  ({ memory } = await init(await inlineWasm()));
  const w = Math.max(1, box.clientWidth), h = Math.max(1, box.clientHeight);
  // The overlay (messages, timers: repainted up to 30 times a second) is desynchronized
  // from the page's frames: its pixels reach the screen without a main-thread commit,
  // which was about 40% of the page's busy time. Rust's get_context returns this context.
  // The base canvas (text, logs; repainted only after events) stays in step with the page.
  overlay.getContext('2d', { desynchronized: true });
  raft = new RiverRaft(canvas, overlay, location.search, w, h, window.devicePixelRatio || 1);
  fitOverlay();
  // The projector view and reduced motion (web/look.ts): before the first frame.
  startLook(raft, $<HTMLButtonElement>('projector-button'), location.search);
  for (const text of raft.notices() as string[]) notice(text);
  new ResizeObserver(resize).observe(box);
  let media: MediaQueryList | null = null;
  const watchRatio = (): void => {
    media?.removeEventListener('change', watchRatio);
    media = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    media.addEventListener('change', watchRatio);
    resize();
  };
  watchRatio();
  fillTours();
  syncSettings();
  sync(FEED | STATUS | STORY | CONTROLS);
  // Embedding (issue 14; web/embed.ts). `?tour=` is the tours' own parameter: read there.
  const embed = readEmbed(location.search);
  for (const problem of embed.problems) notice(problem);
  const unread = unknownParameters(location.search);
  if (unread) notice(unread);
  if (embed.on) document.body.classList.add('embed', `controls-${embed.controls}`);
  // A tour the address opened is a scenario of its own that starts where its step begins:
  // `scenario=` and `t=` beside it would end it or be lost in its first pause, so say so.
  const touring = (raft.tour() as Tour).name;
  if (embed.scenario !== null) {
    const refusal = touring !== null ? `a tour is open (tour=${touring}), and a page plays one scenario at a time. Showing the tour.`
      : attempt({ do: 'play-built-in', name: embed.scenario });
    if (refusal) notice(`The address asks for scenario '${embed.scenario}': ${refusal}`);
  }
  const story = touring !== null ? `the tour '${touring}'`
    : (raft.scenario() as Story).name !== null ? `the scenario '${(raft.scenario() as Story).name}'` : null;
  if (story !== null) {
    const s = raft.state() as State;
    const ignored = overruled(location.search, story, s.seed, s.nodes.length);
    if (ignored) notice(ignored);
  }
  if (embed.speed !== null) attempt({ do: 'speed', speed: embed.speed });
  if (embed.startMs !== null) {
    const refusal = touring !== null ? `the tour '${touring}' opens where its step begins (choose the step with step=). Ignored`
      : attempt({ do: 'advance', ms: embed.startMs });
    if (refusal) notice(`The address asks for t=${embed.startMs / 1000}: ${refusal}.`);
  }
  pauseWhileUnseen(box, paused, () => act({ do: 'pause' }), () => act({ do: 'play' }));
  if (location.hash.includes('run=')) {
    await openLink(location.href);
    // The moment is open (or its notice says why not): the address lets go of it, so that
    // a reload after exploring starts afresh instead of jumping back, and the address bar
    // never offers a moment the page has moved on from. Share makes a new link any time.
    history.replaceState(history.state, '', location.href.replace(/#.*$/, ''));
  }
  lab = setupLab({
    raft: () => raft,
    openTrial: (range, trial) => act({ do: 'open-trial', range: Number(range), trial: Number(trial) }) ?? '',
    notice,
  });
  window.riverRaft = { ...api, ...lab.api, shareLink, openLink, embedSnippet, picture };
  syncTimeline();
  document.body.dataset.ready = 'true';
  // The handle runs the loop: animation frames while something moves, sleeps at slow
  // speeds, nothing while paused; it calls back with what changed.
  raft.start(sync);
}

start().catch((error: unknown) => notice(`River Raft could not start: ${String(error)}`, 'error'));
