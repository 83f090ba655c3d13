// The page shell: forwards DOM events to the wasm handle and shows the text it returns.
// It decides nothing about Raft: every word, position and colour comes from Rust. User text
// only ever reaches the page through textContent. The teaching tools (the timeline, one
// event forward and back, the message and node inspectors, the safety badge, the bugs panel)
// are part of the page from the first frame.
//
// This file starts the page and refreshes its parts when the handle's loop says what
// changed; the parts are modules of their own: shell.ts (the elements, the handle, notices),
// panels.ts, toolbar.ts, menu.ts, message.ts, canvas.ts, keys.ts, timeline.ts, api.ts and
// share-menu.ts. Only this file knows every part, so a part that acted asks it to refresh
// everything through shell.ts's syncAll.

import './style.css';
import init, { RiverRaft } from './pkg/river_wasm.js';
import type { Controls, FeedLine, State, Story, Tour } from './answers';
import { $ } from './dom';
import { inlineWasm } from './inline-wasm';
import { overruled, pauseWhileUnseen, readEmbed, showFocusedControl, unknownParameters } from './embed';
import { startLook } from './look';
import { setupLab } from './lab';
import { act, attempt, box, canvas, notice, overlay, paused, raft, setHandle, showAllWith, ui } from './shell';
import { appendFeed, fillTours, syncBugs, syncStory, syncTour } from './panels';
import { syncCluster, syncControls, syncSettings } from './toolbar';
import { closeMenu, fillMenu, menuNode } from './menu';
import { fitOverlay, refreshFocus, resize } from './canvas';
import './keys';
import { api } from './api';
import { embedSnippet, openLink, picture, shareLink } from './share-menu';
import { syncClock, syncTimeline } from './timeline';

/** Bits the handle's loop reports after a frame: which panels to refresh. */
const FEED = 1, STATUS = 2, STORY = 4, SETTINGS = 8, CONTROLS = 16, TIMELINE = 32, LAB = 64, CLOCK = 128;

/** The Election lab panel (web/lab.ts), once the handle exists. */
let lab: ReturnType<typeof setupLab> | undefined;

function sync(bits: number): void {
  // The controls' answer is asked for once a refresh, and only by one that shows some of
  // it: each part asked for its own, five times after a step with the canvas focused.
  let asked: Controls | undefined;
  const controls = (): Controls => (asked ??= raft.controls() as Controls);
  if (bits & FEED) appendFeed(raft.takeFeed() as FeedLine[]);
  if (bits & STATUS) {
    ui.status.textContent = controls().status;
    syncCluster(controls());
  }
  if (bits & STORY) { syncStory(); syncTour(); }
  if (bits & SETTINGS) { syncSettings(controls()); closeMenu(); }
  if (bits & CONTROLS) syncControls(controls());
  if (menuNode && bits & (FEED | STATUS)) fillMenu(menuNode);
  if (bits & TIMELINE) syncTimeline(controls());
  else if (bits & CLOCK) syncClock();
  if (bits & (STATUS | SETTINGS | STORY)) syncBugs(controls());
  if (bits & (FEED | STATUS | SETTINGS | STORY) && document.activeElement === canvas) refreshFocus(controls());
  if (bits & LAB) lab?.sync();
}

/** After any action: show everything that may have changed. */
function syncAll(): void {
  sync(FEED | STATUS | STORY | CONTROLS | TIMELINE);
}
showAllWith(syncAll);

declare global {
  interface Window { riverRaft?: typeof api & ReturnType<typeof setupLab>['api'] & { shareLink: typeof shareLink; openLink: typeof openLink; embedSnippet: typeof embedSnippet; picture: typeof picture } }
}

// ----- start -----

let stopped = false;
// A failed internal check stops the wasm inside the handle's loop: say so once.
window.addEventListener('error', (event) => {
  if (stopped || !/unreachable|RuntimeError/.test(String(event.message))) return;
  stopped = true;
  notice(`The simulation stopped with an internal error: ${event.message}. Reload the page to start again.`, 'error');
});

async function start(): Promise<void> {
  const { memory } = await init(await inlineWasm());
  const w = Math.max(1, box.clientWidth), h = Math.max(1, box.clientHeight);
  // The overlay (messages, timers: repainted up to 30 times a second) is desynchronized
  // from the page's frames: its pixels reach the screen without a main-thread commit,
  // which was about 40% of the page's busy time. Rust's get_context returns this context.
  // The base canvas (text, logs; repainted only after events) stays in step with the page.
  overlay.getContext('2d', { desynchronized: true });
  setHandle(new RiverRaft(canvas, overlay, location.search, w, h, window.devicePixelRatio || 1), memory);
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
  if (embed.on) {
    document.body.classList.add('embed', `controls-${embed.controls}`);
    showFocusedControl(document.querySelector('.toolbar')!);
  }
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
