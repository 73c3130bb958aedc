#!/usr/bin/python3
"""Converts and runs every model of model_zoo/zoo.json whose file is present, and says how its layers lowered.

    /usr/bin/python3 model_zoo/check_zoo.py [--qedge build/bin/qedge] [NAME...]

Per model: `qedge convert --report` and `qedge run --random-inputs` must succeed; for quantized models, each
Conv/Gemm/MatMul that did not become qedge.QConv/QMatMul is listed with the report's reason. Exit 1 when a model fails
to convert or run; models not built yet (committed: false, file absent) are listed as skipped.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import manifest

LINEAR = ("Conv", "Gemm", "MatMul")
LOWERED = ("qedge.QConv", "qedge.QMatMul")


def qedge(binary, *args):
    done = subprocess.run([binary] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return done.returncode, done.stdout


def float_layers(report):
    """(node, reason) of the Conv/Gemm/MatMul rows of a --report that stayed float."""
    rows = []
    for line in report.splitlines():
        cols = line.split(None, 5)
        if len(cols) == 6 and cols[1] in LINEAR:
            rows.append((cols[0], cols[5]))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qedge", default=os.path.join(manifest.REPO_ROOT, "build", "bin", "qedge"))
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    failed = 0
    for m in manifest.load()["models"]:
        if args.names and m["name"] not in args.names:
            continue
        path = os.path.join(manifest.ZOO_DIR, m["file"])
        if not os.path.exists(path):
            print("SKIP %-30s not built (%s)" % (m["name"], m["build"]))
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "m.qedge")
            rc, report = qedge(args.qedge, "convert", path, "-o", out, "--report")
            if rc == 0:
                rc, text = qedge(args.qedge, "run", out, "--random-inputs")
                report += text
            if rc != 0:
                failed += 1
                print("FAIL %-30s\n%s" % (m["name"], report))
                continue
            lowered = sum(line.split()[1] in LOWERED for line in report.splitlines() if len(line.split()) > 1)
            stayed = float_layers(report) if m["format"] != "float" else []
            print("OK   %-30s %8d B .qedge, %d integer layers%s" % (m["name"], os.path.getsize(out), lowered,
                                                                   ", %d float" % len(stayed) if stayed else ""))
            for node, reason in stayed:
                print("       float layer %s: %s" % (node, reason))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
