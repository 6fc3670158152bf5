#!/bin/sh
# Regenerates the upgrade fixture (two data directories written by release 346ad19, the last release
# before causal authority, plus forged events of a removed device) from that release's own code:
#   node/daemon/src/test/resources/upgrade/v0.1.0/regenerate.sh
# It exports the release with `git archive` into a temporary directory (no worktree is registered),
# builds its jar there (`mvn -B -q package -DskipTests -pl node -am`: reactor only, nothing installed
# into ~/.m2), compiles MakeFixture.java against it and runs it. Commit the result.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
release=346ad19
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$repo" archive "$release" | tar -x -C "$work"
(cd "$work" && mvn -B -q package -DskipTests -pl node -am)
jar="$work/node/target/lorehub-node.jar"   # the release predates node/daemon
mkdir -p "$work/classes"
javac -d "$work/classes" -cp "$jar" "$here/MakeFixture.java"
rm -rf "$here/ann-laptop" "$here/ann-desktop" "$here/forged" "$here/manifest.properties"
java -cp "$work/classes:$jar" MakeFixture "$here"
# Keys are test-only; git does not keep modes, so tests copy the directories and make them private again.
rm -f "$here"/*/node/node.lock "$here"/*/lorehub.db-wal "$here"/*/lorehub.db-shm
echo "fixture written to $here"
