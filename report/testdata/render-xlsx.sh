#!/bin/sh
# render-xlsx.sh XLSX [OUTDIR]: the documented check that a report workbook
# opens in a spreadsheet program with its chart. LibreOffice (headless)
# converts the workbook to PDF, and poppler's pdftoppm, when installed,
# renders the PDF's pages to PNG to look at.
#
#   apt-get install -y --no-install-recommends libreoffice-calc poppler-utils
#   zhinan report coverage --by region --format xlsx -o c.xlsx
#   sh report/testdata/render-xlsx.sh c.xlsx out
#   # then look at out/c-*.png: the table pages, then the chart page with
#   # three bars (网上可办率, 最多跑一次比例, 进驻率) per region.
#
# go test ./report -run TestRenderXLSX runs it when soffice is on PATH.
# LibreOffice is too heavy for CI, which does not install it.
set -eu
xlsx=${1:?usage: render-xlsx.sh XLSX [OUTDIR]}
out=${2:-.}
mkdir -p "$out"
name=$(basename "$xlsx" .xlsx)
# A private profile: no clash with a running LibreOffice, no state left.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation="file://$profile" --headless --norestore \
	--convert-to pdf --outdir "$out" "$xlsx" >/dev/null
test -s "$out/$name.pdf"
if command -v pdftoppm >/dev/null 2>&1; then
	pdftoppm -png -r 80 "$out/$name.pdf" "$out/$name"
fi
ls "$out"
