/**
 * Benchmarks of the curation pipeline (paper Appendix C). Targets:
 *  - dynamicity of a 20 s 480p clip in under 2 s on one core (ffmpeg decoding with one thread +
 *    OpenCV Farneback on 8 frame pairs at 160 px wide);
 *  - a 1,000-clip folder measured with all cores in use (worker threads, one ffmpeg each);
 *  - the action filter over 585k captions' annotations in under 10 s (annotations synthesised).
 *
 *   npx tsx bench/curation.ts [--only dynamicity|folder|filter] [--clips 1000] [--captions 585000] [--smoke]
 */
import { execFile } from 'node:child_process';
import { link, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { actionFilter, actionTypesOf, filterWalkOrder } from '../core/curation/actions';
import { dynamicityOptionsSchema } from '../core/curation/config';
import type { ThinkSubject } from '../core/types';
import { measureDynamicity } from '../gpu-runner/curation/dynamicity';
import { loadOpenCv } from '../gpu-runner/curation/opencv';
import { DynamicityPool } from '../gpu-runner/curation/pool';
import { probeVideo } from '../gpu-runner/curation/video';

const run = promisify(execFile);
const options = dynamicityOptionsSchema.parse({});

/** CPU seconds of this process and of its waited-for children (ffmpeg), from /proc/self/stat. */
async function cpuSeconds(): Promise<{ self: number; children: number }> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11..14] = utime stime cutime cstime (clock ticks, USER_HZ = 100 on Linux)
  const t = fields.slice(11, 15).map(Number);
  return { self: (t[0] + t[1]) / 100, children: (t[2] + t[3]) / 100 };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function makeClip(file: string, size: string, seconds: number, fps: number, source = 'testsrc2'): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', '-nostdin', '-f', 'lavfi', '-i', `${source}=size=${size}:rate=${fps}`, '-t', String(seconds), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
}

export async function benchDynamicityOneCore(dir: string, runs = 5) {
  const file = path.join(dir, 'clip-20s-480p.mp4');
  await makeClip(file, '854x480', 20, 30);
  await loadOpenCv();
  const probe = await probeVideo(file);
  await measureDynamicity(file, probe, options, { threads: 1 }); // warm-up (JIT, wasm)
  const wall: number[] = [];
  const cpu: number[] = [];
  let score = 0;
  for (let i = 0; i < runs; i++) {
    const c0 = await cpuSeconds();
    const t0 = performance.now();
    score = (await measureDynamicity(file, probe, options, { threads: 1 })).dynamicity;
    wall.push((performance.now() - t0) / 1000);
    const c1 = await cpuSeconds();
    cpu.push(c1.self - c0.self + (c1.children - c0.children));
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    clip: '20 s, 854×480, 30 fps, H.264 (testsrc2)',
    method: `ffmpeg -threads 1 decode + OpenCV Farneback, ${options.pairs} pairs at ${options.analysisWidth} px`,
    runs,
    wallSecondsP50: +pct(wall, 50).toFixed(3),
    wallSecondsMax: +wall[wall.length - 1].toFixed(3),
    cpuSecondsP50: +pct(cpu, 50).toFixed(3),
    dynamicity: +score.toFixed(3),
    loadAverage1m: +loadavg()[0].toFixed(2),
    target: 'under 2 s on one core (CPU seconds: ours + ffmpeg)',
  };
}

export async function benchFolder(dir: string, clips = 1000) {
  const src = path.join(dir, 'src');
  const folder = path.join(dir, 'folder');
  await mkdir(src, { recursive: true });
  await mkdir(folder, { recursive: true });
  const sources = ['testsrc2', 'testsrc', 'smptebars', 'mandelbrot', 'life', 'rgbtestsrc', 'cellauto', 'sierpinski'];
  const made: string[] = [];
  for (const s of sources) {
    const f = path.join(src, `${s}.mp4`);
    await makeClip(f, '426x240', 15, 25, s);
    made.push(f);
  }
  const files: string[] = [];
  for (let i = 0; i < clips; i++) {
    const f = path.join(folder, `clip-${String(i).padStart(5, '0')}.mp4`);
    await link(made[i % made.length], f);
    files.push(f);
  }
  const probes = await Promise.all(made.map((f) => probeVideo(f)));
  const probeOf = (i: number) => probes[i % probes.length];
  const measure = async (workers: number, n: number) => {
    const pool = new DynamicityPool(workers);
    // Start-up (OpenCV per worker) is part of the cost a run pays.
    const c0 = await cpuSeconds();
    const t0 = performance.now();
    let failed = 0;
    await Promise.all(files.slice(0, n).map((f, i) => pool.measure(f, probeOf(i), options).catch(() => failed++)));
    const wall = (performance.now() - t0) / 1000;
    const c1 = await cpuSeconds();
    await pool.close();
    const cpu = c1.self - c0.self + (c1.children - c0.children);
    return { workers, clips: n, failed, wallSeconds: +wall.toFixed(2), clipsPerSecond: +(n / wall).toFixed(1), cpuSeconds: +cpu.toFixed(1), coresBusy: +(cpu / wall).toFixed(2) };
  };
  const cores = availableParallelism();
  const oneWorker = await measure(1, Math.min(100, clips));
  const allCores = await measure(cores, clips);
  return {
    clip: '15 s, 426×240, 25 fps, H.264; 8 distinct lavfi sources hard-linked to the folder size',
    cores,
    oneWorker,
    allCores,
    speedup: +(allCores.clipsPerSecond / oneWorker.clipsPerSecond).toFixed(2),
    loadAverage1m: +loadavg()[0].toFixed(2),
    target: 'all cores in use (coresBusy ≈ cores)',
  };
}

/** A letters-only made-up verb per number (the normaliser keeps letters only): 0 → "zab", 1 → "zbb", … */
function rareVerb(n: number): string {
  let w = 'z';
  do {
    w += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  } while (n > 0);
  return `${w}ab`;
}

/** Deterministic synthetic annotations: Zipf-like verbs (real ones with inflections, then a long tail), 1–3 subjects × 1–5 actions. */
export function synthesiseAnnotations(n: number, seed = 1): ThinkSubject[][] {
  const verbs = `walk run jump throw catch lift wave smile dance sit stand pick put hold push pull open close turn look hit kick climb fall ride drive swim fly eat drink cook cut wash play sing write read carry drop hug kiss clap nod point shake spin roll slide`.split(' ');
  const forms = (v: string) => [v, `${v}s`, `${v}ed`, `${v}ing`];
  const particles = ['', '', '', ' up', ' down', ' away', ' back', ' out'];
  const objects = ['the ball', 'a child', 'the door', 'a cup', 'the car', 'a book', 'the rope', 'a dog', 'the table', 'across the field', 'over the fence'];
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const out: ThinkSubject[][] = [];
  for (let i = 0; i < n; i++) {
    const subjects: ThinkSubject[] = [];
    const ns = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < ns; k++) {
      const actions: string[] = [];
      const na = 1 + Math.floor(rand() * 5);
      for (let j = 0; j < na; j++) {
        const r = rand();
        // 90 %: a common verb; 10 %: a long tail of 5,000 rare verbs.
        const base = r < 0.9 ? verbs[Math.floor(Math.pow(rand(), 2) * verbs.length)] : rareVerb(Math.floor(rand() * 5_000));
        const form = forms(base)[Math.floor(rand() * 4)];
        actions.push(`${form}${particles[Math.floor(rand() * particles.length)]} ${objects[Math.floor(rand() * objects.length)]}`);
      }
      subjects.push({ subject: `subject ${k + 1}`, attributes: [], actions });
    }
    out.push(subjects);
  }
  return out;
}

export function benchActionFilter(captions = 585_000, targetSize = 1500) {
  const annotations = synthesiseAnnotations(captions);
  const dyn = annotations.map((_, i) => ({ dynamicity: ((i * 2654435761) >>> 0) / 4294967296 }));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const types = annotations.map((a) => actionTypesOf(a));
  const tNorm = performance.now();
  const order = filterWalkOrder(dyn, 'dynamicity-desc');
  const r = actionFilter(order.map((i) => types[i]), { targetSize });
  const tFilter = performance.now();
  const c1 = process.cpuUsage(c0);
  // For the report only: the whole set without a target (how many clips would add an action type).
  const rAll = actionFilter(types, { targetSize: captions });
  return {
    captions,
    actions: annotations.reduce((s, a) => s + a.reduce((x, y) => x + y.actions.length, 0), 0),
    normaliseSeconds: +((tNorm - t0) / 1000).toFixed(2),
    orderAndFilterSeconds: +((tFilter - tNorm) / 1000).toFixed(2),
    totalSeconds: +((tFilter - t0) / 1000).toFixed(2),
    totalCpuSeconds: +((c1.user + c1.system) / 1e6).toFixed(2),
    keptAtTarget: r.kept.length,
    visitedToReachTarget: r.visited.length,
    keptWithoutTarget: rAll.kept.length,
    inventoryWithoutTarget: rAll.inventoryGrowth.at(-1),
    loadAverage1m: +loadavg()[0].toFixed(2),
    target: 'normalise + order + filter under 10 s',
  };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const { values } = parseArgs({ options: { only: { type: 'string' }, clips: { type: 'string' }, captions: { type: 'string' }, smoke: { type: 'boolean', default: false } } });
  // --smoke (npm test's bench stage): every part once at a small size, to prove it still runs.
  values.clips ??= values.smoke ? '4' : '1000';
  values.captions ??= values.smoke ? '20000' : '585000';
  const dir = await mkdtemp(path.join(tmpdir(), 'videocap-bench-curation-'));
  try {
    if (!values.only || values.only === 'filter') console.log('== action filter ==\n' + JSON.stringify(benchActionFilter(Number(values.captions)), null, 2));
    if (!values.only || values.only === 'dynamicity') console.log('== dynamicity, one core ==\n' + JSON.stringify(await benchDynamicityOneCore(dir), null, 2));
    if (!values.only || values.only === 'folder') console.log('== folder, all cores ==\n' + JSON.stringify(await benchFolder(dir, Number(values.clips)), null, 2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
