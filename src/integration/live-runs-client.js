/**
 * The run controls of a repro box in `astro dev` (served by src/integration/live-runs.ts from
 * the dev server only; a build never contains this file). Without JavaScript the controls stay
 * hidden and a note says they need it.
 *
 * Run posts the cells to run (all, a version's row, one cell) with the page's token and reads
 * the answer as a stream of JSON lines: each cell's output is appended as it arrives. Once the
 * run is recorded, the box is replaced by the page's new rendering of it (the new record, and
 * which cells changed verdict); the transcript of the run is kept under it.
 */

const STORE = 'aftermath-live-run:';
const VERDICT = {
  reproduced: '✗ reproduced',
  'not-reproduced': '✓ not reproduced',
  error: '! error',
  skipped: '– skipped',
};

/** @param {string} tag @param {string} [className] @param {string} [text] */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** @param {HTMLElement} controls */
function setup(controls) {
  if (controls.dataset.runReady) return;
  controls.dataset.runReady = '1';
  const box = /** @type {HTMLElement} */ (controls.closest('.repro'));
  const { endpoint, token, incident, repro } = controls.dataset;
  const status = /** @type {HTMLElement} */ (controls.querySelector('[data-run-status]'));
  const log = /** @type {HTMLElement} */ (controls.querySelector('[data-run-log]'));
  const stopButton = /** @type {HTMLButtonElement} */ (controls.querySelector('[data-run-stop]'));
  const runButtons = () => /** @type {HTMLButtonElement[]} */ ([...box.querySelectorAll('[data-run-scope]')]);
  for (const hidden of box.querySelectorAll('[data-run-js]')) /** @type {HTMLElement} */ (hidden).hidden = false;
  for (const note of box.querySelectorAll('[data-run-nojs]')) note.remove();

  /** @type {Map<string, {block: HTMLElement, state: HTMLElement, out: HTMLElement, label: string}>} */
  const blocks = new Map();
  const say = (/** @type {string} */ text, /** @type {string} */ kind = '') => {
    status.textContent = text;
    status.dataset.kind = kind;
  };
  const busy = (/** @type {boolean} */ on) => {
    for (const b of runButtons()) b.disabled = on;
    stopButton.disabled = !on;
    box.classList.toggle('repro-running', on);
  };
  let active = false;
  const cellButton = (/** @type {string} */ key) =>
    runButtons().find((b) => b.dataset.runScope === 'cell' && b.dataset.runCell === key);

  function restore() {
    const saved = sessionStorage.getItem(STORE + `${incident}/${repro}`);
    if (!saved) return;
    const { recordedAt, cells } = JSON.parse(saved);
    if (recordedAt !== controls.dataset.recordedAt) return;
    // The transcript of the run that made this record; what changed is said by the page itself.
    for (const c of cells) addBlock(c.cell, c.label, c.state).out.textContent = c.text;
  }
  function save(/** @type {string} */ recordedAt) {
    const cells = [...blocks].map(([cell, b]) => ({
      cell,
      label: b.label,
      state: b.state.textContent,
      text: b.out.textContent,
    }));
    sessionStorage.setItem(STORE + `${incident}/${repro}`, JSON.stringify({ recordedAt, cells }));
  }
  function addBlock(/** @type {string} */ cell, /** @type {string} */ label, state = 'waiting') {
    const block = el('div', 'repro-run-cell');
    block.dataset.runCellLog = cell;
    const head = el('p', 'repro-run-cell-head');
    const st = el('span', 'repro-run-state', state);
    head.append(el('strong', '', label || 'the cell'), ' ', st);
    const out = el('pre', 'transcript repro-run-output');
    block.append(head, out);
    log.append(block);
    const entry = { block, state: st, out, label };
    blocks.set(cell, entry);
    return entry;
  }

  /** @param {any} event */
  function onEvent(event) {
    if (event.type === 'plan') {
      log.replaceChildren();
      blocks.clear();
      for (const c of event.cells) addBlock(c.cell, c.label);
      say(`Running ${event.cells.length} cell(s), ${event.jobs} at a time…`, 'running');
    } else if (event.type === 'log') {
      log.append(el('p', 'repro-run-note muted', event.message));
    } else if (event.type === 'start') {
      const b = blocks.get(event.cell);
      if (b) {
        b.state.textContent = 'running…';
        b.block.classList.add('repro-run-cell-running');
      }
      cellButton(event.cell)?.closest('td')?.classList.add('repro-cell-running');
    } else if (event.type === 'output') {
      const b = blocks.get(event.cell);
      if (!b) return;
      if (event.stream === 'stderr') b.out.append(el('span', 'transcript-stderr', event.text));
      else b.out.append(event.text);
    } else if (event.type === 'done') {
      const b = blocks.get(event.cell);
      if (b) {
        b.state.textContent = `${VERDICT[/** @type {keyof VERDICT} */ (event.verdict)] ?? event.verdict}${event.reason ? ` (${event.reason})` : ''} · ${(event.elapsedMs / 1000).toFixed(1)} s`;
        b.block.classList.remove('repro-run-cell-running');
        b.block.dataset.verdict = event.verdict;
      }
      cellButton(event.cell)?.closest('td')?.classList.remove('repro-cell-running');
    } else if (event.type === 'recorded') {
      const changed = event.changes.length
        ? `${event.changes.length} changed verdict since the last record: ${event.changes.map((/** @type {any} */ c) => `${c.cell || 'the cell'}: ${c.before ? VERDICT[/** @type {keyof VERDICT} */ (c.before)] : 'not recorded'} → ${VERDICT[/** @type {keyof VERDICT} */ (c.after)]}`).join('; ')}`
        : 'no verdict changed since the last record';
      const message = `Recorded in ${event.file}: ${event.ran} cell(s) ran; ${changed}.`;
      say(message, 'done');
      save(event.recordedAt);
      void reloadBox(event.recordedAt);
    } else if (event.type === 'stopped' || event.type === 'failed') {
      say(event.type === 'stopped' ? `Stopped: ${event.message}` : event.message, event.type);
      for (const b of blocks.values()) {
        if (b.block.classList.contains('repro-run-cell-running') || b.state.textContent === 'waiting')
          b.state.textContent = event.type === 'stopped' ? 'stopped, no verdict' : 'did not finish';
        b.block.classList.remove('repro-run-cell-running');
      }
      for (const td of box.querySelectorAll('.repro-cell-running')) td.classList.remove('repro-cell-running');
    }
  }

  /** The page's new rendering of this box, once the dev server has read the new record. */
  async function reloadBox(/** @type {string} */ recordedAt) {
    for (let attempt = 0; attempt < 40; attempt++) {
      const html = await (await fetch(location.href, { cache: 'no-store' })).text();
      const fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(box.id);
      const freshControls = fresh?.querySelector('[data-run-controls]');
      if (fresh && freshControls instanceof HTMLElement && freshControls.dataset.recordedAt === recordedAt) {
        const adopted = /** @type {HTMLElement} */ (document.importNode(fresh, true));
        box.replaceWith(adopted);
        const next = adopted.querySelector('[data-run-controls]');
        if (next instanceof HTMLElement) setup(next);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    say(`${status.textContent} (Reload the page to see the new record.)`, 'done');
  }

  async function start(/** @type {HTMLButtonElement} */ button) {
    const body = { incident, repro };
    if (button.dataset.runScope === 'version') Object.assign(body, { version: button.dataset.runVersion });
    if (button.dataset.runScope === 'cell') Object.assign(body, { cell: button.dataset.runCell });
    busy(true);
    say('Starting…', 'running');
    let offerStop = false;
    active = true;
    try {
      const response = await fetch(`${endpoint}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-aftermath-run-token': token ?? '' },
        body: JSON.stringify(body),
      });
      if (!response.ok || !response.body) {
        const answer = await response.json().catch(() => ({}));
        say(
          `${response.status === 409 ? 'Busy' : 'Refused'} (HTTP ${response.status}): ${answer.message ?? response.statusText}`,
          'failed',
        );
        // A run started elsewhere (another box, a page since reloaded) can be stopped from here.
        offerStop = response.status === 409;
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let pending = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += value;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) onEvent(JSON.parse(line));
      }
    } catch (error) {
      say(`The run's connection failed: ${/** @type {Error} */ (error).message}`, 'failed');
    } finally {
      active = false;
      busy(false);
      if (offerStop) stopButton.disabled = false;
    }
  }

  async function stop() {
    // Whether this box's own run is the one being stopped: its stream reports the end itself,
    // and usually before the answer to this request arrives.
    const own = active;
    stopButton.disabled = true;
    say('Stopping…', 'running');
    const response = await fetch(`${endpoint}/stop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aftermath-run-token': token ?? '' },
      body: '{}',
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) say(`Stop refused (HTTP ${response.status}): ${answer.message}`, 'failed');
    // A run of this box reports its own end; for one started elsewhere, the answer says it.
    else if (!own) say(`${answer.message}.`, 'stopped');
  }

  box.addEventListener('click', (event) => {
    const target = event.target instanceof HTMLElement ? event.target.closest('button') : null;
    if (!target || !box.contains(target)) return;
    if (target.dataset.runScope) void start(/** @type {HTMLButtonElement} */ (target));
    else if (target.hasAttribute('data-run-stop')) void stop();
  });
  busy(false);
  restore();
}

for (const controls of document.querySelectorAll('[data-run-controls]')) setup(/** @type {HTMLElement} */ (controls));
