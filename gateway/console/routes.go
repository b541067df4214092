package console

import (
	"net/http"
	"net/url"
)

func (c *Console) routes() {
	m := http.NewServeMux()
	b := BasePath
	m.Handle("GET "+b+"/static/", c.static)
	m.HandleFunc("GET "+b+"/signin", c.signinPage)
	m.HandleFunc("GET "+b+"/signin/start", c.signinStart)
	m.HandleFunc("GET "+b+"/callback", c.callback)
	m.HandleFunc("GET "+b+"/signed-out", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, b+"/signin?reason=signedout", http.StatusSeeOther)
	})
	m.HandleFunc("GET "+b+"/lang/{lang}", c.setLanguage)
	m.Handle(b+"/grants", c.withSession(false, c.grants))
	m.Handle("POST "+b+"/signout", c.withSession(false, c.signout))
	m.Handle("GET "+b+"/{$}", c.page(func(q *rq) error { http.Redirect(q.w, q.r, home(q.s), http.StatusSeeOther); return nil }))
	m.HandleFunc("GET "+b, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, b+"/", http.StatusSeeOther) })

	// Contracts: every role.
	m.Handle("GET "+b+"/contracts", c.page(c.contracts))
	m.Handle("GET "+b+"/contracts/{id}", c.page(c.contractPage))
	m.Handle("POST "+b+"/contracts/{id}/{action}", c.page(c.contractAction))
	m.Handle("GET "+b+"/contracts/{id}/edit", c.page(c.editTerms))
	m.Handle("POST "+b+"/contracts/{id}/edit", c.page(c.saveTerms))
	m.Handle("GET "+b+"/contracts/{id}/deliveries", c.page(c.deliveries))
	m.Handle("POST "+b+"/contracts/{id}/deliveries", c.page(c.recordDelivery))
	m.Handle("POST "+b+"/contracts/{id}/deliveries/{d}/{action}", c.page(c.deliveryAction))
	m.Handle("GET "+b+"/contracts/{id}/settlement", c.page(c.settlement))
	m.Handle("POST "+b+"/contracts/{id}/payments", c.page(c.recordPayment))
	m.Handle("GET "+b+"/contracts/{id}/incidents", c.page(c.incidents))
	m.Handle("POST "+b+"/contracts/{id}/incidents", c.page(c.openIncident))
	m.Handle("POST "+b+"/contracts/{id}/incidents/{i}/{action}", c.page(c.incidentAction))
	m.Handle("GET "+b+"/contracts/{id}/events", c.page(c.events))
	m.Handle("GET "+b+"/contracts/{id}/document", c.page(c.contractDocument))
	m.Handle("GET "+b+"/contracts/{id}/settlement/statement", c.page(c.statementDocument))
	m.Handle("GET "+b+"/contracts/{id}/liquidation", c.page(c.liquidationDocument))

	// Commune and province officials.
	m.Handle("GET "+b+"/inbox", c.page(c.inbox))
	m.Handle("GET "+b+"/incidents", c.page(c.communeIncidents))
	m.Handle("GET "+b+"/report", c.page(c.report))

	// Businesses.
	m.Handle("GET "+b+"/demands", c.page(c.demands))
	m.Handle("GET "+b+"/demands/new", c.page(c.newDemand))
	m.Handle("POST "+b+"/demands", c.page(c.createDemand))
	m.Handle("GET "+b+"/demands/{id}", c.page(c.demandPage))
	m.Handle("POST "+b+"/demands/{id}/proposals", c.page(c.propose))

	// Producer organisations.
	m.Handle("GET "+b+"/proposals", c.page(c.proposals))
	m.Handle("POST "+b+"/demands/{demand}/proposals/{id}/{action}", c.page(c.proposalAction))
	m.Handle("GET "+b+"/offers", c.page(c.offers))
	m.Handle("POST "+b+"/offers", c.page(c.createOffer))
	m.Handle("GET "+b+"/members", c.page(c.members))
	m.Handle("POST "+b+"/members", c.page(c.addMember))
	m.Handle("GET "+b+"/members/template", c.page(c.importTemplate))
	m.Handle("POST "+b+"/members/import", c.page(c.importMembers))

	// Administrators of an organisation or authority, and operators.
	m.Handle("GET "+b+"/people", c.page(c.people))
	m.Handle("POST "+b+"/people", c.page(c.registerPerson))
	m.Handle("POST "+b+"/people/{user}/grants", c.page(c.grantRole))
	m.Handle("POST "+b+"/people/{user}/grants/{grant}/revoke", c.page(c.revokeGrant))
	m.Handle("GET "+b+"/apikeys", c.page(c.apiKeys))
	m.Handle("POST "+b+"/apikeys", c.page(c.createAPIKey))
	m.Handle("POST "+b+"/apikeys/{key}/revoke", c.page(c.revokeAPIKey))

	// Programme support: calls, projects, the council (support.go).
	c.supportRoutes(m)

	c.mux = http.NewServeMux()
	// Requests that change something must come from the console's own pages: Go's
	// cross-origin protection (Sec-Fetch-Site / Origin) in front, the CSRF token behind it. The
	// console's public origin is trusted even when a proxy changes the Host header.
	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(c.cfg.PublicURL); err == nil {
		_ = cop.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	c.mux.Handle("/", cop.Handler(m))
}
