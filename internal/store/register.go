package store

import (
	"context"
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
