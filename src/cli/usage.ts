import { HvmError } from '../errors.js';

/** A mistake in how the command was called: exit status 2, with the usage text. */
export class UsageError extends HvmError {
  constructor(message: string, hint = 'Run `hvm --help` for the commands and options.') {
    super('E_USAGE', message, { hint });
  }
}

export const mainUsage = `hvm — handheld vital microscopy clips to consensus microcirculation metrics

Usage:
  hvm analyze CLIP [--device NAME | --um-per-px N] [--json FILE] [--out DIR [--space-time]] [--backend native|wasm]
  hvm doctor [--json] [--require-all]
  hvm compare --manual SCORES.(csv|xlsx) --engine (STUDY_DIR | clips.csv) --out DIR [...]
  hvm segment IMAGE --out DIR (--um-per-px N | --device NAME)
  hvm phantom --seed N --out DIR [...]
  hvm study MANIFEST.csv --out DIR [--jobs N] [--force] [--quiet] [--show-paths] [--include-rejected] [--timeout-s S]
  hvm COMMAND --help | hvm --help | --version

Commands:
  analyze   Decode one clip (AVI, MP4, MOV, or a folder of numbered frames), run the analysis,
            print a short table, and write the clip result contract (JSON) with --json;
            --out DIR writes result.json, mean-image.png and overlay.png (vessels by flow
            class, the De Backer grid, quadrant scores), --space-time each vessel's
            space-time diagram under DIR/space-time/.
  doctor    Show Node, the core backend in use and why, both backends' availability,
            the ffmpeg found and any warnings about it.
  compare   Agreement of the engine with manual scores (Bland–Altman, ICC, Lin's CCC,
            weighted kappa, within-patient change), with plots.
  segment   Vessel map of one still image (PNG/TIFF/JPEG): vesselness, mask, centerlines.
  phantom   Render a synthetic clip with exact ground truth, to check the engine.
  study     Every clip of a study manifest (patient, timepoint, site, path), each in its own
            process, resumable: clips.csv, sessions.csv (means over sites, HI), failures.csv,
            report.html.

Calibration (required for analyze: every length, density and speed depends on it):
  --device NAME     a device profile (physical field of view; µm/px follows from the clip)
  --um-per-px N     square pixels of N µm
  or a sidecar file CLIP.calibration.json ({"umPerPx": N} or {"umPerPxX": X, "umPerPxY": Y})

Environment:
  HVM_BACKEND=native|wasm   choose the core backend (default native, falls back to wasm)
  HVM_FFMPEG=/path/ffmpeg   choose the ffmpeg binary (HVM_FFPROBE for ffprobe)

Exit status: 0 success, 1 the analysis failed (the message says why), 2 usage error.
`;
