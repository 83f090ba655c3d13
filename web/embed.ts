// Embedding in documentation (issue 14): `?embed` shows the canvas and a small bar only, and
// reads a few more address parameters (controls, scenario, speed, t). Every page pauses
// itself while it cannot be seen (scrolled out of view, its tab hidden) and plays again when
// seen, if it was playing: an embed nobody looks at costs next to nothing. Values are checked
// here only for their shape; Rust refuses what the run cannot do.

/** What the address asks of an embed; `problems` are sentences for notices. */
export type EmbedRequest = {
  on: boolean; controls: 'none' | 'min' | 'full';
  scenario: string | null; speed: number | null; startMs: number | null; problems: string[];
};

export function readEmbed(search: string): EmbedRequest {
  const q = new URLSearchParams(search);
  const request: EmbedRequest = { on: q.has('embed'), controls: 'min', scenario: null, speed: null, startMs: null, problems: [] };
  const controls = q.get('controls');
  if (controls !== null) {
    if (controls === 'none' || controls === 'min' || controls === 'full') request.controls = controls;
    else request.problems.push(`The address asks for controls='${controls}'; write none, min or full. Showing min.`);
  }
  request.scenario = q.get('scenario');
  const number = (key: string, unit: string, low: number, high: number): number | null => {
    const raw = q.get(key);
    if (raw === null) return null;
    const x = Number(raw);
    if (raw.trim() !== '' && Number.isFinite(x) && x >= low && x <= high) return x;
    request.problems.push(`The address asks for ${key}='${raw}', but ${key} is ${unit} from ${low} to ${high}. Ignored.`);
    return null;
  };
  request.speed = number('speed', 'simulated time per real time,', 0.001, 1);
  const seconds = number('t', 'a moment in seconds', 0, 3600);
  request.startMs = seconds === null ? null : Math.round(seconds * 1000);
  return request;
}

/** Pauses through `pause` while `target` is out of view or the tab is hidden, and calls
 * `play` when both are seen again, only if it was the one that paused. */
export function pauseWhileUnseen(target: Element, isPaused: () => boolean, pause: () => void, play: () => void): void {
  let inView = true;
  let pausedByUs = false;
  const update = (): void => {
    const seen = inView && document.visibilityState === 'visible';
    if (!seen && !isPaused()) { pause(); pausedByUs = true; }
    else if (seen && pausedByUs) { pausedByUs = false; if (isPaused()) play(); }
  };
  new IntersectionObserver((entries) => {
    inView = entries[entries.length - 1].isIntersecting;
    update();
  }).observe(target);
  document.addEventListener('visibilitychange', update);
}

/** A sentence for `seed=` and `nodes=` given beside a tour or a scenario (`story`, "the tour
 * 'election'"), which runs the cluster its file describes, when they ask for another: they
 * were ignored without a word. Values that are not whole numbers had a notice of their own. */
export function overruled(search: string, story: string, seed: number, nodes: number): string | null {
  const q = new URLSearchParams(search);
  const asked = ([['seed', seed], ['nodes', nodes]] as const).flatMap(([key, used]) => {
    const raw = q.get(key);
    return raw !== null && /^\d+$/.test(raw) && Number(raw) !== used ? [`${key}=${raw}`] : [];
  });
  if (asked.length === 0) return null;
  return `The address asks for ${asked.join(' and ')}, but ${story} runs the cluster it describes (${nodes} servers, seed ${seed}). Ignored.`;
}

/** Every address parameter the page reads: Rust reads the first five (river-view's
 * `AddressRequest`), this shell the rest. */
const KNOWN = ['seed', 'nodes', 'paused', 'tour', 'step', 'embed', 'controls', 'scenario', 'speed', 't', 'projector', 'lab'];

/** A sentence for parameters the page does not read (`?sed=3` was ignored without a word),
 * naming the one meant where a known name is one edit away. Campaign tags that links pick
 * up on their way (utm_…, fbclid, gclid, ref) are left alone, and so is `teach`, which old links
 * carry from when the teaching tools were a download of their own (they are always there now). */
export function unknownParameters(search: string): string | null {
  const names = [...new Set(new URLSearchParams(search).keys())]
    .filter((name) => !KNOWN.includes(name) && !/^(utm_|mc_)|^(fbclid|gclid|ref|teach)$/.test(name));
  if (names.length === 0) return null;
  const told = names.slice(0, 3).map((name) => {
    const near = KNOWN.find((known) => known.length > 1 && oneEditApart(name, known));
    return near ? `'${name}' (did you mean ${near}?)` : `'${name}'`;
  });
  return `The address has ${told.join(', ')}${names.length > 3 ? ' and more' : ''}, which this page does not read. It reads ${KNOWN.join(', ')}. Ignored.`;
}

/** Whether `a` becomes `b` by one letter changed, added, removed, or two neighbours swapped. */
function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const rest = (x: string, skip: number): string => x.slice(i + skip);
  return rest(a, 1) === rest(b, 1) || rest(a, 1) === rest(b, 0) || rest(a, 0) === rest(b, 1)
    || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, 2) === rest(b, 2));
}

/** Shows a control the keyboard reaches whole in a toolbar that scrolls sideways (the whole
 * toolbar in a short embed): Chromium scrolled no part-seen control into view on focus, and
 * the speed slider stood half out of a 320 px frame. */
export function showFocusedControl(toolbar: Element): void {
  toolbar.addEventListener('focusin', (event) => {
    if (toolbar.scrollWidth > toolbar.clientWidth) (event.target as Element).scrollIntoView({ block: 'nearest', inline: 'nearest' });
  });
}
