// The panels beside the drawing: the feed, the scenario card, the tour's caption panel and
// the Tours menu, the broken-Raft banner and the Break Raft on purpose switches.

import { RiverRaft } from './pkg/river_wasm.js';
import type { BugInfo, Controls, FeedLine, Story, Tour } from './answers';
import { $ } from './dom';
import { dropdown } from './focus';
import { Announcer } from './look';
import { attempt, raft, refused, seconds, syncAll, ui } from './shell';
import { resize } from './canvas';

/** How many feed lines the page keeps. */
const MAX_FEED_ITEMS = 120;
/** Reads the feed and the tour's captions to screen readers (web/look.ts). */
const announcer = new Announcer($('announce'));
/** The tour step whose caption was last read out. */
let captionSpoken = '';

export function appendFeed(lines: FeedLine[]): void {
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

export function syncStory(): void {
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
export function syncTour(): void {
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

export const tours = dropdown(ui.toursButton, ui.toursList);
export const closeTours = tours.close;

export function fillTours(): void {
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

ui.tourContinue.addEventListener('click', () => tourMove('tour-continue'));
ui.tourBack.addEventListener('click', () => tourMove('tour-back'));
$('tour-end').addEventListener('click', () => { raft.apply({ do: 'stop-story' }); syncAll(); });
$('story-stop').addEventListener('click', () => { raft.apply({ do: 'stop-story' }); syncAll(); });

/** The broken-Raft banner: shown while a broken variant runs or a read came back stale, with a way to switch the variant off when one runs. */
let brokenShown = '';
export function syncBroken(controls: Controls): void {
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

ui.brokenOff.addEventListener('click', () => {
  const hadFocus = document.activeElement === ui.brokenOff;
  for (const name of (raft.controls() as Controls).broken) attempt({ do: 'bug', name, on: false });
  syncAll();
  syncBugs();
  // The banner goes with its button: the keyboard goes on from where bugs are switched.
  if (hadFocus) ui.bugsSummary.focus();
});

// ----- the bugs panel -----

let bugsShown = '';
export function syncBugs(controls = raft.controls() as Controls): void {
  const bugs = raft.bugs() as BugInfo[];
  const shown = bugs.map((b) => `${b.name}:${b.on}`).join(' ');
  if (shown === bugsShown) return syncBroken(controls);
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
  syncBroken(controls);
}
ui.bugs.addEventListener('change', (event) => {
  const el = event.target;
  if (!(el instanceof HTMLInputElement) || !el.dataset.bug) return;
  $('bugs-error').textContent = attempt({ do: 'bug', name: el.dataset.bug, on: el.checked });
  syncBugs();
  syncAll();
});
