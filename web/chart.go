package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// barChart is a horizontal bar chart of one rate over groups, drawn as SVG
// on the server: it needs no script and prints.
type barChart struct {
	ID     string // unique in the page
	Title  string
	Unit   string
	Target float64 // 0 = none
	Bars   []bar
}

type bar struct {
	Label string
	Value *float64 // nil: no rate
	Below bool
}

// Chart geometry.
const (
	chartWidth   = 640
	chartLabelW  = 170
	chartBarH    = 18
	chartGap     = 6
	chartTop     = 28
	chartBottom  = 24
	chartValueW  = 60
	chartMaxBars = 40
)

// SVG draws the chart. Every text is escaped; the SVG uses presentation
// attributes only (the Content-Security-Policy forbids inline styles).
func (c barChart) SVG() template.HTML {
	bars := c.Bars
	if len(bars) > chartMaxBars {
		bars = bars[:chartMaxBars]
	}
	plotW := float64(chartWidth - chartLabelW - chartValueW)
	h := chartTop + len(bars)*(chartBarH+chartGap) + chartBottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg" aria-labelledby="%s">`,
		chartWidth, h, c.ID)
	fmt.Fprintf(&b, `<title id="%s">%s</title>`, c.ID, html.EscapeString(c.Title))
	fmt.Fprintf(&b, `<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">%s</text>`, html.EscapeString(c.Title))
	for i, br := range bars {
		y := chartTop + i*(chartBarH+chartGap)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end" fill="#222">%s</text>`,
			chartLabelW-6, y+chartBarH-5, html.EscapeString(br.Label))
		if br.Value == nil {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#555">—</text>`, chartLabelW+4, y+chartBarH-5)
			continue
		}
		w := plotW * min(*br.Value, 100) / 100
		fill := "#1f6f43"
		if br.Below {
			fill = "#b71c1c"
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %.2f%s</title></rect>`,
			chartLabelW, y, w, chartBarH, fill, html.EscapeString(br.Label), *br.Value, c.Unit)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="12" fill="#222">%.2f%s</text>`,
			float64(chartLabelW)+w+4, y+chartBarH-5, *br.Value, c.Unit)
	}
	if c.Target > 0 {
		x := float64(chartLabelW) + plotW*c.Target/100
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#222" stroke-dasharray="4 3"/>`, x, chartTop-4, x, h-chartBottom+2)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="#222">%s %.0f%s</text>`,
			x, h-6, html.EscapeString(label("audit.target")), c.Target, c.Unit)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from escaped parts above
}
