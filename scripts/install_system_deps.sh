#!/usr/bin/env bash
# Installs the system packages that the embedded piano dataset needs to render its
# scores: the FluidSynth synthesiser and the Fluid (R3) General MIDI SoundFont, whose
# acoustic grand piano is the sampled piano of `datasets/piano_dataset`; and Chromium,
# whose headless mode renders `keras-ada report`'s page in the tests.
# Idempotent: does nothing when both are present; runs `apt-get update` only when
# something is missing.
set -euo pipefail

packages=(fluidsynth fluid-soundfont-gm chromium)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
