package document

import _ "embed"

// The embedded fonts: Liberation Serif 2.1.5 (SIL Open Font License 1.1, fonts/OFL.txt),
// metric-compatible with Times New Roman, with every precomposed Vietnamese letter.
var (
	//go:embed fonts/LiberationSerif-Regular.ttf
	serifRegular []byte
	//go:embed fonts/LiberationSerif-Bold.ttf
	serifBold []byte
	//go:embed fonts/LiberationSerif-Italic.ttf
	serifItalic []byte
)

// FontFiles are the embedded font files by style ("", "B", "I"), for tests of their coverage.
func FontFiles() map[string][]byte {
	return map[string][]byte{"": serifRegular, "B": serifBold, "I": serifItalic}
}
