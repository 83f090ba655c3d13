// A DOM helper for the shell.

/** The element with this id; a missing one is a bug in index.html or the shell. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}
