/**
 * Collect a decoding ffmpeg's stderr (at -loglevel error: one line per error) while it runs.
 * It must be drained continuously or ffmpeg blocks on a full pipe, but a damaged file can
 * produce megabytes of errors: keep the first few distinct lines, count them all, and keep
 * a bounded tail of raw text for classifying a failure.
 */
import { MAX_DECODER_ERRORS_KEPT } from './limits.js';

const NOISE = /^(Last message repeated \d+ times?|Guessed Channel Layout)/;
const MAX_TEXT = 64 * 1024;

export class StderrLog {
  private partial = '';
  private readonly kept: string[] = [];
  private readonly seen = new Set<string>();
  count = 0;
  text = '';

  push(chunk: Buffer | string): void {
    const s = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (this.text.length < MAX_TEXT) this.text += s.slice(0, MAX_TEXT - this.text.length);
    const lines = (this.partial + s).split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    for (const l of lines) this.line(l);
  }

  end(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }

  private line(raw: string): void {
    const l = raw.trim();
    if (l === '' || NOISE.test(l)) return;
    this.count++;
    if (this.kept.length < MAX_DECODER_ERRORS_KEPT && !this.seen.has(l)) {
      this.seen.add(l);
      this.kept.push(l);
    }
  }

  get lines(): string[] {
    return [...this.kept];
  }
}
