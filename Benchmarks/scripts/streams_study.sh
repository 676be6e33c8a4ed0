#!/usr/bin/env bash
# P5 online study: the learner against Greedy, the look-ahead and the offline reference on
# held-out traces, per regime, over training seeds, with the ablations; writes CSVs, a summary
# (summary.md) and SVG plots. From the package root:
#
#   swift build -c release --product solverbench
#   Benchmarks/scripts/streams_study.sh [out-dir]        # default Benchmarks/results/streams
#
# Environment: SEEDS (training seeds, default "1 2 3 4 5"), EPISODES (default 300),
# HELD_OUT (held-out seeds FIRST:LAST, default 9001:9005; training draws its traces from its own
# seeded generator, never from these), REFERENCE (offline solvers whose best objective is the
# reference, default p5-dp). Everything is seeded: the same settings give the same numbers.
set -euo pipefail
out=${1:-Benchmarks/results/streams}
bench=${SOLVERBENCH:-.build/release/solverbench}
seeds=${SEEDS:-1 2 3 4 5}
episodes=${EPISODES:-300}
held_out=${HELD_OUT:-9001:9005}
reference=${REFERENCE:-p5-dp}
mkdir -p "$out"

# regime name | training settings | held-out trace length | variants (ablations where it is congested)
regimes=(
  "standard|--set regime=standard|200|full"
  "bursty|--set regime=bursty|300|full no-experience-init no-prioritized no-lookahead-prior"
)
for spec in "${regimes[@]}"; do
  IFS='|' read -r regime settings length variants <<<"$spec"
  dir="$out/$regime"
  mkdir -p "$dir"
  # Held-out traces: the training distribution with other seeds (and longer traces).
  # shellcheck disable=SC2086
  "$bench" train $settings --set tasks="$length" --sample "$dir/held-out" --sample-seeds "$held_out" >/dev/null
  "$bench" "$dir/held-out" --solvers "p5-greedy,p5-lookahead,$reference" --format csv --quiet >"$dir/baselines.csv"
  for variant in $variants; do
    disable=()
    [[ $variant == no-* ]] && disable=(--disable "${variant#no-}")
    for seed in $seeds; do
      # shellcheck disable=SC2086
      "$bench" train $settings --set tasks=100 --seed "$seed" --episodes "$episodes" "${disable[@]}" \
        --output "$dir/policy-$variant-$seed.json" --curve "$dir/curve-$variant-$seed.csv" \
        --held-out "$dir/held-out" --evaluation "$dir/eval-$variant-$seed.csv" >"$dir/train-$variant-$seed.txt"
      echo "$regime $variant seed $seed done" >&2
    done
  done
done
python3 "$(dirname "$0")/streams_study.py" "$out" --reference "$reference"
