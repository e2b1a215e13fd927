#!/usr/bin/env bash
# Installs the independent implementations the emulator suites run against, from the repo's own pins:
# Python tools (moto, fakesnow, cfn-lint) into .emulators/venv and the Apache Kafka jars through Maven
# into .emulators/kafka/libs. Idempotent: a second run with the same pins does nothing; offline after
# the first run (pip and Maven keep their caches).
set -euo pipefail
cd "$(dirname "$0")/.."
root=.emulators
mkdir -p "$root"

python=${PYTHON:-python3}
stamp_py="$root/venv/.requirements.sha256"
want_py=$(sha256sum emulators/requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp_py" ] || [ "$(cat "$stamp_py")" != "$want_py" ]; then
  echo "emulators: installing Python tools (moto, fakesnow, cfn-lint) into $root/venv"
  "$python" -m venv "$root/venv"
  "$root/venv/bin/pip" install --quiet --disable-pip-version-check -r emulators/requirements.txt
  echo "$want_py" > "$stamp_py"
else
  echo "emulators: Python tools already installed ($root/venv)"
fi

stamp_jar="$root/kafka/.pom.sha256"
want_jar=$(sha256sum emulators/kafka/pom.xml | cut -d' ' -f1)
if [ ! -f "$stamp_jar" ] || [ "$(cat "$stamp_jar")" != "$want_jar" ]; then
  echo "emulators: fetching Apache Kafka jars through Maven into $root/kafka/libs"
  rm -rf "$root/kafka/libs"
  mkdir -p "$root/kafka"
  mvn -q -B -f emulators/kafka/pom.xml dependency:copy-dependencies \
    -DoutputDirectory="$PWD/$root/kafka/libs" -DincludeScope=runtime
  echo "$want_jar" > "$stamp_jar"
else
  echo "emulators: Kafka jars already present ($root/kafka/libs)"
fi
echo "emulators: ready"
