package web

import (
	"fmt"
	"html/template"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// qrQuietZone is the blank border around a QR code, in modules: the
// standard's four, so that a phone finds the code on a busy sheet.
const qrQuietZone = 4

// qrSVG returns text as a QR code in an inline SVG element: one path of
// unit squares in a viewBox, so that the browser draws it sharp at any
// size and the printer at its own resolution. The element is a picture
// (role img) named by title; the caller shows the text beside it.
func qrSVG(text, title string) (template.HTML, error) {
	code, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return "", fmt.Errorf("QR code of %q: %w", text, err)
	}
	w := &svgWriter{}
	if err := code.Save(w); err != nil {
		return "", fmt.Errorf("QR code of %q: %w", text, err)
	}
	n := len(w.bits) + 2*qrQuietZone
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		n, n, template.HTMLEscapeString(title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range w.bits {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			// A run of dark modules is one rectangle.
			end := x
			for end < len(row) && row[end] {
				end++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+qrQuietZone, y+qrQuietZone, end-x, end-x)
			x = end
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil // built here of numbers and escaped text only
}

// svgWriter keeps the matrix of a QR code (qrcode.Writer).
type svgWriter struct{ bits [][]bool }

func (w *svgWriter) Write(m qrcode.Matrix) error {
	w.bits = m.Bitmap()
	return nil
}

func (w *svgWriter) Close() error { return nil }
