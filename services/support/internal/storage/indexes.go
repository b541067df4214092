package storage

import (
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/mongostore"
)

// Collection names.
const (
	callsCollection    = "calls"
	projectsCollection = "projects"
	eventsCollection   = "support_events"
)

// Collections declares the support service's collections and the indexes its queries use:
// calls are listed by state, programme, investor, investor area and province (officials'
// scopes) and by council member; projects by call (reports, council scope), owner, investor
// area, province, state, programme and type; events by subject in sequence (their _id sorts
// so).
func Collections() []mongostore.Collection {
	return []mongostore.Collection{
		{Name: callsCollection, Indexes: []mongo.IndexModel{
			mongostore.Index("state"), mongostore.Index("programme"), mongostore.Index("investor"), mongostore.Index("investor_area_code"),
			mongostore.Index("investor_province_code"), mongostore.Index("council_members"),
		}},
		{Name: projectsCollection, Indexes: []mongo.IndexModel{
			mongostore.Index("call"), mongostore.Index("owner"), mongostore.Index("investor_area_code"),
			mongostore.Index("investor_province_code"), mongostore.Index("state"), mongostore.Index("programme"), mongostore.Index("proposal.type"),
		}},
		{Name: eventsCollection, Indexes: []mongo.IndexModel{mongostore.Index("subject")}},
	}
}
