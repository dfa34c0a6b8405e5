#!/bin/sh
# run-node.sh DIR - runs the node:test files of DIR (TAP output).
set -u
cd "$(dirname "$0")/.."
exec node --test --test-reporter=tap "$1"/*.test.mjs
