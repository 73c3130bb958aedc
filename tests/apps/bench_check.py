#!/usr/bin/python3
"""Checks `qedge bench` output files for tests/apps/bench_test.sh.

  bench_check.py zoo JSON CSV PLOT_DIR ZOO_DIR   the run over tests/apps/bench_zoo.json (backends cpu,null)
  bench_check.py models JSON ONNX QEDGE          the run over MODEL files with --zoo-entry tiny_cnn_float

Prints one line per problem and exits 1 when there is any.
"""
import csv
import json
import math
import os
import sys
import xml.etree.ElementTree as ET

REQUIRED = ["model", "backend", "threads", "convert_ms", "load_ms", "first_ms", "median_ms", "p90_ms", "peak_rss_mb",
            "arena_bytes", "file_bytes", "onnx_bytes", "accuracy", "top_ops"]
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def positive(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 and math.isfinite(v)


def check_record(r):
    name = f"{r.get('model')}/{r.get('backend')}"
    for k in REQUIRED + ["float_agreement"]:
        check(k in r, f"{name}: missing key {k}")
    if any(k not in r for k in REQUIRED):
        return
    check(r["threads"] == 1, f"{name}: threads {r['threads']}")
    for k in ["load_ms", "first_ms", "median_ms", "p90_ms", "arena_bytes", "file_bytes"]:
        check(positive(r[k]), f"{name}: {k} = {r[k]!r} is not a positive number")
    check(r["median_ms"] <= r["p90_ms"], f"{name}: median {r['median_ms']} > p90 {r['p90_ms']}")
    check(r["median_ms"] < 1000, f"{name}: median {r['median_ms']} ms is not sane for tiny_cnn")
    # The whole process (binary, libraries, model, arena) after a reset of the peak: megabytes, not gigabytes.
    check(1 < r["peak_rss_mb"] < 1024, f"{name}: peak_rss_mb {r['peak_rss_mb']}")
    onnx = r["path"].endswith(".onnx")
    check(positive(r["convert_ms"]) if onnx else r["convert_ms"] is None, f"{name}: convert_ms {r['convert_ms']!r}")
    if onnx:
        check(r["onnx_bytes"] == os.path.getsize(r["path"]), f"{name}: onnx_bytes {r['onnx_bytes']} != file size")
    else:
        check(r["onnx_bytes"] is None, f"{name}: onnx_bytes should be null for a .qedge input")
        check(r["file_bytes"] == os.path.getsize(r["path"]), f"{name}: file_bytes {r['file_bytes']} != file size")
    check(r["accuracy"] is None or 0 <= r["accuracy"] <= 1, f"{name}: accuracy {r['accuracy']!r}")
    ops = r["top_ops"]
    check(isinstance(ops, list) and 0 < len(ops) <= 5, f"{name}: top_ops {ops!r}")
    check(all(set(o) == {"op", "ms", "share"} and o["ms"] >= 0 and 0 <= o["share"] <= 1 for o in ops),
          f"{name}: malformed top_ops {ops!r}")
    check(sum(o["share"] for o in ops) <= 1 + 1e-9, f"{name}: top_ops shares sum above 1")
    check([o["ms"] for o in ops] == sorted((o["ms"] for o in ops), reverse=True), f"{name}: top_ops not by time")
    # A Conv with 4 output channels over 8x8 outweighs the Flatten in every sane profile.
    check(any(o["op"] == "Conv" or "Conv" in o["op"] for o in ops), f"{name}: no Conv among {ops!r}")


def by_name(records):
    return {(r["model"], r["backend"]): r for r in records}


def check_csv(path, records):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == len(records), f"CSV has {len(rows)} rows, JSON {len(records)}")
    for row, r in zip(rows, records):
        for k in REQUIRED:
            cell, v = row.get(k), r[k]
            if k == "top_ops":
                parsed = [dict(zip(("op", "ms", "share"), item.rsplit(":", 2))) for item in cell.split(";")] if cell else []
                same = [(p["op"], float(p["ms"]), float(p["share"])) for p in parsed] == \
                       [(o["op"], o["ms"], o["share"]) for o in v]
            elif v is None:
                same = cell == ""
            elif isinstance(v, str):
                same = cell == v
            else:
                same = cell != "" and float(cell) == float(v)
            check(same, f"CSV row {r['model']}/{r['backend']}: {k} = {cell!r}, JSON has {v!r}")


def svg_text(path):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        problems.append(f"{path}: not well-formed XML: {e}")
        return ""
    check(root.tag == "{http://www.w3.org/2000/svg}svg", f"{path}: root element is {root.tag}")
    return "\n".join(t for t in root.itertext())


def check_svgs(plot_dir, records):
    latency = svg_text(os.path.join(plot_dir, "latency.svg"))
    accuracy = svg_text(os.path.join(plot_dir, "accuracy_size.svg"))
    ops = svg_text(os.path.join(plot_dir, "ops.svg"))
    for r in records:
        label = f"{r['model']} / {r['backend']}"
        check(label in latency and f"{r['median_ms']:.4f}" in latency, f"latency.svg lacks {label} {r['median_ms']:.4f}")
        check(label in ops, f"ops.svg lacks {label}")
        for o in r["top_ops"]:
            check(f"{o['op']} {o['ms']:.4f} ms {100 * o['share']:.1f}%" in ops, f"ops.svg lacks {label}: {o}")
        if r["accuracy"] is not None:
            point = f"{r['model']} {r['accuracy']:.4f} @ {r['file_bytes']} B"
            check(point in accuracy, f"accuracy_size.svg lacks '{point}'")
    for bits in ("float", "w8a8", "w4a4"):
        check(bits in accuracy.split("\n"), f"accuracy_size.svg has no legend entry {bits}")


def zoo(json_path, csv_path, plot_dir, zoo_dir):
    records = json.load(open(json_path))
    check(isinstance(records, list), "JSON is not a list")
    for r in records:
        r["path"] = r["path"] if os.path.isabs(r["path"]) else os.path.join(os.getcwd(), r["path"])
        check_record(r)
    got = by_name(records)
    want = {(m, b) for m in ("tiny_cnn_float", "tiny_cnn_w8a8", "tiny_cnn_w4a4", "tiny_cnn_latency")
            for b in ("cpu", "null")}
    check(set(got) == want, f"records {sorted(got)}, expected {sorted(want)}")
    if problems:
        return
    for b in ("cpu", "null"):
        f, w8, w4, lat = (got[(m, b)] for m in ("tiny_cnn_float", "tiny_cnn_w8a8", "tiny_cnn_w4a4", "tiny_cnn_latency"))
        # bench_make_eval.py labels every 4th of 48 samples wrongly on purpose: the float model scores 36/48.
        check(f["accuracy"] == 0.75, f"float accuracy on {b}: {f['accuracy']}")
        check(f["float_agreement"] is None and lat["accuracy"] is None, f"float/latency extras on {b}")
        check(w8["float_agreement"] is not None and w8["float_agreement"] >= 0.9,
              f"w8a8 agrees with float on {w8['float_agreement']} of samples ({b})")
        check(w4["float_agreement"] is not None and 0 <= w4["float_agreement"] <= 1, f"w4a4 float_agreement ({b})")
        check(w8["weight_bits"] == 8 and w4["act_bits"] == 4 and f["format"] == "float", f"metadata on {b}")
        check(w4["file_bytes"] < w8["file_bytes"] < f["file_bytes"],
              f"file sizes float {f['file_bytes']}, w8 {w8['file_bytes']}, w4 {w4['file_bytes']} ({b})")
        check(f["onnx_bytes"] == os.path.getsize(os.path.join(zoo_dir, "tiny_cnn.onnx")), f"onnx_bytes ({b})")
        check(f["recorded_accuracy"] == 0.75, f"recorded_accuracy ({b})")
    check_csv(csv_path, records)
    check_svgs(plot_dir, records)


def models(json_path, onnx_path, qedge_path):
    records = json.load(open(json_path))
    check([r["model"] for r in records] == [os.path.basename(onnx_path), os.path.basename(qedge_path)],
          f"models {[r['model'] for r in records]}")
    for r in records:
        check_record(r)
        check(r["accuracy"] == 0.75 and r["samples"] == 48 and r["correct"] == 36, f"{r['model']}: accuracy {r['accuracy']}")
        check(r["entry"] == "tiny_cnn_float", f"{r['model']}: entry {r['entry']}")
        check(r["ort_median_ms"] is None or positive(r["ort_median_ms"]), f"{r['model']}: ort_median_ms")
    if records:
        check(records[1]["backend"] == "cpu", f".qedge backend label {records[1]['backend']!r}")
        onnx = records[0]
        check((onnx["ort_median_ms"] is None) == (onnx["ratio_vs_ort"] is None), "ratio_vs_ort without ort_median_ms")
        for key in ("ort_load_ms", "ort_peak_rss_mb"):
            check((onnx["ort_median_ms"] is None) == (onnx[key] is None), f"{key} without ort_median_ms")
        if onnx["ort_median_ms"] is not None:
            check(abs(onnx["ratio_vs_ort"] - onnx["median_ms"] / onnx["ort_median_ms"]) < 1e-9, "ratio_vs_ort")
            print(f"peer ort: qedge {onnx['median_ms']:.4f} ms, ORT {onnx['ort_median_ms']:.4f} ms, ratio {onnx['ratio_vs_ort']:.2f}")


if __name__ == "__main__":
    {"zoo": zoo, "models": models}[sys.argv[1]](*sys.argv[2:])
    for p in problems:
        print("FAIL:", p)
    sys.exit(1 if problems else 0)
