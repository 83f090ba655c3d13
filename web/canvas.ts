// The drawing: the pointer and the keyboard on the canvas (Rust hit-tests and moves the
// focus ring; this forwards and shows its words), and its size.

import type { Controls } from './answers';
import { canvas, box, overlay, raft, syncAll, ui } from './shell';
import { closeMenu, openMenu } from './menu';
import { closeMessage, openMessage } from './message';

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
function showFocus(words: string, said = (raft.controls() as Controls).focus): void {
  focusShown = words;
  focusSaid = said;
  ui.hint.textContent = words;
  ui.hint.classList.toggle('shown', words !== '');
  ui.canvasFocus.textContent = words;
}
/** The ring's words again as the run moves on under it (a server removed, a new term, a
 * fresh run): they replace the words said before, unless the pointer's are showing. */
export function refreshFocus(controls: Controls): void {
  const words = controls.focus;
  if (words === focusSaid) return;
  if (ui.hint.textContent === focusShown) showFocus(words, words);
  else { focusShown = focusSaid = words; ui.canvasFocus.textContent = words; }
}
/** Whether the ring and its words are shown: the keyboard brought the canvas its focus
 * (:focus-visible, as for its outline), or a key was pressed on it since a click did. */
let ringShown = false;
function showRing(): void {
  ringShown = true;
  showFocus(raft.key('focus', false) ?? '');
}
// A click gives the canvas the keyboard too, but no ring and no words (they showed over
// the Logs panel at every click on the drawing): the first key on it shows them.
canvas.addEventListener('focus', () => { if (canvas.matches(':focus-visible')) showRing(); });
canvas.addEventListener('blur', () => { raft.key('blur', false); ringShown = false; focusShown = focusSaid = ''; ui.hint.classList.remove('shown'); });
canvas.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  // Enter after a click shows the ring where it is, rather than take what it was never seen on.
  if (event.key === 'Enter' && !ringShown) {
    event.preventDefault();
    event.stopPropagation();
    return showRing();
  }
  const said = raft.key(event.key, event.shiftKey);
  if (said === undefined) return;
  ringShown = true;
  event.preventDefault();
  event.stopPropagation();
  if (event.key !== 'Enter') { showFocus(said); return; }
  took(said, true);
  if (said === 'link') showFocus(raft.key('focus', false) ?? '');
});

/** The drawing's height: the box's, or, while the broken-Raft banner lies over the box's
 * foot, what is above it, so that Rust lays every server out where it is seen (it covered
 * the lowest servers at 1280×800). The canvas is made that tall; the banner keeps its place. */
export function drawingHeight(): number {
  const h = box.clientHeight;
  const covered = ui.broken.hidden ? 0 : h - ui.broken.offsetTop + 6;
  canvas.style.height = covered > 0 ? `${h - covered}px` : '';
  return Math.max(1, h - covered);
}

export function resize(): void {
  const w = box.clientWidth, h = drawingHeight();
  if (w <= 0 || box.clientHeight <= 0) return;
  raft.resize(w, h, window.devicePixelRatio || 1);
  fitOverlay();
}

/** The overlay canvas covers the ring area (top-left), whose size Rust decides; so does the
 * hint box's place, clear of every server and link: the box stands on its place's foot and
 * grows up, into the band the Logs panel's rows leave it (at its top it covered the title). */
export function fitOverlay(): void {
  const c = raft.controls() as Controls;
  overlay.style.width = `${c.overlayWidth}px`;
  overlay.style.height = `${c.overlayHeight}px`;
  const [x, y, w, h] = c.words;
  Object.assign(ui.hint.style, { left: `${x}px`, bottom: `${box.clientHeight - y - h}px`, maxWidth: `${w}px`, maxHeight: `${h}px` });
}
