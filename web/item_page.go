package web

import (
	"html/template"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/unicode/norm"

	"zhinan/store"
)

// The parts of the guide page (/items/{code}), its print view and the
// counter brief that are not the guide's own fields: phone numbers as
// tel: links, long addresses that wrap where a reader expects, the other
// regions' items of the same service, and the footer of the printed sheet
// (its address as a QR code and as text, and the date it was printed).

// phonePart is a piece of a phone field: a number, with its tel: address,
// or the text around the numbers ("（工作日）", "、").
type phonePart struct {
	Text string
	Tel  template.URL // "" for text
}

// Phone numbers are 5 (12345) to 15 digits, with "-" between groups.
const minPhoneDigits, maxPhoneDigits = 5, 15

// phoneParts splits a phone field into its numbers and the text around
// them, keeping every character: "0915-3212345（工作日）、12345" is the
// number 0915-3212345, the text "（工作日）、" and the number 12345.
// Full-width digits and hyphens count; a space joins an area code
// (0 and two or three digits) to the number after it.
func phoneParts(s string) []phonePart {
	rs := []rune(s)
	var out []phonePart
	text := 0 // start of the text not yet given out
	for i := 0; i < len(rs); {
		start := i
		if (rs[i] == '+' || rs[i] == '＋') && i+1 < len(rs) && digit(rs[i+1]) >= 0 {
			i++
		}
		if digit(rs[i]) < 0 {
			i = start + 1
			continue
		}
		var digits []rune
		group := 0 // digits of the current group
		end := i
		for i < len(rs) {
			if d := digit(rs[i]); d >= 0 {
				digits = append(digits, d)
				group++
				i++
				end = i
				continue
			}
			sep := rs[i] == '-' || rs[i] == '－' || rs[i] == '—' ||
				rs[i] == ' ' && len(digits) == group && (group == 3 || group == 4) && digits[0] == '0'
			if sep && i+1 < len(rs) && digit(rs[i+1]) >= 0 {
				group = 0
				i++
				continue
			}
			break
		}
		i = end
		if len(digits) < minPhoneDigits || len(digits) > maxPhoneDigits {
			continue
		}
		if text < start {
			out = append(out, phonePart{Text: string(rs[text:start])})
		}
		tel := string(digits)
		if rs[start] == '+' || rs[start] == '＋' {
			tel = "+" + tel
		}
		out = append(out, phonePart{Text: string(rs[start:end]), Tel: template.URL("tel:" + tel)}) // digits and + only
		text = end
	}
	if text < len(rs) {
		out = append(out, phonePart{Text: string(rs[text:])})
	}
	return out
}

// digit is r's ASCII digit (full-width digits too), -1 for another rune.
func digit(r rune) rune {
	switch {
	case r >= '0' && r <= '9':
		return r
	case r >= '０' && r <= '９':
		return '0' + r - '０'
	}
	return -1
}

// breakURL is an address as HTML text that wraps where a reader expects:
// after a slash, before a dot, ?, &, # or =. (CSS breaks anywhere within a
// part still too long for the line.)
func breakURL(u string) template.HTML {
	var b strings.Builder
	rs := []rune(u)
	for i, r := range rs {
		switch {
		case r == '/' && (i+1 >= len(rs) || rs[i+1] != '/'):
			b.WriteString(template.HTMLEscapeString(string(r)))
			b.WriteString("<wbr>")
			continue
		case i > 0 && strings.ContainsRune(".?&#=", r) && rs[i-1] != '/':
			b.WriteString("<wbr>")
		}
		b.WriteString(template.HTMLEscapeString(string(r)))
	}
	return template.HTML(b.String()) // escaped text and <wbr> only
}

// sameService reports whether two items of one catalogue entry are the
// same service: their names are the same but for width, case and spaces
// (住房公积金提取（购房） and （租房） are two services of one entry, as
// in search).
func sameService(a, b string) bool {
	key := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, strings.ToLower(norm.NFKC.String(s)))
	}
	return key(a) == key(b)
}

// otherRegions are the items of siblings (the published items of the
// guide's catalogue entry) that are the same service as the guide in
// other regions.
func (s *Server) otherRegions(p itemPage, siblings []store.Sibling) []hotItem {
	var out []hotItem
	for _, sib := range siblings {
		if sib.Code == p.Code || !sameService(sib.Name, p.Name) {
			continue
		}
		out = append(out, hotItem{Code: sib.Code, Name: sib.Name, RegionName: s.regions.name(sib.Region), Department: sib.Department})
	}
	return out
}

// absoluteURL is path (with its query) as an address a phone can open:
// the scheme the client used (https behind TLS, a trusted proxy's
// X-Forwarded-Proto or serve --secure-cookies) and the host it asked
// for. zhinan has no configured public address; a request without a
// usable Host gets the path alone.
func (s *Server) absoluteURL(c *gin.Context, path string) string {
	host := c.Request.Host
	if host == "" || strings.ContainsFunc(host, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-:[]", r))
	}) {
		return path
	}
	scheme := "http"
	if s.secureRequest(c) {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: host}).String() + path
}

// printDate is the date a sheet is printed on, in China's time (Asia/Shanghai).
func printDate(now time.Time) string { return now.In(chinaTime).Format("2006-01-02") }

// sheetFooter fills in the footer of the printed guide and brief: the
// guide's address with the applicant's answers as text, and the date;
// with withQR (the print view and the brief) as a QR code too. Drawing
// one takes a few milliseconds, more than the rest of the page: the
// guide page, printed from the browser's menu, gives the address alone.
func (s *Server) sheetFooter(c *gin.Context, d *itemPage, withQR bool) error {
	d.PageURL = s.absoluteURL(c, d.ItemURL())
	d.PrintDate = printDate(time.Now())
	if !withQR {
		return nil
	}
	qr, err := qrSVG(d.PageURL, label("item.print.qr"))
	if err != nil {
		return err
	}
	d.QR = qr
	return nil
}

// ConsultTel is the consulting phone as numbers and text.
func (d itemPage) ConsultTel() []phonePart { return phoneParts(d.ConsultPhone) }

// ComplaintTel is the complaint phone as numbers and text.
func (d itemPage) ComplaintTel() []phonePart { return phoneParts(d.ComplaintPhone) }

// OnlineURLText is the online service's address, wrapping nicely.
func (d itemPage) OnlineURLText() template.HTML { return breakURL(d.OnlineURL) }

// PageURLText is the page's address on the printed sheet, wrapping nicely.
func (d itemPage) PageURLText() template.HTML { return breakURL(d.PageURL) }
