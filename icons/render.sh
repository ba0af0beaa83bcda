#!/bin/sh
# Regenerates every icon file from the two SVG sources (run from anywhere; the outputs are committed).
# Needs Debian's librsvg2-bin (rsvg-convert), icnsutils (png2icns) and imagemagick (convert):
#   apt-get install -y librsvg2-bin icnsutils imagemagick
set -eu
cd "$(dirname "$0")"
mkdir -p png
# 16-32 px come from the simplified drawing (bolder shapes on a pixel grid), the rest from the full one.
for size in 16 24 32; do
  rsvg-convert -w "$size" -h "$size" botops-small.svg -o "png/botops-$size.png"
done
for size in 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" botops.svg -o "png/botops-$size.png"
done
# Windows: one .ico with the sizes Explorer and the task bar ask for.
convert png/botops-16.png png/botops-24.png png/botops-32.png png/botops-48.png \
        png/botops-64.png png/botops-128.png png/botops-256.png botops.ico
# macOS: png2icns picks the icns slot from each PNG's size (16, 32, 48, 128, 256, 512).
png2icns botops.icns png/botops-16.png png/botops-32.png png/botops-48.png \
         png/botops-128.png png/botops-256.png png/botops-512.png >/dev/null
# The window icons (Stage.getIcons) ship inside the jar.
resources=../src/main/resources/dev/botops/ui/icons
mkdir -p "$resources"
for size in 16 24 32 48 64 128 256 512; do
  cp "png/botops-$size.png" "$resources/botops-$size.png"
done
echo "icons rendered"
