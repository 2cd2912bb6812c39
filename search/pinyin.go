package search

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

//go:embed data/pinyin.txt
var pinyinOverridesText string

// pinyinOverrides maps polyphonic words to their readings in government
// terms, longest words first when matching.
var pinyinOverrides = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for _, line := range dataLines(pinyinOverridesText) {
		f := strings.Fields(line)
		if len(f) < 2 || len([]rune(f[0])) != len(f)-1 {
			panic("search/data/pinyin.txt: bad line: " + line)
		}
		m[f[0]] = f[1:]
	}
	return m
})

// maxOverrideLen is the longest word of the override table, in runes.
const maxOverrideLen = 4

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Normal
	a.Fallback = func(rune, pinyin.Args) []string { return nil }
	return a
}()

// syllables returns the pinyin of each Han character of s, without tones
// and with ü written v; characters without pinyin are skipped. Words of
// the override table take their listed readings.
func syllables(s string) []string {
	rs := []rune(s)
	over := pinyinOverrides()
	out := make([]string, 0, len(rs))
	for i := 0; i < len(rs); {
		matched := false
		for n := min(maxOverrideLen, len(rs)-i); n >= 2; n-- {
			if py, ok := over[string(rs[i:i+n])]; ok {
				out = append(out, py...)
				i += n
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		if unicode.Is(unicode.Han, rs[i]) {
			if py := pinyin.SinglePinyin(rs[i], pinyinArgs); len(py) > 0 {
				out = append(out, strings.ReplaceAll(py[0], "ü", "v"))
			}
		}
		i++
	}
	return out
}

// initials returns the first letter of each syllable.
func initials(syl []string) []string {
	out := make([]string, len(syl))
	for i, s := range syl {
		out[i] = s[:1]
	}
	return out
}

// syllableSet is every syllable the pinyin library knows, for splitting a
// run of Latin letters into syllables.
var syllableSet = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		for _, p := range pinyin.SinglePinyin(r, pinyinArgs) {
			set[strings.ReplaceAll(p, "ü", "v")] = true
		}
	}
	return set
})

// maxSyllableLen is the length of the longest pinyin syllable (zhuang).
const maxSyllableLen = 6

// splitPinyin splits a run of lower-case Latin letters into pinyin
// syllables, preferring the fewest syllables (gongjijin → gong ji jin,
// xian → xian). It reports false when the letters are not all pinyin.
func splitPinyin(s string) ([]string, bool) {
	set := syllableSet()
	n := len(s)
	// best[i] is the fewest syllables that spell s[i:]; -1 when impossible.
	best := make([]int, n+1)
	next := make([]int, n+1)
	for i := n - 1; i >= 0; i-- {
		best[i] = -1
		for l := min(maxSyllableLen, n-i); l >= 1; l-- {
			if set[s[i:i+l]] && best[i+l] >= 0 && (best[i] < 0 || best[i+l]+1 < best[i]) {
				best[i], next[i] = best[i+l]+1, i+l
			}
		}
	}
	if n == 0 || best[0] < 0 {
		return nil, false
	}
	var out []string
	for i := 0; i < n; i = next[i] {
		out = append(out, s[i:next[i]])
	}
	return out, true
}

// isLatin reports whether s is made only of ASCII letters.
func isLatin(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// dataLines returns the non-blank, non-comment lines of a data file.
func dataLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}
