#!/usr/bin/env bash
# Seeds each target's corpus with small cuts of the real fixtures (at most 12 KB each: the
# committed corpus holds small files only). Run once, then minimise with
#   fuzz/target/x86_64-unknown-linux-gnu/release/T -merge=1 -max_len=16384 NEW fuzz/corpus/T
# No -e or pipefail: `head` cutting a decompressor short is the point.
set -u
cd "$(dirname "$0")"
shared=../../shared/fixtures
head_kb() { head -c 12288 "$1"; }
put() { mkdir -p "corpus/$1"; cat > "corpus/$1/seed-$2"; }
zcat ../fixtures/internals-gumonly.gz | put internals gumonly
zcat "$shared/recorded/webrtc_internals_dump_v3_loopback_30s.gz" | head -c 12288 | put internals loopback-cut
zcat ../fixtures/internals-gumonly.gz | put json_scan gumonly
zcat ../fixtures/internals-gumonly.gz | put json_scan_vs_serde gumonly
put rtcstats_v3 gumonly < ../fixtures/rtcstats-v3-gumonly.jsonl
head_kb "$shared/recorded/rtcstats-v3_loopback_30s.jsonl" | put rtcstats_v3 loopback-cut
head_kb "$shared/recorded/rtcstats-jitsi_loopback_30s.jsonl" | put rtcstats_legacy jitsi-loopback-cut
head_kb "$shared/public/jitsi/chrome-standard-pc-failed" | put rtcstats_legacy jitsi-failed-cut
head_kb "$shared/public/jitsi/google-legacy-stats-p2p" | put rtcstats_legacy goog-legacy-cut
put jitsi_component jigasi < "$shared/public/jitsi/jigasi-sample"
for f in ../fixtures/rtcstats-v3-gumonly.jsonl ../fixtures/internals-gumonly.gz "$shared/public/jitsi/jigasi-sample"; do
  put decode "$(basename "$f")" < "$f"
done
put compression internals-gumonly.gz < ../fixtures/internals-gumonly.gz
# An SDP, the first one a Chrome p2p call recorded.
python3 - "$shared/public/jitsi/google-standard-stats-p2p" <<'PY' | put sdp offer
import json, sys
for line in open(sys.argv[1]):
    try: v = json.loads(line)
    except ValueError: continue
    p = v[2] if isinstance(v, list) and len(v) > 2 else None
    if isinstance(p, dict) and isinstance(p.get('sdp'), str):
        sys.stdout.write(p['sdp'][:12288]); break
PY
cp corpus/sdp/seed-offer corpus/sdp_sections/seed-offer 2>/dev/null || true
