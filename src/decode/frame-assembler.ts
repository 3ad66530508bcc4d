/**
 * Cut a byte stream (ffmpeg's raw frames arrive in pipe-sized chunks, ~64 KiB, that ignore
 * frame boundaries) into exact frame-sized buffers. Each frame gets its own buffer, so a
 * consumer may keep it. Bytes left over at the end are a partial frame, not a frame.
 */
export class FrameAssembler {
  readonly frameBytes: number;
  private current: Uint8Array | null = null;
  private filled = 0;

  constructor(frameBytes: number) {
    if (!(Number.isInteger(frameBytes) && frameBytes > 0)) throw new RangeError(`frame size must be a positive integer, got ${frameBytes}`);
    this.frameBytes = frameBytes;
  }

  /** Add a chunk; returns the frames it completed (often none, sometimes several). */
  push(chunk: Uint8Array): Uint8Array[] {
    const done: Uint8Array[] = [];
    let off = 0;
    while (off < chunk.length) {
      if (this.current === null) {
        this.current = new Uint8Array(this.frameBytes);
        this.filled = 0;
      }
      const n = Math.min(this.frameBytes - this.filled, chunk.length - off);
      this.current.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === this.frameBytes) {
        done.push(this.current);
        this.current = null;
        this.filled = 0;
      }
    }
    return done;
  }

  /** Bytes of an incomplete frame still held (after the stream ended: trailing bytes). */
  get pendingBytes(): number {
    return this.current === null ? 0 : this.filled;
  }
}
