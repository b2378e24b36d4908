#!/usr/bin/env bash
# make_tar.sh: Autolab's autograde.tar and autograde-Makefile (run by
# `make autolab`).
#
#   make_tar.sh OUT_DIR
#
# autograde.tar holds the course's grader under autograde/ (the files of
# platforms/grader_files.sh, hidden checks included); autograde-Makefile is
# copied beside it. Upload both to the Autolab assessment.
set -euo pipefail
out=${1:?usage: make_tar.sh OUT_DIR}
cd "$(dirname "$0")/../.."
mkdir -p "$out"
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage/autograde"
platforms/grader_files.sh "$stage/autograde"
tar -cf "$out/autograde.tar" -C "$stage" --owner=0 --group=0 --numeric-owner \
	--sort=name autograde
cp platforms/autolab/autograde-Makefile "$out/autograde-Makefile"
rm -rf "$stage"
echo "autolab: $out/autograde.tar and $out/autograde-Makefile"
