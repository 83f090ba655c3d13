// Reading and writing the pieces of the wasm binary format that the build's rewriting
// scripts need (scripts/short-names.mjs, scripts/order-functions.mjs): numbers (LEB128),
// names, the sections, an import's kind.

/** Reads an unsigned LEB128 number at `at`; returns [value, the offset after it]. */
export function leb(buf, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

/** Writes `value` as unsigned LEB128. */
export function toLeb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

/** Reads a name (its length, then UTF-8) at `at`; returns [text, the offset after it]. */
export function readName(buf, at) {
  const [length, start] = leb(buf, at);
  return [buf.toString('utf8', start, start + length), start + length];
}

/** Writes `text` as a name. */
export function name(text) {
  const encoded = Buffer.from(text, 'utf8');
  return Buffer.concat([toLeb(encoded.length), encoded]);
}

/**
 * Skips what an import imports (the bytes after its two names) at `at`; returns
 * [kind (0 a function, 1 a table, 2 a memory, 3 a global), the offset after it].
 */
export function skipImportKind(buf, at) {
  const kind = buf[at++];
  const limits = (p) => {
    const flags = buf[p++];
    [, p] = leb(buf, p);
    if (flags & 1) [, p] = leb(buf, p);
    return p;
  };
  if (kind === 0) return [kind, leb(buf, at)[1]]; // a function: its type
  if (kind === 1) return [kind, limits(at + 1)]; // a table: element type, limits
  if (kind === 2) return [kind, limits(at)]; // a memory: limits
  if (kind === 3) return [kind, at + 2]; // a global: value type, mutability
  throw new Error(`wasm-binary: an import of kind ${kind} is not handled`);
}

/** The module's sections in order, each { id, body } (body a view into `bytes`). */
export function sections(bytes) {
  const list = [];
  for (let at = 8; at < bytes.length; ) {
    const id = bytes[at];
    const [size, start] = leb(bytes, at + 1);
    list.push({ id, body: bytes.subarray(start, start + size) });
    at = start + size;
  }
  return list;
}

/** The module made of `bytes`' header (magic and version) and `list`'s sections. */
export function module(bytes, list) {
  const out = [bytes.subarray(0, 8)];
  for (const section of list) out.push(Buffer.from([section.id]), toLeb(section.body.length), section.body);
  return Buffer.concat(out);
}
