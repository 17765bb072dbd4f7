// Simulates clients that failed together retrying with exponential backoff, and reports the
// busiest 100 ms window. JITTER (none or full) comes from the runner; the verdict is the first
// word of the last line. Seeded, so every run of a cell prints the same numbers.
const CLIENTS = 200;
const CAPACITY = 50; // requests the server serves in one window
const WINDOW_MS = 100;
const RETRIES = 5;
const jitter = process.env.JITTER ?? 'none';

// mulberry32: a small seeded generator, so the random waits are the same on every run.
let seed = 2026;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const arrivals = [];
for (let client = 0; client < CLIENTS; client += 1) {
  let at = 0;
  for (let attempt = 0; attempt < RETRIES; attempt += 1) {
    const backoff = 1000 * 2 ** attempt;
    at += jitter === 'full' ? random() * backoff : backoff;
    arrivals.push(at);
  }
}

const perWindow = new Map();
for (const at of arrivals) {
  const window = Math.floor(at / WINDOW_MS);
  perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
}
const busiest = Math.max(...perWindow.values());
console.log(`jitter=${jitter} clients=${CLIENTS} retries=${arrivals.length} busiest_window=${busiest} capacity=${CAPACITY}`);
console.log(`${busiest > CAPACITY ? 'OVERLOADED' : 'WITHIN-CAPACITY'}: at most ${busiest} requests in one ${WINDOW_MS} ms window`);
