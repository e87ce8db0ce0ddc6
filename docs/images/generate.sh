#!/bin/sh
# Regenerates the pictures in README.md from the built-in scenarios.
# Run from anywhere: sh docs/images/generate.sh
set -e
cd "$(dirname "$0")/../.."
run() { go run ./cmd/tcpsim run --ladder none "$@" >/dev/null; }
run --png docs/images/lost-segment.png --to 700ms lost-segment
run --png docs/images/zero-window.png --to 9.7s zero-window
run --plot-seq docs/images/bulk-seq.png --plot-window docs/images/bulk-window.png bulk
run --png docs/images/keepalive-dead-peer.png keepalive-dead-peer
run --png docs/images/http-keepalive.png http-keepalive
run --png docs/images/http-browser.png --to 160ms http-browser
run --plot-flows docs/images/fairness-flows.png --plot-queue docs/images/fairness-queue.png fairness
# The sweep's plot against Mathis et al.'s model (25 runs of 1000 s, a few seconds).
go run ./cmd/tcpsim sweep mathis --plot docs/images/sweep-mathis.png --csv /dev/null 2>/dev/null
# The classroom page, stepped to the fast retransmission with the dropped
# segment clicked: the browser test takes it (it needs chromium).
shots=$(mktemp -d)
TCPSIM_SCREENSHOTS="$shots" go test -count=1 -run 'TestBrowserLostSegment$' ./viz/html >/dev/null
cp "$shots/html-lost-segment.png" docs/images/html-lost-segment.png
rm -r "$shots"
