package console

// The texts of a section of the console that lives in its own files (webhooks, plots,
// certifications): its English versions, its messages after an action, the Vietnamese
// explanations of its API rule ids and the labels of its enum values, added to the console's
// tables at start-up. A key already in a table is a programming error (two sections would
// fight over it), so it panics.

type sectionTexts struct {
	english map[string]string
	flashes map[string]string
	rules   map[string]string
	enums   map[string][2]string
}

func addTexts(t sectionTexts) {
	merge(english, t.english, "english")
	merge(flashes, t.flashes, "flashes")
	merge(ruleVI, t.rules, "ruleVI")
	merge(enumLabels, t.enums, "enumLabels")
}

func merge[V comparable](into, from map[string]V, table string) {
	for k, v := range from {
		if old, ok := into[k]; ok && old != v {
			panic("console: " + table + " already has " + k)
		}
		into[k] = v
	}
}
