// How the page is shown (issue 14 §4), apart from what it shows: the projector view (a
// toggle, and ?projector, which composes with ?embed) and reduced motion (the system's
// prefers-reduced-motion). Rust draws the canvas in either look (river_view::look); here
// only the page's own type and colours change, through a class on <html>. And the
// announcer: one polite live region that reads the feed and the tour's captions to screen
// readers, rate limited and coalesced, never the whole feed.

/** The least time between two announcements. */
export const ANNOUNCE_EVERY_MS = 2000;
/** The most feed lines one announcement reads; earlier ones are counted, not read. */
export const ANNOUNCE_LINES = 2;

/** A feed line as a sentence, so a screen reader pauses between two. */
function sentence(line: string): string {
  return /[.!?:]$/.test(line) ? line : `${line}.`;
}

type Looks = { setLook(projector: boolean, reducedMotion: boolean): void };

/** Wires the projector toggle and the reduced-motion query to `raft`; `?projector` in
 * `search` starts in the projector view. Returns a function that sets the view. */
export function startLook(raft: Looks, toggle: HTMLButtonElement, search: string): (projector: boolean) => void {
  const motion = matchMedia('(prefers-reduced-motion: reduce)');
  let projector = new URLSearchParams(search).has('projector');
  const apply = (): void => {
    document.documentElement.classList.toggle('projector', projector);
    placeLegend(projector);
    toggle.setAttribute('aria-pressed', String(projector));
    raft.setLook(projector, motion.matches);
  };
  motion.addEventListener('change', apply);
  toggle.addEventListener('click', () => { projector = !projector; apply(); });
  apply();
  return (on) => { projector = on; apply(); };
}

/** The legend's place: a card in the side column, which stays in the window beside the
 * drawing (under the timeline it was below the fold at 1280×800); in the projector view,
 * under the timeline, where the page is the window's height with it and the side column
 * leaves the feed its room. */
function placeLegend(projector: boolean): void {
  const legend = document.querySelector('.legend');
  const card = document.getElementById('legend-card');
  const stage = document.querySelector('.stage');
  if (!legend || !card || !stage) return;
  if (projector) stage.append(legend);
  else card.append(legend);
  card.hidden = projector;
}

/** Reads the feed and the tour's captions to screen readers through `region` (a polite
 * live region): at most one announcement every ANNOUNCE_EVERY_MS; lines that arrive in
 * between are coalesced into the next one (the newest ANNOUNCE_LINES read, the rest
 * counted); a new caption replaces the lines waiting, since it says what the step is. */
export class Announcer {
  private lines: string[] = [];
  private caption: string | null = null;
  private lastMs = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private region: HTMLElement) {}

  /** New feed lines, oldest first. */
  feed(lines: string[]): void {
    if (!lines.length) return;
    this.lines.push(...lines);
    this.schedule();
  }

  /** A tour step's caption. */
  say(caption: string): void {
    this.caption = caption;
    this.lines = [];
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastMs + ANNOUNCE_EVERY_MS - performance.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = null;
    let text = '';
    if (this.caption !== null) {
      text = this.caption;
      this.caption = null;
    } else if (this.lines.length) {
      const skipped = this.lines.length - ANNOUNCE_LINES;
      text = (skipped > 0 ? `${skipped} more event${skipped === 1 ? '' : 's'}, then: ` : '') + this.lines.slice(-ANNOUNCE_LINES).map(sentence).join(' ');
      this.lines = [];
    }
    if (!text) return;
    this.region.textContent = text;
    this.lastMs = performance.now();
    if (this.caption !== null || this.lines.length) this.schedule();
  }
}
