package domain

import (
	"strings"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"unicode"
)

// EthnicGroups are Vietnam's 54 officially recognised ethnic groups (General Statistics
// Office list), canonical spelling.
var EthnicGroups = []string{
	"Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông", "Dao", "Gia Rai",
	"Ê Đê", "Ba Na", "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông",
	"Thổ", "Xtiêng", "Khơ Mú", "Bru - Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ Triêng", "Co",
	"Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí", "Kháng", "Phù Lá", "La Hủ", "La Ha",
	"Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô", "Mảng", "Cơ Lao", "Bố Y", "Cống", "Si La",
	"Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
}

// ethnicIndex maps the folded official names and variants to the official names.
var ethnicIndex = func() map[string]string {
	m := make(map[string]string, 3*len(EthnicGroups))
	for _, g := range EthnicGroups {
		m[foldName(g)] = g
		for _, v := range ethnicVariants[g] {
			m[foldName(v)] = g
		}
	}
	return m
}()

// CanonicalEthnicGroup matches a name case-, space-, punctuation- and diacritic-insensitively
// against the 54 groups' official names and the variants people type (Mông, Hmong, Yao, …),
// with or without "dân tộc" before it, and returns the official spelling.
func CanonicalEthnicGroup(s string) (string, bool) {
	if len(s) > 64 {
		return "", false
	}
	f := foldName(s)
	if g, ok := ethnicIndex[f]; ok {
		return g, true
	}
	g, ok := ethnicIndex[strings.TrimPrefix(f, "dantoc")]
	return g, ok
}

// IsEthnicMinority reports whether a canonical group is a minority (any group but Kinh).
func IsEthnicMinority(group string) bool { return group != "" && group != "Kinh" }

// foldName keeps only the letters of s, folded: lower case, without diacritics.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(stripMarks(s)) {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// stripMarks removes tone and vowel marks and writes đ as d.
func stripMarks(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.NewReplacer("đ", "d", "Đ", "D").Replace(out)
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
