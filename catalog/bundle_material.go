package catalog

import (
	"strings"
	"unicode"
)

// MergedMaterial is one material of a bundle's merged list (一次提交): a
// material that several member items ask for appears once, with the
// members that need it.
type MergedMaterial struct {
	// Name is the name shown: the link's name when a MaterialLink matched,
	// else the name of the first occurrence.
	Name string `json:"name"`
	// Material is the first occurrence, in step order.
	Material Material `json:"material"`
	// Steps are the indexes (into the members) of the steps needing it, in
	// ascending order, each once.
	Steps []int `json:"steps"`
	// Codes are the codes of the items needing it, in the order of Steps.
	Codes []string `json:"codes"`
}

// The rules of NormalizeMaterialName. They are kept small on purpose: a
// rule that merges two materials that differ hands a citizen one paper
// instead of two, so only spellings that never change what is asked for
// are folded; anything else is said by the bundle's MaterialLinks.
var (
	// materialBrackets open a qualifier dropped wherever it stands:
	// "居民身份证（原件）", "户口簿(复印件)", "营业执照【副本】".
	materialBrackets = map[rune]rune{'（': '）', '(': ')', '【': '】', '[': ']', '〔': '〕'}
	// materialSuffixes are the forms of a paper, dropped from the end of a
	// name (repeatedly, longest first): the form is the material's Form.
	materialSuffixes = []string{"原件及复印件", "原件和复印件", "及复印件", "和复印件", "复印件", "原件",
		"扫描件", "正本、副本", "正副本"}
	// materialHolders name the applicant as the holder of a paper, dropped
	// from the start: "申请人居民身份证" is the applicant's 居民身份证, as
	// another guide's plain "居民身份证" is. Other holders (父母双方, 监护人,
	// 户主) name other papers and stay.
	materialHolders = []string{"申请人", "本人"}
	// materialSynonyms unify the names of one paper: each variant becomes
	// the official name (comparisons in this order, longest first at a
	// position, so "居民身份证" is not expanded twice).
	materialSynonyms = strings.NewReplacer(
		"居民身份证", "居民身份证", "身份证", "居民身份证",
		"居民户口簿", "居民户口簿", "户口簿", "居民户口簿", "户口本", "居民户口簿",
		"社会保障卡", "社会保障卡", "社保卡", "社会保障卡",
	)
)

// NormalizeMaterialName returns the key under which materials of different
// guides are taken for one paper: the name without white space and
// bracketed qualifiers, without a trailing form (原件, 复印件, 及复印件 …),
// without the applicant as holder (申请人, 本人), with the short names of
// papers unified (身份证 → 居民身份证, 户口本 → 居民户口簿, 社保卡 →
// 社会保障卡). "申请人身份证（复印件）" and "居民身份证" have the same key;
// "父母双方居民身份证" keeps its own.
func NormalizeMaterialName(s string) string {
	var b strings.Builder
	var closing []rune // the closing brackets awaited, innermost last
	for _, r := range s {
		switch {
		case len(closing) > 0 && r == closing[len(closing)-1]:
			closing = closing[:len(closing)-1]
		case materialBrackets[r] != 0:
			closing = append(closing, materialBrackets[r])
		case len(closing) > 0 || unicode.IsSpace(r):
		default:
			b.WriteRune(r)
		}
	}
	name := b.String()
	for trimmed := true; trimmed; {
		trimmed = false
		for _, suf := range materialSuffixes {
			if rest, ok := strings.CutSuffix(name, suf); ok && rest != "" {
				name, trimmed = rest, true
				break
			}
		}
	}
	for _, h := range materialHolders {
		if rest, ok := strings.CutPrefix(name, h); ok && rest != "" {
			name = rest
			break
		}
	}
	return materialSynonyms.Replace(name)
}

// MergeMaterials merges the materials of the members' items into one list
// (一次提交、材料共享): materials with the same NormalizeMaterialName, or
// named by one of the bundle's MaterialLinks (its Name or any of Same,
// compared by their keys), are one material, listed once with every member
// that needs it. The list is in order of first appearance, members in step
// order and each item's materials in its order. Members without an item
// add nothing.
func MergeMaterials(b *Bundle, members []BundleMember) []MergedMaterial {
	links := map[string]int{} // material key → link index
	if b != nil {
		for i, l := range b.Links {
			links[NormalizeMaterialName(l.Name)] = i
			for _, s := range l.Same {
				links[NormalizeMaterialName(s)] = i
			}
		}
	}
	var out []MergedMaterial
	at := map[string]int{} // merge key → index in out
	for step, m := range members {
		if m.Item == nil {
			continue
		}
		for _, mat := range m.Item.Materials {
			key, name := "n:"+NormalizeMaterialName(mat.Name), mat.Name
			if li, ok := links[key[2:]]; ok {
				key, name = "l:"+b.Links[li].Name, b.Links[li].Name
			}
			i, ok := at[key]
			if !ok {
				i = len(out)
				at[key] = i
				out = append(out, MergedMaterial{Name: name, Material: mat})
			}
			mm := &out[i]
			if n := len(mm.Steps); n > 0 && mm.Steps[n-1] == step {
				continue // the item lists it twice
			}
			mm.Steps = append(mm.Steps, step)
			mm.Codes = append(mm.Codes, m.Item.Code)
		}
	}
	return out
}
