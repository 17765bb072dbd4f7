/**
 * What `npx aftermath repro` says while it works: on a terminal, one status line redrawn in place
 * (cells done, the ones running, elapsed time and an estimate); elsewhere (CI logs) nothing but
 * the plain per-cell lines.
 */
import { formatElapsed } from '../domain/text.ts';

export interface ProgressState {
  done: number;
  total: number;
  elapsedMs: number;
  /** Labels of the cells running now. */
  running: string[];
}

/** `12/36 cells · 14.2 s · about 30 s left · running 4.5.1 SLEEP=0.001, 4.5.5`, cut to `width`. */
export function statusLine(state: ProgressState, width = 120): string {
  const parts = [`${state.done}/${state.total} cells`, formatElapsed(state.elapsedMs)];
  // An estimate needs at least one finished cell; it assumes the rest take as long on average.
  if (state.done > 0 && state.done < state.total)
    parts.push(`about ${formatElapsed((state.elapsedMs / state.done) * (state.total - state.done))} left`);
  if (state.running.length) parts.push(`running ${state.running.join(', ')}`);
  const line = parts.join(' · ');
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** Prints finished-cell lines, and on a terminal keeps a status line below them. */
export class ProgressReporter {
  private readonly running = new Map<number, string>();
  private done = 0;
  private readonly started = performance.now();
  private shown = false;

  private readonly total: number;
  private readonly stream: NodeJS.WriteStream;

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.total = total;
    this.stream = stream;
  }

  private get live(): boolean {
    return this.stream.isTTY === true;
  }

  start(index: number, label: string): void {
    this.running.set(index, label);
    this.redraw();
  }

  /** A line that stays (a finished cell, an installer message). */
  line(text: string): void {
    this.clear();
    this.stream.write(`${text}\n`);
    this.redraw();
  }

  finish(index: number, text: string): void {
    this.running.delete(index);
    this.done++;
    this.line(`[${this.done}/${this.total} · ${formatElapsed(this.elapsedMs)}] ${text}`);
  }

  get elapsedMs(): number {
    return performance.now() - this.started;
  }

  /** Removes the status line (before the summary is printed). */
  close(): void {
    this.clear();
  }

  private clear(): void {
    if (this.live && this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  private redraw(): void {
    if (!this.live) return;
    this.clear();
    this.stream.write(
      statusLine(
        { done: this.done, total: this.total, elapsedMs: this.elapsedMs, running: [...this.running.values()] },
        (this.stream.columns || 120) - 1,
      ),
    );
    this.shown = true;
  }
}
