package server

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
)

// apiIndex is what the gateway reads from the OpenAPI document it serves (generated from the
// same HTTP rules as its handlers): which methods a path allows, for the Allow header of a 405,
// and which request field each RPC's body is decoded into, to name fields in decode errors.
type apiIndex struct {
	routes []route
	bodies map[string]string // "RegistryService_CreateOrganization" → "organization"; "body" for body: "*"
}

type route struct {
	re      *regexp.Regexp
	methods []string
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

type operation struct {
	OperationID string `json:"operationId"`
	Parameters  []struct {
		Name string `json:"name"`
		In   string `json:"in"`
	} `json:"parameters"`
}

// newAPIIndex reads the paths of an OpenAPI document. A path parameter matches one segment
// without ':' (a custom method's verb is not part of a resource id).
func newAPIIndex(doc []byte) (*apiIndex, error) {
	var d struct {
		Paths map[string]map[string]operation `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	idx := &apiIndex{bodies: map[string]string{}}
	for path, ops := range d.Paths {
		parts := pathParam.Split(path, -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		r := route{re: regexp.MustCompile("^" + strings.Join(parts, "[^/:]+") + "$")}
		for m, op := range ops {
			r.methods = append(r.methods, strings.ToUpper(m))
			for _, p := range op.Parameters {
				if p.In == "body" {
					idx.bodies[op.OperationID] = p.Name
				}
			}
		}
		idx.routes = append(idx.routes, r)
	}
	return idx, nil
}

// allow lists the methods of every route matching path, sorted, comma-separated.
func (idx *apiIndex) allow(path string) string {
	seen := map[string]bool{}
	for _, r := range idx.routes {
		if r.re.MatchString(path) {
			for _, m := range r.methods {
				seen[m] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
