// Orders the wasm's functions so that each follows code that looks like it, for gzip,
// whose window reaches back 32 KB: renames every defined function in the name section to
// its place in that order (`f00000`, `f00001`, …), for wasm-opt's
// --reorder-functions-by-name to apply next (scripts/build-wasm.sh), which also drops the
// names. Only the order of functions changes; no function's code does.
//   usage: node scripts/order-functions.mjs WASM   (rewritten in place)
//
// The order is greedy: start from the first function (the module's order is by name, so
// ties keep each module's functions together), then repeatedly take the function sharing
// the most 4-byte sequences with the last RECENT functions placed, divided by its own count
// of them to the power 0.75 (a large function shares more by size alone). Against name
// order alone, on the page of 23c5310: 0.6 KB less by node's gzip -9 (what bench.mjs
// counts), 0.7 KB by GNU gzip -9, 1.2 KB with brotli; the file itself grows 0.9 KB, since
// calls to the functions moved back take longer indexes. Other settings tried (3-24
// functions back, powers 0-1; 3- or 5-byte sequences in an estimate) did as well or up
// to 1 KB worse.
import { readFileSync, writeFileSync } from 'node:fs';
import { leb, module, readName, sections as sectionsOf, skipImportKind, toLeb } from './wasm-binary.mjs';

const RECENT = 4;
const path = process.argv[2];
if (!path) throw new Error('order-functions: give the .wasm');
const bytes = readFileSync(path);

const sections = sectionsOf(bytes);

// Imported functions come first in the function index space.
let imported = 0;
const imports = sections.find((s) => s.id === 2);
if (imports) {
  const body = imports.body;
  let [count, p] = leb(body, 0);
  for (let k = 0; k < count; k++) {
    [, p] = readName(body, p);
    [, p] = readName(body, p);
    let kind;
    [kind, p] = skipImportKind(body, p);
    if (kind === 0) imported += 1;
  }
}

// ---- the function bodies ----
const code = sections.find((s) => s.id === 10);
if (!code) throw new Error('order-functions: no code section');
const bodies = [];
{
  let [count, p] = leb(code.body, 0);
  for (let k = 0; k < count; k++) {
    const [size, start] = leb(code.body, p);
    bodies.push(code.body.subarray(start, start + size));
    p = start + size;
  }
}
const shingles = bodies.map((body) => {
  const set = new Set();
  for (let i = 0; i + 4 <= body.length; i++) set.add(body.readUInt32LE(i));
  return set;
});

// ---- the greedy order ----
const order = [0];
const left = new Set(bodies.keys());
left.delete(0);
while (left.size > 0) {
  const recent = new Set();
  for (const k of order.slice(-RECENT)) for (const s of shingles[k]) recent.add(s);
  let best = -1;
  let bestScore = -1;
  for (const k of left) {
    const own = shingles[k];
    let shared = 0;
    for (const s of own) if (recent.has(s)) shared += 1;
    const score = shared / Math.max(1, own.size) ** 0.75;
    // Ties go to the earlier function: `left` keeps the module's order.
    if (score > bestScore) {
      bestScore = score;
      best = k;
    }
  }
  order.push(best);
  left.delete(best);
}

// ---- the names: a name section of function names alone, the defined functions named
// by their place (any name section there was goes: the names are sort keys, dropped next) ----
const entries = [toLeb(order.length)];
const byIndex = order.map((k, i) => [imported + k, i]).sort((a, b) => a[0] - b[0]);
for (const [index, i] of byIndex) {
  const key = Buffer.from(`f${String(i).padStart(5, '0')}`);
  entries.push(toLeb(index), toLeb(key.length), key);
}
const functionNames = Buffer.concat(entries);
const nameSection = {
  id: 0,
  body: Buffer.concat([toLeb(4), Buffer.from('name'), Buffer.from([1]), toLeb(functionNames.length), functionNames]),
};
const isNames = (s) => s.id === 0 && s.body.toString('utf8', 1, 1 + s.body[0]) === 'name';
const kept = sections.filter((s) => !isNames(s));
// The name section goes after the data section, where the format wants it.
kept.push(nameSection);

writeFileSync(path, module(bytes, kept));
console.log(`order-functions: ${path}: ${bodies.length} functions ordered by likeness`);
