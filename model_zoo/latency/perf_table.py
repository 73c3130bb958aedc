"""Markdown tables of `qedge bench --peer ort --json` records for docs/perf/cpu.md, and where each issue-5 target
stands: float latency <= 1.0x ONNX Runtime's, QDQ int8 <= 0.8x ONNX Runtime's faster int8 file (s8 or u8 activations),
QONNX w4a8 <= 0.9x our own int8 and its file <= 0.55x of int8, load time <= 0.1x ONNX Runtime's session creation and
peak RSS <= ONNX Runtime's.

Usage: /usr/bin/python3 model_zoo/latency/perf_table.py BENCH.json [BENCH.json ...]
"""
import json
import sys


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def ratio(a, b):
    return None if a is None or not b else a / b


def rows(records):
    out = ["| model | threads | qedge ms | ORT ms | qedge / ORT | load ms | ORT load ms | peak RSS MB | ORT RSS MB "
           "| .qedge bytes |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in records:
        out.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | {:,} |".format(r["file_bytes"]) % (
            r["entry"] or r["model"], r["threads"], fmt(r["median_ms"], ".2f"), fmt(r.get("ort_median_ms"), ".2f"),
            fmt(r.get("ratio_vs_ort"), ".2f"), fmt(r["load_ms"], ".2f"), fmt(r.get("ort_load_ms"), ".1f"),
            fmt(r["peak_rss_mb"], ".1f"), fmt(r.get("ort_peak_rss_mb"), ".1f")))
    return out


def targets(records):
    by = {(r["entry"] or r["model"], r["threads"]): r for r in records}
    out = []
    for (name, threads), r in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if name in ("mobilenet_v2_float", "resnet18_float"):
            family = name[: -len("_float")]
            out.append("- %s float, %d thread(s): %s x ONNX Runtime (target <= 1.0)"
                       % (family, threads, fmt(r.get("ratio_vs_ort"), ".2f")))
        if name.endswith("_qdq_u8"):
            family = name[: -len("_qdq_u8")]
            s8, u8 = by.get((family + "_qdq_s8", threads)), r
            ort = [x["ort_median_ms"] for x in (s8, u8) if x and x.get("ort_median_ms")]
            ours = min(x["median_ms"] for x in (s8, u8) if x)
            out.append("- %s QDQ int8, %d thread(s): our faster int8 file %.2f ms vs ONNX Runtime's faster %s ms: %s x "
                       "(target <= 0.8)" % (family, threads, ours, fmt(min(ort) if ort else None, ".2f"),
                                            fmt(ratio(ours, min(ort) if ort else None), ".2f")))
            w4 = by.get((family + "_w4a8", threads))
            if w4:
                out.append("- %s w4a8, %d thread(s): %.2f ms vs our int8 %.2f ms: %.2f x (target <= 0.9); file %s x "
                           "of int8 (target <= 0.55); peak RSS %.1f vs %.1f MB"
                           % (family, threads, w4["median_ms"], ours, w4["median_ms"] / ours,
                              fmt(ratio(w4["file_bytes"], u8["file_bytes"]), ".2f"), w4["peak_rss_mb"],
                              u8["peak_rss_mb"]))
        if r.get("ort_load_ms"):
            load, rss = r["load_ms"] / r["ort_load_ms"], ratio(r["peak_rss_mb"], r.get("ort_peak_rss_mb"))
            if load > 0.1 or (rss is not None and rss > 1.0):
                out.append("- %s, %d thread(s): load %.3f x ONNX Runtime's session creation (target <= 0.1), peak "
                           "RSS %s x (target <= 1.0)" % (name, threads, load, fmt(rss, ".2f")))
    return out


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    records = [r for path in sys.argv[1:] for r in json.load(open(path))]
    print("\n".join(rows(records)))
    print()
    print("\n".join(targets(records)))


if __name__ == "__main__":
    main()
