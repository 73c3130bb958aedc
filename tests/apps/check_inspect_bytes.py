#!/usr/bin/python3
"""Checks the byte accounting of `qedge inspect --json` against the file it describes.

    check_inspect_bytes.py INSPECT_JSON MODEL.qedge

Every constant's payload must be ceil(elements * storage_bits / 8) (so a packed 4-bit tensor costs half a byte per
element), its segment at most 63 bytes of alignment padding more, the payload per bit width must add up, and the
file must be exactly FlatBuffer + padding + payload, with at most 63 bytes of padding before the data region.
Exit status 0 when all hold, 1 otherwise (each broken rule printed).
"""

import collections
import json
import os
import sys


def check(d, model_path):
    errors = []
    consts = [t for t in d["tensors"] if t["where"] == "constant"]
    by_bits = collections.Counter()
    for t in consts:
        want = (t["elements"] * t["storage_bits"] + 7) // 8
        if t["bytes"] != want:
            errors.append("%s: payload %d bytes, expected ceil(%d * %d / 8) = %d"
                          % (t["name"], t["bytes"], t["elements"], t["storage_bits"], want))
        if not 0 <= t["segment_bytes"] - t["bytes"] < 64:
            errors.append("%s: segment %d bytes for a payload of %d" % (t["name"], t["segment_bytes"], t["bytes"]))
        if t["layout"] == "packed" and t["storage_bits"] != t["bits"]:
            errors.append("%s: packed at %d bits but quantized to %d" % (t["name"], t["storage_bits"], t["bits"]))
        by_bits[str(t["storage_bits"])] += t["bytes"]
    payload = sum(t["bytes"] for t in consts)
    if d["weight_payload_bytes"] != payload:
        errors.append("weight_payload_bytes %d, constants add up to %d" % (d["weight_payload_bytes"], payload))
    if d["weight_bytes_by_bits"] != dict(by_bits):
        errors.append("weight_bytes_by_bits %s, constants give %s" % (d["weight_bytes_by_bits"], dict(by_bits)))
    if d["file_bytes"] != os.path.getsize(model_path):
        errors.append("file_bytes %d, the file has %d" % (d["file_bytes"], os.path.getsize(model_path)))
    if d["file_bytes"] != d["flatbuffer_bytes"] + d["padding_bytes"] + d["weight_payload_bytes"]:
        errors.append("file %d != flatbuffer %d + padding %d + payload %d" % (
            d["file_bytes"], d["flatbuffer_bytes"], d["padding_bytes"], d["weight_payload_bytes"]))
    header_padding = d["file_bytes"] - d["flatbuffer_bytes"] - sum(t["segment_bytes"] for t in consts)
    if not 0 <= header_padding < 64:
        errors.append("%d bytes lie between the FlatBuffer and the first segment" % header_padding)
    return errors


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1]) as f:
        d = json.load(f)
    errors = check(d, argv[2])
    for e in errors:
        print("inspect byte accounting: " + e)
    consts = sum(t["where"] == "constant" for t in d["tensors"])
    print("inspect byte accounting: %d constants, file %d = flatbuffer %d + padding %d + payload %d, by bits %s: %s"
          % (consts, d["file_bytes"], d["flatbuffer_bytes"], d["padding_bytes"], d["weight_payload_bytes"],
             d["weight_bytes_by_bits"], "ok" if not errors else "FAILED"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
