/**
 * Benchmark of core/results/bootstrap.ts: the paired bootstrap of one pair of DREAM-1K rows
 * (1,000 clips over the five subsets, overall F1 — the costliest aggregation: per-subset means, then
 * F1 of the subset means) with 10,000 resamples, on one core. Target: < 300 ms per pair (issue 11).
 * Timed: pairing (typed arrays) + the bootstrap; p50 / max over `runs` after a warm-up.
 *
 *   npx tsx bench/significance.ts [--clips 1000] [--resamples 10000] [--runs 7] [--json]
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mulberry32, pairedBootstrap, type BootstrapSample } from '../core/results/bootstrap';

export interface SignificanceBenchResult {
  clips: number;
  resamples: number;
  runs: number;
  /** Wall time per pair. */
  p50Ms: number;
  maxMs: number;
  /** CPU time of this process per pair (process.cpuUsage): the one-core figure on a busy machine. */
  cpuP50Ms: number;
  /** CPU time of drawing the same 10⁷ indices alone (mulberry32): the floor on this machine, for calibration. */
  rngFloorCpuMs: number;
  delta: number;
  ciLow: number;
  ciHigh: number;
  p: number;
  targetMs: number;
}

const SUBSETS = ['movie_animation', 'movie_live_action', 'vertical_video', 'videvo', 'youtube'];

function side(clips: number, quality: number, seed: number): BootstrapSample[] {
  const rand = mulberry32(seed);
  const u = () => rand() / 4294967296;
  return Array.from({ length: clips }, (_, i) => ({
    clipId: `dream-1k/${i + 1}`,
    benchmark: 'dream-1k',
    subset: SUBSETS[i % 5],
    failed: i % 97 === 0,
    scores: { recall: Math.min(1, quality * 2 * u()), precision: Math.min(1, quality * 2 * u()), n_subjects: 1, n_shots: 1, n_events: 1 + (i % 9) },
  }));
}

export function runSignificanceBench(options: { clips?: number; resamples?: number; runs?: number } = {}): SignificanceBenchResult {
  const clips = options.clips ?? 1000;
  const resamples = options.resamples ?? 10_000;
  const runs = options.runs ?? 7;
  const a = side(clips, 0.45, 1);
  const b = side(clips, 0.47, 2);
  const row = { benchmark: 'dream-1k', subset: 'overall', metric: 'f1' } as const;
  let last = pairedBootstrap(a, b, row, { resamples }); // warm-up (JIT)
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = pairedBootstrap(a, b, row, { resamples });
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const c0 = process.cpuUsage();
  const draw = mulberry32(1);
  let sink = 0;
  for (let r = 0; r < resamples; r++) for (let k = 0; k < clips; k++) sink += Math.floor((draw() / 4294967296) * clips);
  const floor = process.cpuUsage(c0);
  if (sink < 0) throw new Error('unreachable');
  times.sort((x, y) => x - y);
  cpu.sort((x, y) => x - y);
  return { clips, resamples, runs, p50Ms: times[Math.floor((runs - 1) / 2)], maxMs: times[runs - 1], cpuP50Ms: cpu[Math.floor((runs - 1) / 2)], rngFloorCpuMs: (floor.user + floor.system) / 1000, delta: last.delta, ciLow: last.ciLow, ciHigh: last.ciHigh, p: last.p, targetMs: 300 };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const r = runSignificanceBench({ clips: arg('--clips'), resamples: arg('--resamples'), runs: arg('--runs') });
  if (process.argv.includes('--json')) console.log(JSON.stringify(r));
  else console.log(`paired bootstrap, ${r.clips} clips × ${r.resamples} resamples: p50 ${r.p50Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms, CPU p50 ${r.cpuP50Ms.toFixed(1)} ms (index draws alone: ${r.rngFloorCpuMs.toFixed(1)} ms CPU) (target < ${r.targetMs} ms); Δ ${r.delta.toFixed(2)} [${r.ciLow.toFixed(2)}, ${r.ciHigh.toFixed(2)}], p ${r.p.toFixed(4)}`);
}
