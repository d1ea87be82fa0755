package stats

// RealUse is the seeds' measure of real use (issue 13 item 2): the
// services a unit offers online against those that actually received
// online dossiers in a period, and how many dossiers of the services
// offered online came online. A service offered online and never used is
// a service on paper only.
type RealUse struct {
	// Unit and UnitName name the unit of a row by unit; Procedure and
	// ProcedureName the procedure of a row by procedure.
	Unit          string `json:"unit,omitempty"`
	UnitName      string `json:"unit_name,omitempty"`
	Procedure     string `json:"procedure,omitempty"`
	ProcedureName string `json:"procedure_name,omitempty"`
	// Offered counts the services offered online (a unit offering a
	// procedure whose version in force at the period's end is at level 3
	// or 4); Used those of them that received at least one online dossier
	// in the period. By unit they are procedures; by procedure, units.
	Offered int `json:"offered"`
	Used    int `json:"used"`
	// UsedRate is Used / Offered in percent with two decimals.
	UsedRate float64 `json:"used_rate"`
	// Dossiers counts the dossiers received in the period whose procedure
	// version was offered online (Received.Offered of the report), Online
	// those of them submitted online (Received.OfferedOnline), and
	// OnlineRate the share.
	Dossiers   int     `json:"dossiers"`
	Online     int     `json:"online"`
	OnlineRate float64 `json:"online_rate"`
}

// Finish fills the shares from the counts.
func (r *RealUse) Finish() {
	r.UsedRate = Percent(r.Used, r.Offered)
	r.OnlineRate = Percent(r.Online, r.Dossiers)
}

// Unused reports whether the row offers services online and none of them
// received an online dossier.
func (r RealUse) Unused() bool { return r.Offered > 0 && r.Used == 0 }
