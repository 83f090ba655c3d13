// Where the keyboard goes around dialogs and popovers: a dialog holds it while open (a modal
// one by the browser's own inertness, a non-modal one and a popover by keeping Tab inside)
// and gives it back to whatever had it before, once closed.

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], summary, [tabindex]:not([tabindex="-1"])';

function focusables(box: HTMLElement): HTMLElement[] {
  return Array.from(box.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.getClientRects().length > 0);
}

/** Opens `dialog` (modal unless `modal` is false) and, when it closes, gives the keyboard
 * back to what had it, unless it has moved somewhere else meanwhile. */
export function openDialog(dialog: HTMLDialogElement, modal = true): void {
  const opener = document.activeElement;
  if (modal) dialog.showModal();
  else {
    dialog.show();
    (dialog.querySelector<HTMLElement>('input, select, textarea') ?? focusables(dialog)[0])?.focus();
  }
  dialog.addEventListener('close', () => {
    const now = document.activeElement;
    if (opener instanceof HTMLElement && opener.isConnected && (!now || now === document.body || dialog.contains(now))) opener.focus();
  }, { once: true });
}

/** Keeps Tab and Shift+Tab going round the controls inside `box` (a non-modal dialog or a
 * popover) instead of leaving it. */
export function holdTab(box: HTMLElement): void {
  box.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const items = focusables(box);
    if (!items.length) return;
    const first = items[0], last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) last.focus();
    else if (!event.shiftKey && document.activeElement === last) first.focus();
    else return;
    event.preventDefault();
  });
}

/** A menu button and its list (the Tours and Share menus): the button opens and closes it,
 * opening puts the keyboard on its first item, ↓ and ↑ go through the items, Escape or a
 * click elsewhere closes it, and closing gives the keyboard back to the button. */
export function dropdown(button: HTMLButtonElement, list: HTMLElement): { toggle(): void; close(): void } {
  const close = (): void => {
    if (list.contains(document.activeElement)) button.focus();
    list.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  };
  const toggle = (): void => {
    const opening = list.hidden;
    list.hidden = !opening;
    button.setAttribute('aria-expanded', String(opening));
    if (opening) list.querySelector<HTMLButtonElement>('button')?.focus();
  };
  button.addEventListener('click', toggle);
  list.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { close(); event.stopPropagation(); return; }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const items = Array.from(list.querySelectorAll('button'));
    const k = items.indexOf(document.activeElement as HTMLButtonElement);
    items[(k + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    event.preventDefault();
    event.stopPropagation();
  });
  document.addEventListener('click', (event) => {
    const target = event.target as Node;
    if (!list.hidden && !list.contains(target) && !button.contains(target)) close();
  });
  return { toggle, close };
}
