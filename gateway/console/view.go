package console

import (
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"reflect"
	"strings"
)

// view is what every template receives: the page's data and what the layout needs.
type view struct {
	q     *rq
	Page  string
	Data  any
	Flash string
}

func (q *rq) view(page string, data any) view {
	v := view{q: q, Page: page, Data: data}
	if ok := q.r.URL.Query().Get("ok"); ok != "" {
		if m, found := flashes[ok]; found {
			v.Flash = v.T(m)
		}
	}
	return v
}

// T translates a Vietnamese text into the page's language.
func (v view) T(vi string) string { return tr(v.q.lang, vi) }

// Tf translates and formats.
func (v view) Tf(vi string, args ...any) string { return fmt.Sprintf(tr(v.q.lang, vi), args...) }

// E labels an enum value (a proto enum or its name) in the page's language.
func (v view) E(x any) string {
	name := fmt.Sprint(x)
	if l, ok := enumLabels[name]; ok {
		if v.q.lang == "en" {
			return l[1]
		}
		return l[0]
	}
	return name
}

// Lang is the page's language, "vi" or "en".
func (v view) Lang() string { return v.q.lang }

// S is the session (nil when signed out).
func (v view) S() *session { return v.q.s }

// CSRF is the token forms carry.
func (v view) CSRF() string {
	if v.q.s == nil {
		return ""
	}
	return v.q.s.CSRF
}

// RID is a fresh request id for a form: submitting the form twice does the action once.
func (v view) RID() string { return "console-" + randomToken()[:22] }

// Path is the request path (for the language switch).
func (v view) Path() string { return v.q.r.URL.Path }

// Base is the console's mount point.
func (v view) Base() string { return BasePath }

// navLabels are the sections' names, by path.
var navLabels = map[string]string{
	"/demands": "Nhu cầu mua", "/contracts": "Hợp đồng", "/proposals": "Đề nghị liên kết", "/offers": "Chào bán",
	"/members": "Thành viên", "/inbox": "Chờ chứng thực", "/incidents": "Sự vụ", "/report": "Báo cáo",
	"/people": "Người dùng", "/apikeys": "Khóa API",
	"/calls": "Kêu gọi dự án", "/projects": "Dự án hỗ trợ", "/council": "Hội đồng thẩm định",
}

// navByRole are the sections of each role, in order.
var navByRole = map[string][]string{
	"business":          {"/demands", "/contracts", "/projects"},
	"producer":          {"/proposals", "/offers", "/contracts", "/members", "/projects"},
	"commune_official":  {"/inbox", "/contracts", "/incidents", "/calls", "/projects", "/council"},
	"province_official": {"/report", "/contracts", "/calls", "/projects", "/council"},
	"household":         {"/contracts"},
	"admin":             {"/contracts", "/calls", "/projects"},
}

type navItem struct {
	Href, Label string
	Current     bool
}

// Nav lists the sections of the person's role.
func (v view) Nav() []navItem {
	s := v.q.s
	if s == nil || s.Grant == "" {
		return nil
	}
	items := append([]string{}, navByRole[s.Role]...)
	if s.Admin || s.Role == "admin" {
		items = append(items, "/people")
	}
	if s.Admin && s.Org != "" {
		items = append(items, "/apikeys")
	}
	out := make([]navItem, 0, len(items))
	for _, it := range items {
		href := BasePath + it
		out = append(out, navItem{Href: href, Label: v.T(navLabels[it]), Current: v.q.r.URL.Path == href || strings.HasPrefix(v.q.r.URL.Path, href+"/")})
	}
	return out
}

// home is the first section of a role.
func home(s *session) string {
	switch s.Role {
	case "business":
		return BasePath + "/demands"
	case "producer":
		return BasePath + "/proposals"
	case "commune_official":
		return BasePath + "/inbox"
	case "province_official":
		return BasePath + "/report"
	}
	return BasePath + "/contracts"
}

// language is the page language: the "lang" cookie, else Vietnamese.
func language(r *http.Request) string {
	if c, err := r.Cookie("lienket_lang"); err == nil && c.Value == "en" {
		return "en"
	}
	return "vi"
}

var funcs = template.FuncMap{
	"vnd":        vnd,
	"qty":        qty,
	"num":        group,
	"bps":        bps,
	"day":        day,
	"moment":     moment,
	"add":        func(a, b int) int { return a + b },
	"short":      shortID,
	"pct":        func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"score":      func(f float64) string { return strings.Replace(fmt.Sprintf("%.1f", f), ".", ",", 1) },
	"km":         func(f float64) string { return strings.Replace(fmt.Sprintf("%.0f km", f), ".", ",", 1) },
	"join":       strings.Join,
	"list":       func(xs ...string) []string { return xs },
	"grantLabel": grantLabel,
	"pctv":       func(n int32) string { return strings.TrimSuffix(bps(n), "%") },
	"hasE": func(list any, name string) bool {
		for _, x := range reflectList(list) {
			if fmt.Sprint(x) == name {
				return true
			}
		}
		return false
	},
	"last": func(name string) string { return name[strings.LastIndexByte(name, '/')+1:] },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"has": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
}

// reflectList returns the elements of a slice.
func reflectList(list any) []any {
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice {
		return nil
	}
	out := make([]any, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface()
	}
	return out
}

// shortID is the last path segment of a resource name, shortened for display.
func shortID(name string) string {
	i := strings.LastIndexByte(name, '/')
	id := name[i+1:]
	if len(id) > 8 {
		id = id[len(id)-8:]
	}
	return id
}

// parsePages parses every page with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}
