#!/usr/bin/env python3
"""Picks the few fuzzer-found inputs worth checking in, from a libFuzzer merge control file.

Usage: pick_corpus.py CONTROL_FILE LIMIT MAX_BYTES OUT_DIR

CONTROL_FILE comes from a merge whose first folder is a copy of the seeds
(`seed-*` files), e.g.

    target/x86_64-unknown-linux-gnu/release/catalog -merge=1 \
        -merge_control_file=/tmp/ctl /tmp/seeds-copy /tmp/minimized

libFuzzer records for each file the features no earlier file had, seeds
first. Starting from the seeds' features, this repeatedly takes the file that
adds the most features not yet covered (the smaller one on a tie), until LIMIT
files are taken, no file adds anything, or MAX_BYTES would be exceeded, and
copies the files taken to OUT_DIR.
"""

import os
import shutil
import sys


def main():
    control, limit, budget, out_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    lines = open(control).read().split("\n")
    count = int(lines[0])
    paths = lines[2 : 2 + count]
    features = {}
    for line in lines[2 + count :]:
        parts = line.split()
        if parts and parts[0] == "FT":
            features[int(parts[1])] = set(map(int, parts[2:]))
    covered = set()
    candidates = []
    for i, path in enumerate(paths):
        if os.path.basename(path).startswith("seed-"):
            covered |= features.get(i, set())
        else:
            candidates.append((i, path, os.path.getsize(path)))
    seeds = len(covered)
    taken, total = [], 0
    while len(taken) < limit and candidates:
        best = max(candidates, key=lambda c: (len(features.get(c[0], set()) - covered), -c[2]))
        if not features.get(best[0], set()) - covered:
            break
        candidates.remove(best)
        if total + best[2] > budget:
            continue
        taken.append(best)
        total += best[2]
        covered |= features[best[0]]
    everything = set().union(*features.values()) if features else set()
    print(
        f"seeds: {seeds} features; taken: {len(taken)} files, {total} bytes; "
        f"{len(covered)} of {len(everything)} features"
    )
    os.makedirs(out_dir, exist_ok=True)
    for _, path, _ in taken:
        shutil.copy(path, os.path.join(out_dir, os.path.basename(path)))


if __name__ == "__main__":
    main()
