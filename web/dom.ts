// A DOM helper for the shell.

/** The element with this id; a missing one is a bug in index.html or the shell. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

/** Fills a definition list from [term, value] rows; a row with no value is a heading. */
export function fillFields(dl: HTMLElement, rows: [string, string][]): void {
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
