package domain

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Land-use document kinds.
const (
	LandUseRights    = "LAND_USE_RIGHTS"
	LandAndAssets    = "LAND_AND_ASSETS"
	ForestAllocation = "FOREST_ALLOCATION"
	LandLease        = "LEASE"
	LandOther        = "OTHER"
)

// MaxPlotProducts bounds the products of one plot.
const MaxPlotProducts = 10

// Plot is a production plot of a household; ID is "{household id}/{plot id}".
type Plot struct {
	ID             string   `bson:"_id"`
	Household      string   `bson:"household"`
	DisplayName    string   `bson:"display_name,omitempty"`
	Products       []string `bson:"products"`
	Geometry       string   `bson:"geometry"` // GeoJSON, as checked
	AreaHa         float64  `bson:"area_ha"`
	DeclaredAreaHa float64  `bson:"declared_area_ha,omitempty"`
	CommuneCode    string   `bson:"commune_code"`
	// The land-use document: its kind, and its number kept like a national ID number (keyed
	// hash and last four characters).
	CertificateType  string `bson:"certificate_type,omitempty"`
	CertificateHash  string `bson:"certificate_hash,omitempty"`
	CertificateLast4 string `bson:"certificate_last4,omitempty"`
	Stamp            `bson:",inline"`
}

// Name is the plot's resource name: households/{household}/plots/{plot}.
func (p *Plot) Name() string {
	_, id, _ := strings.Cut(p.ID, "/")
	return p.Household + "/plots/" + id
}

// ValidatePlot checks p and its GeoJSON geometry (prefix: the request field of the plot) for a
// household of commune, and sets the checked geometry and computed area. Rules besides the
// geometry's own (ParsePlotGeometry): PRODUCT_EXISTS, MAX_ITEMS, ENUM_VALUE, RANGE,
// PLOT_POINT_AREA (a point for more than 4 ha, or without a declared area),
// PLOT_AREA_MISMATCH (computed area off the declared one by more than 10%, at least 0.05 ha),
// PLOT_OUTSIDE_COMMUNE (a position outside the commune by more than 250 m).
func ValidatePlot(v *apierr.Violations, ref RefData, prefix string, p *Plot, geometry []byte, commune string) {
	v.Text(prefix+".display_name", p.DisplayName, false, apierr.MaxShortText)
	v.Check(len(p.Products) >= 1 && len(p.Products) <= MaxPlotProducts, prefix+".products", "MAX_ITEMS", "1 to %d products", MaxPlotProducts)
	for i, code := range p.Products {
		if _, ok := ref.Product(code); !ok {
			v.Add(index(prefix+".products", i), "PRODUCT_EXISTS", "product %q does not exist", code)
		}
	}
	switch p.CertificateType {
	case "", LandUseRights, LandAndAssets, ForestAllocation, LandLease, LandOther:
	default:
		v.Add(prefix+".land_use_certificate_type", "ENUM_VALUE", "must be a LandUseCertificateType")
	}
	declared := p.DeclaredAreaHa
	if !v.Check(declared >= 0 && declared <= MaxPlotHa && !math.IsNaN(declared), prefix+".declared_area_ha", "RANGE", "must be between 0 and %.0f ha", MaxPlotHa) {
		return
	}
	shape, ok := ParsePlotGeometry(v, prefix+".geometry", geometry)
	if !ok {
		return
	}
	checkPlotArea(v, prefix, &shape, declared)
	if boundary, ok := ref.Boundary(commune); ok && !WithinArea(shape.Geometry, boundary, CommuneToleranceM) {
		v.Add(prefix+".geometry", "PLOT_OUTSIDE_COMMUNE", "the plot lies outside its household's commune %s (more than %.0f m beyond its boundary)", commune, CommuneToleranceM)
	}
	p.Geometry, p.AreaHa = shape.GeoJSON, math.Round(shape.AreaHa*10_000)/10_000
}

func checkPlotArea(v *apierr.Violations, prefix string, shape *Shape, declared float64) {
	if _, point := shape.Geometry.(orb.Point); point {
		if v.Check(declared > 0 && declared <= MaxPointPlotHa, prefix+".declared_area_ha", "PLOT_POINT_AREA",
			"a point locates only a plot of at most %.0f ha (EU Regulation 2023/1115, Art. 2(28)): declare its area, or give a polygon", MaxPointPlotHa) {
			shape.AreaHa = declared
		}
		return
	}
	if !v.Check(shape.AreaHa <= MaxPlotHa, prefix+".geometry", "RANGE", "a plot of %.0f ha is larger than %.0f ha", shape.AreaHa, MaxPlotHa) {
		return
	}
	if declared > 0 {
		tol := math.Max(AreaTolerance*declared, MinAreaToleranceHa)
		v.Check(math.Abs(shape.AreaHa-declared) <= tol, prefix+".declared_area_ha", "PLOT_AREA_MISMATCH",
			"the geometry encloses %.4f ha, the declared area is %.4f ha (tolerance ±%.4f ha)", shape.AreaHa, declared, tol)
	}
}

// ErrLandUseNumber explains an invalid land-use document number.
var ErrLandUseNumber = errors.New("must be the document's number: 4 to 30 letters and digits")

// ProtectLandUseNumber validates a land-use document number and protects it like a national ID
// number: a keyed hash (under its own label, so it never equals a national ID's) and its last
// four characters.
func ProtectLandUseNumber(number string, key []byte) (NationalID, error) {
	n := strings.ToUpper(strings.NewReplacer(" ", "", ".", "", "-", "").Replace(number))
	if len(n) < 4 || len(n) > 30 {
		return NationalID{}, ErrLandUseNumber
	}
	for _, r := range n {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') {
			return NationalID{}, ErrLandUseNumber
		}
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("land-use-certificate\x00" + n))
	return NationalID{Hash: hex.EncodeToString(m.Sum(nil)), Last4: n[len(n)-4:]}, nil
}
