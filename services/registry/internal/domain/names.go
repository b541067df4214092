package domain

import "strings"

// MaxNameKeys bounds the keys one name is indexed under (one per word).
const MaxNameKeys = 12

// FoldName is s as people type it without diacritics: lower case, đ → d, tone and vowel marks
// removed, every run of characters other than letters and digits one space ("Nguyễn Văn  A" →
// "nguyen van a").
func FoldName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(stripMarks(s)) {
		if isAlnum(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
			continue
		}
		space = true
	}
	return b.String()
}

// NameKeys are the keys a name is found by: its folded form from each word on ("nguyen van a",
// "van a", "a"), so that a search matches the start of any word ("van a" finds Nguyễn Văn A)
// through an index on the keys rather than a scan.
func NameKeys(s string) []string {
	f := FoldName(s)
	if f == "" {
		return nil
	}
	keys := []string{f}
	for i := 0; i < len(f) && len(keys) < MaxNameKeys; i++ {
		if f[i] == ' ' {
			keys = append(keys, f[i+1:])
		}
	}
	return keys
}
