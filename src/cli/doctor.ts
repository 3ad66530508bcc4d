/**
 * `hvm doctor`: what this machine gives the engine — Node, the core backend in use and why,
 * both backends' availability, the ffmpeg found and its warnings — so a user can see at a
 * glance why something is slow or missing, and an engineer can paste it into a bug report.
 */
import { parseArgs } from 'node:util';
import { backendAvailability, backendFiles, chosenBackendReason, loadBackend } from '../backend/index.js';
import { locateFfmpeg, type FfmpegInfo } from '../decode/index.js';
import { HvmError } from '../errors.js';
import { engineVersion } from '../version.js';
import { UsageError } from './usage.js';

export interface DoctorReport {
  engineVersion: string;
  node: string;
  platform: string;
  backendInUse: string | null;
  backendReason: string;
  backends: ReturnType<typeof backendAvailability>;
  backendFiles: ReturnType<typeof backendFiles>;
  ffmpeg: FfmpegInfo | { error: string };
  ok: boolean;
}

export async function doctorReport(): Promise<DoctorReport> {
  const backends = backendAvailability();
  let inUse: string | null = null;
  let reason: string;
  try {
    inUse = loadBackend().name;
    reason = chosenBackendReason();
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  let ffmpeg: DoctorReport['ffmpeg'];
  try {
    ffmpeg = await locateFfmpeg();
  } catch (e) {
    ffmpeg = { error: e instanceof HvmError ? e.message : String(e) };
  }
  return {
    engineVersion,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    backendInUse: inUse,
    backendReason: reason,
    backends,
    backendFiles: backendFiles(),
    ffmpeg,
    ok: inUse !== null && !('error' in ffmpeg),
  };
}

export async function runDoctor(argv: string[]): Promise<number> {
  let values: { json?: boolean; 'require-all'?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, 'require-all': { type: 'boolean' } }, strict: true }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const r = await doctorReport();
  const allThere = r.backends.native.available && r.backends.wasm.available && !('error' in r.ffmpeg);
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  } else {
    const yes = (b: boolean): string => (b ? 'available' : 'NOT available');
    const lines = [
      `hvm-engine ${r.engineVersion}   Node ${r.node}   ${r.platform}`,
      `backend in use : ${r.backendInUse ?? 'none'} (${r.backendReason})`,
      `native backend : ${yes(r.backends.native.available)}  ${r.backendFiles.native}`,
      ...(r.backends.native.reason !== undefined ? [`                 ${r.backends.native.reason}`] : []),
      `wasm backend   : ${yes(r.backends.wasm.available)}  ${r.backendFiles.wasm}  (SIMD: ${r.backends.wasm.simd ? 'yes' : 'no'})`,
      ...(r.backends.wasm.reason !== undefined ? [`                 ${r.backends.wasm.reason}`] : []),
    ];
    if ('error' in r.ffmpeg) {
      lines.push(`ffmpeg         : NOT found: ${r.ffmpeg.error}`);
    } else {
      const f = r.ffmpeg;
      lines.push(`ffmpeg         : ${f.ffmpegPath} (version ${f.version}, from ${f.source})`);
      lines.push(`ffprobe        : ${f.ffprobePath ?? 'none (probing parses ffmpeg -i instead)'}`);
      for (const w of f.warnings) lines.push(`  warning: ${w}`);
    }
    lines.push(r.ok ? 'ready.' : 'NOT ready: see above.');
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!r.ok) return 1;
  if (values['require-all'] === true && !allThere) {
    process.stderr.write('hvm doctor --require-all: a backend or ffmpeg is missing (see above).\n');
    return 1;
  }
  return 0;
}
