package search

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalize folds full-width forms to half-width and upper case to lower
// case (NFKC, then lower), the form both documents and queries are
// analysed in.
//
// Nearly every guide is made of ASCII, CJK ideographs, the common CJK
// punctuation that NFKC leaves alone (、。《》「」【】 …) and full-width
// ASCII forms (（），：；), which NFKC maps one to one to ASCII
// (U+FF01–U+FF5E → U+0021–U+007E). Such a text is folded here character by
// character, which gives what NFKC and lower casing give (none of these
// characters composes with another) without their tables: building the
// index of a million varied guides spent 17 s of CPU normalizing.
// Any other text takes the whole way.
func normalize(s string) string {
	if out, ok := foldSimple(s); ok {
		return out
	}
	return strings.ToLower(norm.NFKC.String(s))
}

// foldSimple folds s when every character of it is ASCII, one that NFKC and
// lower casing leave alone (stableRune) or a full-width ASCII form; ok is
// false otherwise. s itself is returned when nothing changes.
func foldSimple(s string) (out string, ok bool) {
	changed := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			changed = changed || 'A' <= c && c <= 'Z'
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case stableRune(r):
		case fullWidthASCII(r):
			changed = true
		default:
			return "", false
		}
		i += size
	}
	if !changed {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if fullWidthASCII(r) {
			r -= 0xfee0
		}
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

// fullWidthASCII reports whether r is a full-width form of a printable
// ASCII character (！ to ～).
func fullWidthASCII(r rune) bool { return r >= 0xff01 && r <= 0xff5e }

// stableRune reports whether NFKC and lower casing leave r, a character
// beyond ASCII, alone and r composes with no other character: CJK
// ideographs (the unified block and extension A) and the common CJK and
// typographic punctuation of guides. TestStableRunes checks each.
func stableRune(r rune) bool {
	switch {
	case r >= 0x4e00 && r <= 0x9fff, r >= 0x3400 && r <= 0x4dbf:
		return true
	case r >= 0x3001 && r <= 0x3003, r >= 0x3005 && r <= 0x3011, r >= 0x3014 && r <= 0x301b:
		return true // 、。〃 々〆〇 〈〉《》「」『』【】 〔〕〖〗〘〙〚〛
	case r == 0x00b7, r == 0x00d7, r == 0x2014, r == 0x2018, r == 0x2019, r == 0x201c, r == 0x201d, r == 0x2022:
		return true // · × — ‘ ’ “ ” •
	}
	return false
}
