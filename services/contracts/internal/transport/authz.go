package transport

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/auth"
)

// actor turns the verified caller into the domain's view of it.
func actor(p auth.Principal) domain.Actor {
	return domain.Actor{Subject: p.Subject, Role: string(p.Role), Organization: p.Organization, Household: p.Household, AdminArea: p.AdminArea}
}

func isParty(p auth.Principal, c *domain.Contract) bool {
	return p.ActsFor(c.Terms.Buyer) || p.ActsFor(c.Terms.Producer)
}

// maySee: operators and services; users and partner keys of the buyer or producer; officials
// of the producer's commune or province; households in the contract. Everyone else is told the
// contract does not exist.
func maySee(p auth.Principal, c *domain.Contract) bool {
	switch {
	case p.Privileged(), isParty(p, c):
		return true
	case p.Is(auth.RoleCommuneOfficial):
		return p.AdminArea == c.ProducerCommuneCode
	case p.Is(auth.RoleProvinceOfficial):
		return p.AdminArea == c.ProducerProvinceCode
	case p.Is(auth.RoleHousehold):
		for _, h := range c.Households {
			if h == p.Household {
				return true
			}
		}
	}
	return false
}

// mayEdit: operators, and the buyer's or producer's users and partner keys.
func mayEdit(p auth.Principal, c *domain.Contract) bool {
	return p.Is(auth.RoleAdmin) || isParty(p, c)
}

// visibleFilter restricts a listing to the contracts the caller may see.
func visibleFilter(p auth.Principal) (bson.D, bool) {
	switch p.Role {
	case auth.RoleAdmin, auth.RoleService:
		return bson.D{}, true
	case auth.RoleBusiness, auth.RoleProducer, auth.RolePartner:
		return bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "terms.buyer", Value: p.Organization}}, bson.D{{Key: "terms.producer", Value: p.Organization}}}}}, true
	case auth.RoleCommuneOfficial:
		return bson.D{{Key: "producer_commune_code", Value: p.AdminArea}}, true
	case auth.RoleProvinceOfficial:
		return bson.D{{Key: "producer_province_code", Value: p.AdminArea}}, true
	case auth.RoleHousehold:
		return bson.D{{Key: "households", Value: p.Household}}, true
	}
	return nil, false
}
