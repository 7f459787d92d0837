# Sourced by the derive.sh scripts under data/: fetch a package from a registry into a directory,
# by its ordinary client, without installing it. Sourcing it makes a temporary directory, $work,
# removed when the script exits.

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch_deb PACKAGE VERSION DIR: Debian's PACKAGE at VERSION, unpacked into DIR. When the archive no
# longer has that version (security updates replace them), the current one is taken, with a warning:
# the sentences may then differ a little from the shipped ones.
fetch_deb() {
  local pkg="$1" version="$2" dir="$3" got
  mkdir -p "$dir/deb"
  if ! (cd "$dir/deb" && apt-get download -q "$pkg=$version" >/dev/null 2>&1); then
    echo "warning: $pkg $version is gone from the archive; using the current version" >&2
    (cd "$dir/deb" && apt-get download -q "$pkg" >/dev/null)
  fi
  got="$(ls "$dir"/deb/"$pkg"_*.deb)"
  dpkg-deb -x "$got" "$dir"
  rm -f "$got"
}

# fetch_npm PACKAGE VERSION DIR: npm's PACKAGE at VERSION, unpacked into DIR/package.
fetch_npm() {
  local pkg="$1" version="$2" dir="$3"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$pkg@$version" >/dev/null && tar xzf ./*.tgz && rm -f ./*.tgz)
}

# fetch_maven GROUP:ARTIFACT:VERSION DIR: the jar from Maven Central (through mvn), unpacked into DIR.
fetch_maven() {
  local gav="$1" dir="$2"
  mkdir -p "$dir"
  mvn -B -q dependency:copy -Dartifact="$gav" -DoutputDirectory="$dir" >/dev/null
  (cd "$dir" && unzip -q -o ./*.jar && rm -f ./*.jar)
}
