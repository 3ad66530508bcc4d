#!/usr/bin/env node
/**
 * One phantom clip, in its own process (benchmarks/lib/clips.mjs runs one per core):
 *   node benchmarks/lib/gen-worker.mjs '{"options": {...}, "outDir": "..."}'
 * Prints one JSON line: clipPath, framesSha256, elapsedS (wall), cpuS (this process: rendering;
 * the ffmpeg encoder's CPU is not in it).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { writePhantom } = await import(path.join(root, 'dist', 'phantom', 'index.js'));
const { options, outDir } = JSON.parse(process.argv[2]);
const c0 = process.cpuUsage();
const r = await writePhantom(options, outDir);
const c = process.cpuUsage(c0);
process.stdout.write(`${JSON.stringify({ clipPath: r.clipPath, framesSha256: r.framesSha256, elapsedS: r.elapsedS, cpuS: (c.user + c.system) / 1e6 })}\n`);
