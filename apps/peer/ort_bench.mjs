// Times one ONNX model in ONNX Runtime (onnxruntime-node) for `qedge bench --peer ort`, so the two runtimes are
// compared on the same machine in the same run. Prints one JSON object on stdout:
//   {"runtime": "onnxruntime-node 1.x", "threads": N, "runs": N, "load_ms": x, "first_ms": x, "median_ms": x,
//    "p90_ms": x, "peak_rss_mb": x}
// load_ms is session creation (file to ready session); peak_rss_mb is the process's peak resident memory minus what
// node held before onnxruntime-node was loaded, so node's own footprint does not count against ONNX Runtime.
// Exit 3 (with {"skipped": reason}) when onnxruntime-node is not installed, 1 when ORT cannot run the model.
// Usage: node ort_bench.mjs MODEL.onnx [--threads N] [--runs N] [--shape NAME=1x3x8x8]... [--profile]
// Inputs are uniform random float32 in [-1, 1) with the given shapes (qedge bench passes the model's own).
// --profile: afterwards, a second session with ONNX Runtime's profiler on runs the model `runs` more times and prints
// each node's median kernel time on stderr (slowest first), to set against `qedge run --profile`; the JSON's numbers
// come from the session without the profiler.
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function parseArgs(argv) {
  const args = { model: null, threads: 1, runs: 20, shapes: {}, profile: false };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--threads') args.threads = Number(argv[++i]);
    else if (a === '--profile') args.profile = true;
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--shape') {
      const spec = argv[++i] || '';
      const eq = spec.lastIndexOf('=');
      if (eq < 0) throw new Error(`--shape expects NAME=DIMS, got '${spec}'`);
      args.shapes[spec.slice(0, eq)] = spec.slice(eq + 1).split('x').map(Number);
    } else if (args.model === null) args.model = a;
    else throw new Error(`unexpected argument '${a}'`);
  }
  if (!args.model) {
    throw new Error('usage: node ort_bench.mjs MODEL.onnx [--threads N] [--runs N] [--shape NAME=DIMS]... [--profile]');
  }
  if (!(args.threads >= 1) || !(args.runs >= 1)) throw new Error('--threads and --runs must be positive numbers');
  return args;
}

function percentile(sorted, p) {
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank), hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

// The per-node table of --profile: `runs` runs of a profiling session, each node's median kernel time.
async function profileNodes(ort, args, sessionOptions, feeds) {
  const dir = mkdtempSync(join(tmpdir(), 'ort_profile_'));
  try {
    const session = await ort.InferenceSession.create(args.model, {
      ...sessionOptions, enableProfiling: true, profileFilePrefix: join(dir, 'profile'),
    });
    for (let r = 0; r < args.runs + 1; ++r) await session.run(feeds);
    session.endProfiling();
    await session.release();
    const [file] = readdirSync(dir);
    const nodes = new Map();
    for (const e of JSON.parse(readFileSync(join(dir, file), 'utf8'))) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const name = e.name.slice(0, -'_kernel_time'.length);
      if (!nodes.has(name)) nodes.set(name, { op: e.args?.op_name ?? '?', us: [] });
      nodes.get(name).us.push(e.dur);
    }
    const rows = [...nodes].map(([name, n]) => {
      n.us.sort((a, b) => a - b);
      return { name, op: n.op, ms: percentile(n.us, 50) / 1000 };
    }).sort((a, b) => b.ms - a.ms);
    const total = rows.reduce((a, r) => a + r.ms, 0);
    console.error(`ONNX Runtime profile (${rows.length} nodes, ${total.toFixed(3)} ms total of per-node medians)`);
    for (const r of rows) console.error(`${r.name.padEnd(48)} ${r.op.padEnd(20)} ${r.ms.toFixed(3).padStart(8)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    return 2;
  }
  const baselineRss = process.memoryUsage().rss;
  let ort, version = '';
  try {
    ort = await import('onnxruntime-node');
    const require = createRequire(import.meta.url);
    version = require('onnxruntime-node/package.json').version;
  } catch {
    console.log(JSON.stringify({ skipped: 'onnxruntime-node is not installed (npm install --prefix apps/peer onnxruntime-node --ignore-scripts)' }));
    return 3;
  }
  try {
    // Same thread budget as qedge: intra-op threads = N, no inter-op parallelism.
    const t0 = process.hrtime.bigint();
    const sessionOptions = {
      intraOpNumThreads: args.threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    };
    const session = await ort.InferenceSession.create(args.model, sessionOptions);
    const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const feeds = {};
    for (const name of session.inputNames) {
      const dims = args.shapes[name];
      if (!dims) throw new Error(`no --shape given for input '${name}'`);
      const n = dims.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      for (let i = 0; i < n; ++i) data[i] = Math.random() * 2 - 1;
      feeds[name] = new ort.Tensor('float32', data, dims);
    }
    const time = async () => {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const first = await time();
    await time();  // warm-up, as qedge bench does
    const times = [];
    for (let r = 0; r < args.runs; ++r) times.push(await time());
    times.sort((a, b) => a - b);
    const peakRssMb = (process.resourceUsage().maxRSS * 1024 - baselineRss) / (1024 * 1024);
    if (args.profile) await profileNodes(ort, args, sessionOptions, feeds);
    console.log(JSON.stringify({
      runtime: `onnxruntime-node ${version}`, threads: args.threads, runs: args.runs, load_ms: loadMs, first_ms: first,
      median_ms: percentile(times, 50), p90_ms: percentile(times, 90),
      peak_rss_mb: peakRssMb,
    }));
    return 0;
  } catch (e) {
    console.log(JSON.stringify({ error: String(e.message || e).split('\n')[0] }));
    return 1;
  }
}

process.exitCode = await main();
