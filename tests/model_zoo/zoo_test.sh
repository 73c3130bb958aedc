#!/usr/bin/env bash
# The committed model zoo: every committed classification model of model_zoo/zoo.json converts, runs, and reaches
# its recorded accuracy (within 0.005) on the held-out digits split, and the README demo's 4-bit CNN reads the drawn
# "7" as 7. The eval set is generated from scikit-learn's bundled digits (never committed); without python3-sklearn
# the test is skipped (exit 77), and fails under CI=true.
# Usage: zoo_test.sh QEDGE SOURCE_DIR
set -u
qedge=$1
src=$2
zoo=$src/model_zoo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$src/tests/apps/check.sh"
py=/usr/bin/python3

if ! "$py" -c "import sklearn" 2>/dev/null; then
  echo "python3-sklearn is missing: cannot generate the digits eval set"
  [ "${CI:-}" = "true" ] && exit 1
  exit 77
fi

# A copy of the manifest whose eval data lives in $tmp: the source tree stays clean.
cp "$zoo/zoo.json" "$tmp/zoo.json"
ln -s "$zoo/digits" "$tmp/digits"
check "generate the digits eval set" 0 "$py" "$zoo/datasets.py" digits "$tmp/data/digits_test"

# name, file, recorded accuracy of each committed classification model
"$py" - "$tmp/zoo.json" >"$tmp/entries" <<'EOF'
import json, sys
for m in json.load(open(sys.argv[1]))["models"]:
    if m["committed"] and m["task"] == "classification":
        print(m["name"], m["file"], m["eval"]["accuracy"])
EOF
[ -s "$tmp/entries" ] || fail "zoo.json lists no committed classification model"

measure() {  # measure NAME FILE -> prints the accuracy
  "$qedge" eval "$zoo/$2" --zoo-entry "$1" --zoo "$tmp/zoo.json" --json >"$tmp/eval.json" || return 1
  "$py" -c "import json, sys; print(json.load(open(sys.argv[1]))['accuracy'])" "$tmp/eval.json"
}

while read -r name file recorded; do
  if ! acc=$(measure "$name" "$file" 2>"$tmp/err"); then
    fail "$name: evaluation failed"; cat "$tmp/err"; continue
  fi
  if "$py" -c "import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) - 0.005 else 1)" "$acc" "$recorded"
  then
    echo "ok: $name accuracy $acc (recorded $recorded)"
  else
    fail "$name: accuracy $acc, recorded $recorded"
  fi
done <"$tmp/entries"

# The README demo: the committed 4-bit QONNX CNN classifies the drawn seven.
check "convert the demo model" 0 "$qedge" convert "$zoo/digits/digits_cnn_w4a4.onnx" -o "$tmp/demo.qedge"
check "run it on the drawn seven" 0 "$qedge" run "$tmp/demo.qedge" --input "x=$zoo/digits/seven.npy" \
  --output-dir "$tmp/demo"
digit=$("$py" -c "import numpy, sys; print(int(numpy.load(sys.argv[1]).argmax()))" "$tmp/demo/logits.npy")
if [ "$digit" = 7 ]; then
  echo "ok: the demo model reads the drawn seven as 7"
else
  fail "the demo model reads the seven as $digit"
fi

echo "$failures failure(s)"
[ "$failures" = 0 ]
