// The message inspector: a message on the wire, why it was sent, and what can be done to
// it (drop, duplicate, hold, release).

import type { State } from './answers';
import { $, fillFields } from './dom';
import { attempt, box, canvas, raft, seconds, syncAll, ui } from './shell';

/** The message whose inspector is open. */
export let msgId: number | null = null;

/** Opens message `id`'s inspector; `focus`: with the keyboard on its first button. */
export function openMessage(id: number, focus = false): void {
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
export function fillMessage(): void {
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

export function closeMessage(): void {
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
