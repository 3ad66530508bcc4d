/**
 * issue 7, "Done when": report.html and a clip page opened in headless Chromium log no
 * console message and every <img> has naturalWidth > 0 (lazy images are made eager first).
 * Debian's chromium drives itself here (no playwright): a checker page loads the study page
 * in an iframe (--allow-file-access-from-files), waits for its images and writes the verdict
 * into its own DOM, which --dump-dom prints. Runs when a chromium binary is on PATH (or
 * HVM_CHROMIUM names one); skipped otherwise (`apt-get install chromium`).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hvm, links, manifestText, removeTempDirs, tempDir, writePhantomStudy } from './helpers.js';

afterAll(removeTempDirs);

function findChromium(): string | null {
  for (const c of [process.env.HVM_CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome']) {
    if (c === undefined || c === '') continue;
    if (spawnSync('sh', ['-c', `command -v "${c}"`]).status === 0) return c;
  }
  return null;
}
const chromium = findChromium();
// CI installs chromium (.ci/run), so there a missing browser is a failure, not a skip.
if (chromium === null && process.env.CI === 'true') throw new Error('CI=true but no chromium found: .ci/run must install it (apt-get install chromium).');

const CHECKER = `<!DOCTYPE html><html><body><pre id="verdict">pending</pre><script>
const f = document.createElement('iframe');
f.style.width = '1200px'; f.style.height = '900px';
f.src = new URLSearchParams(location.search).get('page');
f.onload = async () => {
  const imgs = [...f.contentDocument.images];
  for (const i of imgs) i.loading = 'eager';
  await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; }))));
  const bad = imgs.filter((i) => !(i.naturalWidth > 0)).map((i) => i.getAttribute('src'));
  document.getElementById('verdict').textContent = JSON.stringify({ images: imgs.length, bad });
};
document.body.appendChild(f);
</script></body></html>`;

describe.runIf(chromium !== null)('study report in headless Chromium', () => {
  const dir = tempDir();
  const out = join(dir, 'out');

  beforeAll(async () => {
    const clips = await writePhantomStudy(dir, { patients: ['B1'], timepoints: ['t0'], sites: 2 });
    writeFileSync(join(dir, 'manifest.csv'), manifestText(clips));
    const r = await hvm(['study', 'manifest.csv', '--out', out, '--quiet'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    writeFileSync(join(dir, 'check.html'), CHECKER);
  }, 240_000);

  function open(page: string): { images: number; bad: string[]; console: string[] } {
    const url = `${pathToFileURL(join(dir, 'check.html')).href}?page=${encodeURIComponent(pathToFileURL(page).href)}`;
    const r = spawnSync(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=0', '--allow-file-access-from-files', '--virtual-time-budget=15000', '--dump-dom', url], { encoding: 'utf8', timeout: 90_000 });
    const m = /<pre id="verdict">([^<]*)<\/pre>/.exec(r.stdout);
    expect(m, r.stderr.slice(-2000)).not.toBeNull();
    const verdict = JSON.parse(m![1]!.replace(/&quot;/g, '"')) as { images: number; bad: string[] };
    // Console messages of the study page (the checker itself logs none).
    const consoleLines = r.stderr.split('\n').filter((l) => l.includes(':CONSOLE') && l.includes(pathToFileURL(out).href));
    return { ...verdict, console: consoleLines };
  }

  it('report.html: every picture loads, no console message', () => {
    const v = open(join(out, 'report.html'));
    expect(v.images).toBe(2);
    expect(v.bad).toEqual([]);
    expect(v.console).toEqual([]);
  }, 120_000);

  it('a clip page: every picture loads, no console message', async () => {
    const { readFileSync } = await import('node:fs');
    const page = links(readFileSync(join(out, 'report.html'), 'utf8')).find((l) => l.endsWith('index.html'))!;
    const v = open(join(out, decodeURIComponent(page)));
    expect(v.images).toBeGreaterThan(0);
    expect(v.bad).toEqual([]);
    expect(v.console).toEqual([]);
  }, 120_000);
});
