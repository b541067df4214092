package domain

// What matchmaking knows of other services' resources: the registry's areas, organisations,
// households and standards, as the usecase layer gets them through its clients.

// AdminArea is an administrative area.
type AdminArea struct {
	Code string
	// Commune is true for a commune (the level demands are delivered to).
	Commune bool
	// ParentCode is the province of a commune.
	ParentCode          string
	Latitude, Longitude float64
}

// Organization is a registry organisation.
type Organization struct {
	Name string
	// Active: not suspended.
	Active bool
	// Business: a buyer, not a producer organisation (cooperative or group).
	Business                  bool
	WomenLed                  bool
	CommuneCode, ProvinceCode string
}

// Household is a registry household.
type Household struct {
	Name string
	// PoorOrNearPoor: certified poor or near-poor.
	PoorOrNearPoor bool
	EthnicMinority bool
}

// Standard is a quality standard or certification scheme.
type Standard struct {
	Name string
	// Satisfies names the standards/{code} that holding this one also satisfies.
	Satisfies []string
}
