// The node menu: a server's actions (each refused with Rust's reason when it would be) and
// its state, the node inspector: what survives a crash apart from what does not.

import type { Controls, NodeInfo, State } from './answers';
import { $, fillFields } from './dom';
import { attempt, box, canvas, raft, syncAll, ui } from './shell';

export let menuNode: string | null = null;

export function fillMenu(id: string): boolean {
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

/** Marks a menu button whose action would be refused (Rust says why, from the rules that
 * refuse the action) as aria-disabled, not disabled: Tab still reaches it, and its reason
 * with it (its tooltip and its description while refused); a click or Enter on it says the
 * reason in the menu's error line and does nothing else. Disabled, it left the Tab order,
 * and the reason with it: only a mouse or a screen reader's browsing could find it. */
function refuse(button: HTMLButtonElement, why: string | null): void {
  button.dataset.title ??= button.title;
  button.title = why ?? button.dataset.title;
  if (why === null) {
    button.removeAttribute('aria-disabled');
    button.removeAttribute('aria-description');
  } else {
    button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-description', why);
  }
}

// Before any button's own handler (capturing) and instead of the form's submission.
ui.menu.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest('button[aria-disabled="true"]');
  if (!button) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  ui.menuError.textContent = button.getAttribute('aria-description') ?? '';
}, true);

/** Opens node `id`'s menu; `typeHere` puts the cursor in its change box (a click does;
 * the keyboard's 1–9 do not, so T and C act on the node next). */
export function openMenu(id: string, typeHere = true): void {
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

export function closeMenu(): void {
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

