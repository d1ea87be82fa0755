package store

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
)

// DossiersReceived lists the dossiers of the unit's subtree received in
// [from, to), oldest first: the rows of register 07. At most limit+1 rows
// are read so the caller can tell a period too long to print.
func (db *DB) DossiersReceived(ctx context.Context, unit *org.Unit, from, to time.Time, limit int) ([]dossier.Dossier, error) {
	return db.scanDossiers(ctx, `SELECT `+dossierCols+dossierFrom+`
		WHERE d.unit_path >= $1 AND d.unit_path < $2 AND d.received_at >= $3 AND d.received_at < $4
		ORDER BY d.received_at, d.id LIMIT $5`, unit.Path, pathUpper(unit.Path), utc(from), utc(to), limit+1)
}

// RegisterEntry places a received dossier in its desk's register (slip 07)
// for slip 01: the book is the year of reception (in Việt Nam), the entry
// the dossier's rank among those the receiving unit received that year,
// in order of reception. A dossier not received has none.
func (db *DB) RegisterEntry(ctx context.Context, d *dossier.Dossier) (string, int, error) {
	if d.ReceivedAt == nil {
		return "", 0, nil
	}
	y := d.ReceivedAt.In(Zone).Year()
	start := time.Date(y, 1, 1, 0, 0, 0, 0, Zone)
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM dossiers
		WHERE received_unit_id = $1 AND received_at >= $2
			AND (received_at < $3 OR (received_at = $3 AND id <= $4))`,
		d.ReceivedUnitID, utc(start), utc(*d.ReceivedAt), d.ID).Scan(&n)
	if err != nil {
		return "", 0, fmt.Errorf("numbering %s in the register: %w", d.Code, err)
	}
	return fmt.Sprint(y), n, nil
}
