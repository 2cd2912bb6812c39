package search

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// slowNormalize is normalize the whole way: NFKC, then lower case.
func slowNormalize(s string) string { return strings.ToLower(norm.NFKC.String(s)) }

// TestStableRunes: every character the fast fold keeps or maps is what
// NFKC and lower casing make of it alone, and starts a segment that no
// character before it combines with, so that folding character by
// character is folding the text.
func TestStableRunes(t *testing.T) {
	stable := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		want := ""
		switch {
		case r < 0x80:
			want = strings.ToLower(string(r))
		case stableRune(r):
			want = string(r)
			stable++
		case fullWidthASCII(r):
			want = strings.ToLower(string(r - 0xfee0))
		default:
			continue
		}
		if got := slowNormalize(string(r)); got != want {
			t.Errorf("U+%04X: NFKC and lower give %q, the fold %q", r, got, want)
		}
		if !norm.NFKC.PropertiesString(string(r)).BoundaryBefore() {
			t.Errorf("U+%04X may combine with the character before it", r)
		}
	}
	if stable < 20000 {
		t.Errorf("%d characters kept as they are, want the CJK ideographs at least", stable)
	}
}

// TestNormalizeFolds: texts of guides and queries, with and without
// characters the fast fold leaves to NFKC, normalize as NFKC and lower
// casing do; a text with nothing to fold is returned as it is.
func TestNormalizeFolds(t *testing.T) {
	texts := []string{"", "ABC", "居民身份证（补办）：户口簿、身份证。", "《中华人民共和国居民身份证法》第十条",
		"ＡＢＣ１２３", "申请表１份；", "℃", "①材料", "㎡", "Ⅻ", "e\u0301", "A\u0301", "\u1100\u1161", "ｶﾀｶﾅ", "\xff身份", "丽\uf967",
		"…", "　全角空格", "“材料”‘注’—·×•", "〔2020〕3号"}
	for _, s := range texts {
		if got, want := normalize(s), slowNormalize(s); got != want {
			t.Errorf("normalize(%q) = %q, want %q", s, got, want)
		}
	}
	plain := slowNormalize("居民身份证补办，户口簿、身份证。")
	if n := testing.AllocsPerRun(10, func() { normalize(plain) }); n != 0 {
		t.Errorf("normalize(%q) allocates %v times, want none: nothing to fold", plain, n)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"居民身份证（补办）", "ＡＢＣ", "e\u0301", "\xff", "①"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalize(s), slowNormalize(s); got != want {
			t.Fatalf("normalize(%q) = %q, want %q", s, got, want)
		}
	})
}
