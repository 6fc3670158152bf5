#!/bin/sh
# Builds node/daemon/target/lorehub-node_<version>_<arch>.deb from what `mvn package` made in node/daemon/target:
#   /usr/bin/lorehub-node                        -> ../lib/lorehub-node/bin/lorehub-node (the launcher)
#   /usr/lib/lorehub-node/{bin,lib,runtime}      launcher, jar, and a Java runtime made by jpackage (jlink)
#   /usr/share/man/man1/lorehub-node*.1.gz       one page per command
#   /usr/share/bash-completion/completions/lorehub-node, /usr/share/zsh/vendor-completions/_lorehub-node
#   /usr/lib/systemd/user/*.service              whatever node/daemon/src/dist/systemd/ holds (the `service` command's unit)
#   /usr/share/doc/lorehub-node/                 README.md, copyright
# jpackage makes the runtime and the package's metadata (dependencies of the runtime's native
# libraries); the package is then completed with the files above and rebuilt with dpkg-deb.
#
# Usage: make-deb.sh NODE_DIR VERSION [JAVA_HOME]   (run by `mvn -B -q package -DskipTests -Pdeb`)
# Skips, with a message and exit status 0, when jpackage, dpkg-deb or fakeroot is missing.
set -eu

node=$(cd -P -- "$1" && pwd -P)
version=$2
java_home=${3:-${JAVA_HOME:-}}
target=$node/daemon/target

jpackage=
if [ -n "$java_home" ] && [ -x "$java_home/bin/jpackage" ]; then
    jpackage=$java_home/bin/jpackage
elif command -v jpackage >/dev/null 2>&1; then
    jpackage=$(command -v jpackage)
fi
jdeps=${jpackage%jpackage}jdeps
missing=
[ -n "$jpackage" ] || missing="$missing jpackage (a full JDK 17+, e.g. apt install openjdk-17-jdk-headless)"
command -v dpkg-deb >/dev/null 2>&1 || missing="$missing dpkg-deb (apt install dpkg)"
command -v fakeroot >/dev/null 2>&1 || missing="$missing fakeroot (apt install fakeroot)"
if [ -n "$missing" ]; then
    echo "lorehub-node .deb: skipped, missing:$missing" >&2
    exit 0
fi
for f in "$target/lorehub-node.jar" "$target/dist/completion/lorehub-node.bash" "$target/dist/completion/_lorehub-node"; do
    if [ ! -f "$f" ]; then
        echo "lorehub-node .deb: $f is missing: run \`mvn -B -q package -DskipTests -Pdeb\` from the project root." >&2
        exit 1
    fi
done

# Debian versions: 0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT (sorts before 0.1.0); jpackage wants digits only.
app_version=${version%%-*}
case $version in
    *-*) deb_version="$app_version~${version#*-}-1" ;;
    *) deb_version="$app_version-1" ;;
esac

work=$target/deb
rm -rf -- "$work"
mkdir -p -- "$work/input" "$work/out"
cp -- "$target/lorehub-node.jar" "$work/input/"

# The runtime holds the modules the jar uses (jdeps) plus the providers it finds through service
# lookup, which jdeps cannot see: jdk.crypto.ec (TLS 1.3 key exchange and Ed25519 certificates).
# Not java.desktop: only optional java.beans support in Kryo and Jackson refers to it, and it would
# make the package depend on X11, sound and font libraries.
echo "lorehub-node .deb: finding the Java modules the jar needs (jdeps)..." >&2
modules=$("$jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$work/input/lorehub-node.jar" | tail -n 1)
modules=$(printf '%s\n' "$modules" | tr ',' '\n' | grep -v '^java.desktop$' | tr '\n' ',')
modules="${modules}jdk.crypto.ec"

echo "lorehub-node .deb: building the runtime and package with jpackage (about a minute)..." >&2
"$jpackage" --type deb --dest "$work/out" \
    --name lorehub-node --app-version "$app_version" \
    --description "LoreHub Sync Node: keeps a LoreHub knowledge base in sync between devices on one network" \
    --vendor "LoreHub" --copyright "MIT License" --license-file "$node/../../LICENSE" \
    --linux-package-name lorehub-node --linux-deb-maintainer lorehub-node@localhost \
    --linux-app-category utils --install-dir /usr \
    --input "$work/input" --main-jar lorehub-node.jar --main-class dev.lorehub.node.cli.Main \
    --add-modules "$modules" \
    --jlink-options "--strip-debug --no-man-pages --no-header-files --generate-cds-archive"

built=$(ls "$work"/out/*.deb)
root=$work/root
dpkg-deb -R "$built" "$root"
lib=$root/usr/lib/lorehub-node

# Our launcher instead of jpackage's (same Java lookup, options, and sharing archive as the tar.gz).
rm -f -- "$root/usr/bin/lorehub-node"
find "$lib" \( -name libapplauncher.so -o -name lorehub-node.png -o -name lorehub-node.cfg \) -delete
mkdir -p -- "$lib/bin" "$lib/lib"
mv -- "$lib/app/lorehub-node.jar" "$lib/lib/lorehub-node.jar"
rmdir -- "$lib/app"
install -m 0755 "$node/daemon/src/dist/bin/lorehub-node" "$lib/bin/lorehub-node"
ln -s ../lib/lorehub-node/bin/lorehub-node "$root/usr/bin/lorehub-node"

mkdir -p -- "$root/usr/share/man/man1"
for page in "$target"/dist/man/man1/*.1; do
    gzip -9n < "$page" > "$root/usr/share/man/man1/${page##*/}.gz"
done
install -D -m 0644 "$target/dist/completion/lorehub-node.bash" "$root/usr/share/bash-completion/completions/lorehub-node"
install -D -m 0644 "$target/dist/completion/_lorehub-node" "$root/usr/share/zsh/vendor-completions/_lorehub-node"
# The systemd user unit, when the `service` command's change has put one in src/dist/systemd/.
for unit in "$node"/src/dist/systemd/*.service; do
    [ -f "$unit" ] || continue
    install -D -m 0644 "$unit" "$root/usr/lib/systemd/user/${unit##*/}"
done
install -D -m 0644 "$node/../../README.md" "$root/usr/share/doc/lorehub-node/README.md"
if [ ! -f "$root/usr/share/doc/lorehub-node/copyright" ]; then
    install -D -m 0644 "$node/../../LICENSE" "$root/usr/share/doc/lorehub-node/copyright"
fi

# jpackage's maintainer scripts only handle desktop menu entries, which this command-line program has none of.
rm -f -- "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm" "$root/DEBIAN/preinst" "$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -i -e "s/^Version: .*/Version: $deb_version/" -e "s/^Installed-Size: .*/Installed-Size: $size/" \
    -e "s/^Section: .*/Section: utils/" "$root/DEBIAN/control"
(cd "$root" && find usr -type f -exec md5sum {} + > DEBIAN/md5sums)

arch=$(dpkg-deb -f "$built" Architecture)
deb=$target/lorehub-node_${deb_version}_${arch}.deb
rm -f -- "$target"/lorehub-node_*.deb
dpkg-deb --root-owner-group -Zxz -b "$root" "$deb" >/dev/null
rm -rf -- "$work"
echo "lorehub-node .deb: built $deb" >&2
echo "  install with: sudo apt install $deb" >&2
