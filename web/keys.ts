// The page's keyboard shortcuts, and Tab held inside the popovers.

import { $ } from './dom';
import { holdTab, openDialog } from './focus';
import { raft, syncAll, ui } from './shell';
import { menuNode, closeMenu, openMenu } from './menu';
import { closeMessage } from './message';
import { closeTours, tours } from './panels';
import { setSpeedStop, togglePlay } from './toolbar';
import { shareMenu } from './share-menu';

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
