#!/usr/bin/env python3
"""Generate a large CloudTrail benchmark corpus in the S3 delivery layout.

    python3 bench/gen_corpus.py OUTDIR [--records N] [--files F] [--seed S] [--days D] [--workers W]

Writes OUTDIR/AWSLogs/123456789012/CloudTrail/<region>/YYYY/MM/DD/*.json.gz (gzip level 6) and
OUTDIR/MANIFEST.tsv (path<TAB>records, sorted, then TOTAL).  Only OUTDIR/AWSLogs is deleted first.
Record factories come from samples/generate.py: mostly background traffic, with the sample's
security scenarios (brute force, root usage, IAM/network/S3/KMS/... changes) injected into about
4% of the files and isolated failed console logins sprinkled in.  Output is deterministic for a
given --seed (each file has its own random.Random), whatever the number of workers.
"""
import argparse, importlib.util, multiprocessing, os, random, shutil, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True     # no samples/__pycache__ from importing the sample generator
_spec = importlib.util.spec_from_file_location("trailwatch_sample_generate",
                                               os.path.join(HERE, "..", "samples", "generate.py"))
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

REGIONS = ("us-east-1", "eu-central-1", "eu-west-1", "us-west-2")
SCENARIO_RATE = 0.04          # fraction of files that get one security scenario
FAILED_LOGIN_RATE = 0.0003    # per us-east-1 record: an isolated failed console login
LATE_RATE = 0.002             # per record: eventTime 10-20 minutes before the file's batch
# Scenarios that span minutes (the day-long "routine"/"isolated" ones are left out).
SCENARIOS = [s for s in gen.SCENARIOS if s.name not in ("routine", "isolated-failed-logins")]


def plan(records, files, days, seed):
    """Deterministic list of (index, region, window_start, n_records); totals exactly `records`."""
    rng = random.Random(seed)
    base, extra = divmod(records, files)
    counts = [base + (1 if i < extra else 0) for i in range(files)]
    for i in range(0, files - 1, 2):           # vary file sizes (+-40%) keeping the total
        d = rng.randint(-(counts[i] * 2 // 5), counts[i] * 2 // 5)
        d = max(-counts[i], min(d, counts[i + 1]))
        counts[i] += d
        counts[i + 1] -= d
    per_region = -(-files // len(REGIONS))
    step = days * 86400 / per_region
    return [(i, REGIONS[i % len(REGIONS)], gen.DAY0 + int((i // len(REGIONS)) * step) + rng.randrange(60), counts[i])
            for i in range(files)]


def make_file(job):
    """Build, encode and write one delivery file.  Runs in a worker process."""
    (index, region, start, n), out_dir, seed = job
    rng = random.Random(seed * 1000003 + index)
    recs = []
    if rng.random() < SCENARIO_RATE:
        sc = SCENARIOS[rng.randrange(len(SCENARIOS))]
        recs = [r for r in sc.fn(rng, start + rng.randrange(60), region) if r["awsRegion"] == region][:n]
    regions = (region,)
    while len(recs) < n:
        t = start + rng.randrange(300)
        if rng.random() < LATE_RATE:
            t -= rng.randint(600, 1200)
        if region == "us-east-1" and rng.random() < FAILED_LOGIN_RATE:
            u = gen.HUMANS[rng.randrange(len(gen.HUMANS))]
            recs.append(gen.console_login_failed(rng, t, u, "198.51.100.%d" % rng.randint(1, 254)))
            continue
        for r in gen.background_event(rng, t, regions):
            if r["awsRegion"] == region and len(recs) < n:     # global-service calls only in us-east-1
                recs.append(r)
    times = {id(r): gen.epoch(r) for r in recs}
    newest = max(times.values())
    deliver = -(-(newest + rng.randint(60, 420)) // 300) * 300
    recs.sort(key=lambda r: times[id(r)] + rng.uniform(-90, 90))
    rel = gen.file_path(region, deliver, gen.file_name(region, deliver, rng))
    raw, gz = gen.encode(recs, level=6)
    path = os.path.join(out_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(gz)
    return rel, len(recs), len(raw), len(gz)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--records", type=int, default=2000000)
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    if a.files < 1 or a.records < a.files:
        sys.exit("need --files >= 1 and --records >= --files")
    os.makedirs(a.outdir, exist_ok=True)
    logs = os.path.join(a.outdir, "AWSLogs")
    if os.path.isdir(logs):
        shutil.rmtree(logs)
    jobs = [(p, a.outdir, a.seed) for p in plan(a.records, a.files, a.days, a.seed)]
    t0, done, results = time.time(), 0, []
    raw_total = gz_total = rec_total = 0
    with multiprocessing.Pool(a.workers) as pool:
        for rel, n, raw, gz in pool.imap_unordered(make_file, jobs, chunksize=4):
            results.append((rel, n))
            rec_total += n
            raw_total += raw
            gz_total += gz
            done += 1
            if done % max(1, a.files // 20) == 0 or done == a.files:
                el = time.time() - t0
                print("  %5d/%d files  %9d records  %7.1f MB raw  %6.1f s  (%.0f rec/s)" % (
                    done, a.files, rec_total, raw_total / 1e6, el, rec_total / max(el, 1e-9)), flush=True)
    results.sort()
    with open(os.path.join(a.outdir, "MANIFEST.tsv"), "w", newline="\n") as f:
        f.write("path\trecords\n")
        f.writelines("%s\t%d\n" % r for r in results)
        f.write("TOTAL\t%d\n" % rec_total)
    el = time.time() - t0
    print("files: %d\nrecords: %d\nuncompressed bytes: %d (%.1f bytes/record)\ncompressed bytes: %d (ratio %.2f)\n"
          "elapsed: %.1f s" % (len(results), rec_total, raw_total, raw_total / rec_total, gz_total,
                               raw_total / max(gz_total, 1), el))


if __name__ == "__main__":
    main()
