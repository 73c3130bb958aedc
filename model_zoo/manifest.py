"""Reads and updates model_zoo/zoo.json (format: docs in model_zoo/README.md). Build scripts upsert their entries."""
import json
import os

ZOO_DIR = os.path.dirname(os.path.abspath(__file__))
ZOO_JSON = os.path.join(ZOO_DIR, "zoo.json")
REPO_ROOT = os.path.dirname(ZOO_DIR)


def load(path=ZOO_JSON):
    if not os.path.exists(path):
        return {"version": 1, "models": []}
    with open(path) as f:
        return json.load(f)


def upsert(entries, path=ZOO_JSON):
    """Replaces the entries of the same name (keeping their position) and appends new ones."""
    zoo = load(path)
    index = {m["name"]: i for i, m in enumerate(zoo["models"])}
    for e in entries:
        if e["name"] in index:
            zoo["models"][index[e["name"]]] = e
        else:
            index[e["name"]] = len(zoo["models"])
            zoo["models"].append(e)
    with open(path, "w") as f:
        json.dump(zoo, f, indent=2)
        f.write("\n")


def entry(name, task, family, file, fmt, weight_bits, act_bits, inputs, float_reference, eval_spec, committed,
          build, **extra):
    """One manifest entry in the contract's key order; extra keys (notes, sizes) follow."""
    e = {"name": name, "task": task, "family": family, "file": file, "format": fmt,
         "weight_bits": weight_bits, "act_bits": act_bits, "inputs": inputs, "float_reference": float_reference,
         "eval": eval_spec, "committed": committed, "build": build}
    e.update(extra)
    return e
