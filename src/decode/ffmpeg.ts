/**
 * Find the ffmpeg (and ffprobe) the decoder runs, and say which one and why.
 *
 * Order (the first that applies wins):
 *   1. an explicit `ffmpegPath` option (with `ffprobePath`, or an ffprobe beside it);
 *   2. the environment: HVM_FFMPEG (and HVM_FFPROBE, or an ffprobe beside it);
 *   3. ffmpeg and ffprobe on PATH (HVM_FFPROBE still overrides ffprobe);
 *   4. the static build in the optional npm package @ffmpeg-installer/ffmpeg (a 2018 git
 *      snapshot that ships without ffprobe: probing then parses `ffmpeg -i` output).
 * A binary named explicitly (1 or 2) that does not run is an error, never silently replaced:
 * results must come from the decoder the user asked for. A broken ffmpeg on PATH is skipped
 * with a warning. Version and feature checks are run once per binary path and cached.
 */
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { FfmpegMissingError } from './errors.js';
import { runCapture } from './exec.js';

export type FfmpegSource = 'HVM_FFMPEG' | 'PATH' | '@ffmpeg-installer/ffmpeg' | 'option';

export interface FfmpegInfo {
  ffmpegPath: string;
  /** null when no working ffprobe goes with this ffmpeg (then probe() parses `ffmpeg -i`). */
  ffprobePath: string | null;
  /** The version word of `ffmpeg -version`, e.g. "5.1.9-0+deb12u1" or "N-47683-g0e8eb07980-static". */
  version: string;
  /** Release major number, or null for git snapshots ("N-47683-...") and unparsable strings. */
  major: number | null;
  source: FfmpegSource;
  /** Things the user should know (old build, no ffprobe, a broken binary skipped...). */
  warnings: string[];
  /** Last year of the copyright line: dates git snapshots whose version has no number. */
  copyrightYear: number | null;
  /** Option support found by asking the binary itself (not guessed from the version). */
  features: { fpsMode: boolean };
}

export interface LocateOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Environment to read HVM_FFMPEG, HVM_FFPROBE and PATH from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Whether step 4 (@ffmpeg-installer/ffmpeg) may be used (default true). */
  allowNpmFfmpeg?: boolean;
}

interface BinaryCheck {
  ok: boolean;
  version: string;
  major: number | null;
  copyrightYear: number | null;
  fpsMode: boolean;
  problem: string | null;
}

const VERSION_TIMEOUT_MS = 15_000;
const binaryCache = new Map<string, Promise<BinaryCheck>>();
const infoCache = new Map<string, FfmpegInfo>();

/** Forget cached version checks (tests, or after installing a new ffmpeg in a long-lived process). */
export function clearFfmpegCache(): void {
  binaryCache.clear();
  infoCache.clear();
}

/** Parse the first line of `ffmpeg -version` / `ffprobe -version`. */
export function parseFfmpegVersion(text: string): { version: string; major: number | null; minor: number | null; copyrightYear: number | null } | null {
  const m = /^ff(?:mpeg|probe) version (\S+)/m.exec(text);
  if (!m) return null;
  const version = m[1]!;
  // Release builds: "5.1.9-0+deb12u1", "n6.1.1", "7.0-static", "4.4.2-0ubuntu0.22.04.1".
  // Git snapshots ("N-47683-g0e8eb07980-static", "git-2020-06-01-...") carry no release number.
  const r = /^n?(\d+)\.(\d+)/.exec(version);
  const y = /Copyright \(c\) \d{4}-(\d{4})/.exec(text);
  return {
    version,
    major: r ? Number(r[1]) : null,
    minor: r ? Number(r[2]) : null,
    copyrightYear: y ? Number(y[1]) : null,
  };
}

async function checkBinary(path: string, kind: 'ffmpeg' | 'ffprobe'): Promise<BinaryCheck> {
  const key = `${kind}:${path}`;
  let p = binaryCache.get(key);
  if (!p) {
    p = checkBinaryUncached(path, kind);
    binaryCache.set(key, p);
  }
  return p;
}

async function checkBinaryUncached(path: string, kind: 'ffmpeg' | 'ffprobe'): Promise<BinaryCheck> {
  const fail = (problem: string): BinaryCheck => ({ ok: false, version: '', major: null, copyrightYear: null, fpsMode: false, problem });
  const r = await runCapture(path, ['-hide_banner', '-version'], { timeoutMs: VERSION_TIMEOUT_MS });
  if (r.spawnError) return fail(`${path} does not run (${r.spawnError.code ?? r.spawnError.message})`);
  if (r.timedOut) return fail(`${path} -version did not answer within ${VERSION_TIMEOUT_MS / 1000} s`);
  const v = parseFfmpegVersion(r.stdout + r.stderr);
  if (r.code !== 0 || !v) return fail(`${path} -version did not print an ${kind} version line (exit ${r.code})`);
  let fpsMode = false;
  if (kind === 'ffmpeg') {
    // `-fps_mode` replaced `-vsync` in ffmpeg 5.1; 4.x rejects it ("Unrecognized option").
    // Ask the binary: an option it does not know makes `-version` fail before it runs.
    const f = await runCapture(path, ['-hide_banner', '-loglevel', 'error', '-fps_mode', 'passthrough', '-version'], {
      timeoutMs: VERSION_TIMEOUT_MS,
    });
    fpsMode = f.code === 0;
  }
  return { ok: true, version: v.version, major: v.major, copyrightYear: v.copyrightYear, fpsMode, problem: null };
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Search PATH like a shell would, without starting one. */
export async function whichBinary(name: string, envPath: string | undefined): Promise<string | null> {
  if (!envPath) return null;
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of envPath.split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (await isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

/** A bare command name ("ffmpeg") is looked up on PATH; anything with a slash is a path. */
async function resolveCommand(p: string, envPath: string | undefined): Promise<string> {
  if (isAbsolute(p) || p.includes('/') || p.includes('\\')) return resolve(p);
  return (await whichBinary(p, envPath)) ?? p;
}

async function siblingFfprobe(ffmpegPath: string): Promise<string | null> {
  const candidate = join(dirname(ffmpegPath), process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe');
  return (await isExecutableFile(candidate)) ? candidate : null;
}

/** The path of the ffmpeg inside @ffmpeg-installer/ffmpeg, or null when the package is absent. */
export async function npmFfmpegPath(): Promise<string | null> {
  // Optional dependency: imported by a computed name so that neither TypeScript nor the
  // runtime requires it; its index.js throws (a string) when the platform binary is missing.
  const spec = '@ffmpeg-installer/ffmpeg';
  try {
    const mod = (await import(spec)) as { default?: { path?: unknown }; path?: unknown };
    const p = mod.default?.path ?? mod.path;
    return typeof p === 'string' ? p : null;
  } catch {
    return null;
  }
}

function versionWarnings(check: BinaryCheck, source: FfmpegSource): string[] {
  const w: string[] = [];
  const old5 = 'decoding works, but builds older than ffmpeg 5 are not what this engine is tested against; install ffmpeg ≥ 5 or set HVM_FFMPEG';
  if (check.major !== null && check.major < 5) {
    w.push(`ffmpeg ${check.version} is older than 5.x: ${old5}.`);
  } else if (check.major === null) {
    const dated = check.copyrightYear !== null ? ` (copyright ${check.copyrightYear})` : '';
    const label = source === '@ffmpeg-installer/ffmpeg' ? ', the npm package labels it 4.1' : '';
    if (check.copyrightYear !== null && check.copyrightYear < 2022) {
      w.push(`ffmpeg "${check.version}" is a git snapshot${dated}${label}, older than 5.x: ${old5}.`);
    } else {
      w.push(`ffmpeg "${check.version}" carries no release number${dated}${label}; its features were detected by asking it.`);
    }
  }
  return w;
}

async function finish(
  source: FfmpegSource,
  ffmpegPath: string,
  ffprobeCandidate: string | null,
  ffprobeExplicit: boolean,
  extraWarnings: string[],
): Promise<FfmpegInfo> {
  const check = await checkBinary(ffmpegPath, 'ffmpeg');
  if (!check.ok) {
    throw new FfmpegMissingError(`${check.problem} (chosen by ${source})`);
  }
  const warnings = [...extraWarnings, ...versionWarnings(check, source)];
  let ffprobePath: string | null = null;
  if (ffprobeCandidate !== null) {
    const pc = await checkBinary(ffprobeCandidate, 'ffprobe');
    if (pc.ok) {
      ffprobePath = ffprobeCandidate;
      if (pc.version !== check.version) {
        warnings.push(`ffprobe ${pc.version} and ffmpeg ${check.version} are different builds; probe results may differ slightly from what is decoded.`);
      }
    } else {
      warnings.push(`${ffprobeExplicit ? 'the ffprobe asked for' : 'ffprobe'} is not usable (${pc.problem}); probe() parses \`ffmpeg -i\` output instead.`);
    }
  } else {
    warnings.push(
      source === '@ffmpeg-installer/ffmpeg'
        ? 'the npm @ffmpeg-installer/ffmpeg build ships no ffprobe; probe() parses `ffmpeg -i` output instead (AVI frame counts are read from the AVI header).'
        : `no ffprobe found beside ${ffmpegPath}; probe() parses \`ffmpeg -i\` output instead (AVI frame counts are read from the AVI header).`,
    );
  }
  const key = `${source}|${ffmpegPath}|${ffprobePath ?? ''}|${warnings.join('\n')}`;
  const cached = infoCache.get(key);
  if (cached) return cached;
  const info: FfmpegInfo = Object.freeze({
    ffmpegPath,
    ffprobePath,
    version: check.version,
    major: check.major,
    source,
    warnings: Object.freeze([...warnings]) as string[],
    copyrightYear: check.copyrightYear,
    features: Object.freeze({ fpsMode: check.fpsMode }),
  });
  infoCache.set(key, info);
  return info;
}

export async function locateFfmpeg(opts: LocateOptions = {}): Promise<FfmpegInfo> {
  const env = opts.env ?? process.env;
  const envPath = env.PATH ?? env.Path;

  if (opts.ffmpegPath !== undefined && opts.ffmpegPath !== '') {
    const ffmpegPath = await resolveCommand(opts.ffmpegPath, envPath);
    const probe = opts.ffprobePath ? await resolveCommand(opts.ffprobePath, envPath) : await siblingFfprobe(ffmpegPath);
    return finish('option', ffmpegPath, probe, Boolean(opts.ffprobePath), []);
  }

  if (env.HVM_FFMPEG) {
    const ffmpegPath = await resolveCommand(env.HVM_FFMPEG, envPath);
    const probe = env.HVM_FFPROBE ? await resolveCommand(env.HVM_FFPROBE, envPath) : await siblingFfprobe(ffmpegPath);
    return finish('HVM_FFMPEG', ffmpegPath, probe, Boolean(env.HVM_FFPROBE), []);
  }

  const tried: string[] = [];
  const skipped: string[] = [];
  const onPath = await whichBinary('ffmpeg', envPath);
  if (onPath) {
    const check = await checkBinary(onPath, 'ffmpeg');
    if (check.ok) {
      const probe = env.HVM_FFPROBE
        ? await resolveCommand(env.HVM_FFPROBE, envPath)
        : ((await siblingFfprobe(onPath)) ?? (await whichBinary('ffprobe', envPath)));
      return finish('PATH', onPath, probe, Boolean(env.HVM_FFPROBE), []);
    }
    tried.push(`PATH: ${check.problem}`);
    skipped.push(`the ffmpeg on PATH was skipped: ${check.problem}.`);
  } else {
    tried.push('PATH: no ffmpeg');
  }

  if (opts.allowNpmFfmpeg !== false) {
    const npmPath = await npmFfmpegPath();
    if (npmPath) {
      const check = await checkBinary(npmPath, 'ffmpeg');
      if (check.ok) return finish('@ffmpeg-installer/ffmpeg', npmPath, await siblingFfprobe(npmPath), false, skipped);
      tried.push(`@ffmpeg-installer/ffmpeg: ${check.problem}`);
    } else {
      tried.push('@ffmpeg-installer/ffmpeg: not installed');
    }
  }
  throw new FfmpegMissingError(`tried ${tried.join('; ')}.`);
}

/**
 * Every distinct working ffmpeg this machine offers (HVM_FFMPEG, PATH, the npm one), for
 * `hvm doctor` and for tests that must pass with each decoder generation.
 */
export async function findAllFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<FfmpegInfo[]> {
  const found: FfmpegInfo[] = [];
  const seen = new Set<string>();
  const add = async (f: () => Promise<FfmpegInfo>): Promise<void> => {
    try {
      const info = await f();
      if (!seen.has(info.ffmpegPath)) {
        seen.add(info.ffmpegPath);
        found.push(info);
      }
    } catch {
      /* not available: skip */
    }
  };
  if (env.HVM_FFMPEG) await add(() => locateFfmpeg({ env }));
  await add(() => locateFfmpeg({ env: { ...env, HVM_FFMPEG: '' }, allowNpmFfmpeg: false }));
  const npm = await npmFfmpegPath();
  if (npm) await add(() => finishNpm(npm));
  return found;
}

async function finishNpm(npmPath: string): Promise<FfmpegInfo> {
  return finish('@ffmpeg-installer/ffmpeg', npmPath, await siblingFfprobe(npmPath), false, []);
}
