package store_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
)

// TestSubmissionRows, on both engines (PostgreSQL writes a group in one
// batch of one statement a submission, with the code and the first event's
// hash computed by the server): the codes go on past 9999 as %04d does,
// each history verifies (the stored hash is the chain's), the documents
// keep their ids and order, the search name is folded; a submission that
// cannot be written fails alone and its group-mates are written.
func TestSubmissionRows(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		err := f.db.WriteTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO code_counters (unit_id, day, last) VALUES ($1, '250303', 9998)`, f.cx.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		const n = 3
		got := make([]*dossier.Dossier, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, _, err := f.svc.Submit(ctx, f.citizenA, f.onlineInput(f.citizenA, f.cx.Code))
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = d
			}()
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		codes := map[string]bool{}
		for _, d := range got {
			codes[d.Code] = true
			if ps, err := f.db.VerifyDossier(ctx, d.ID); err != nil || len(ps) > 0 {
				t.Errorf("%s: history %v (%v)", d.Code, ps, err)
			}
			docs, err := f.db.Documents(ctx, d.ID)
			if err != nil || len(docs) != 2 || len(d.Documents) != 2 {
				t.Fatalf("%s: documents %v (%v), answered %v", d.Code, docs, err, d.Documents)
			}
			for i := range docs {
				if docs[i].ID != d.Documents[i].ID || docs[i].DocKey != d.Documents[i].DocKey {
					t.Errorf("%s: document %d stored %d %s, answered %d %s", d.Code, i, docs[i].ID, docs[i].DocKey, d.Documents[i].ID, d.Documents[i].DocKey)
				}
			}
			evs, err := f.db.Events(ctx, d.ID)
			if err != nil || len(evs) != 1 || len(d.Events) != 1 || evs[0].ID != d.Events[0].ID || evs[0].ActorName != "Nguyễn Văn An" {
				t.Errorf("%s: events %+v (%v), answered %+v", d.Code, evs, err, d.Events)
			}
			var folded string
			if err := f.db.ReadDB().QueryRow(`SELECT applicant_folded FROM dossiers WHERE id = $1`, d.ID).Scan(&folded); err != nil || folded != "nguyen van an" {
				t.Errorf("%s: folded name %q (%v)", d.Code, folded, err)
			}
		}
		for _, c := range []string{"000.01.02.H26-250303-9999", "000.01.02.H26-250303-10000", "000.01.02.H26-250303-10001"} {
			if !codes[c] {
				t.Errorf("code %s missing from %v", c, codes)
			}
		}

		// A submission of a procedure version that does not exist, with a
		// good one: the first fails, the second is written.
		var wrong, right *dossier.NewDossier
		for i, p := range []**dossier.NewDossier{&wrong, &right} {
			d := *got[0]
			d.ID, d.Code, d.Events, d.Documents = 0, "", nil, nil
			if i == 0 {
				d.ProcedureVersionID = 999999
			}
			*p = &dossier.NewDossier{Dossier: &d, UnitCode: f.cx.Code,
				Event: &dossier.Event{At: d.SubmittedAt, ActorName: "Nguyễn Văn An", Role: "applicant", Action: dossier.ActSubmit, To: dossier.StatusSubmitted}}
		}
		var werr, rerr error
		var rd *dossier.Dossier
		wg.Add(2)
		go func() { defer wg.Done(); _, _, werr = f.db.CreateDossier(ctx, wrong) }()
		go func() { defer wg.Done(); rd, _, rerr = f.db.CreateDossier(ctx, right) }()
		wg.Wait()
		if werr == nil || rerr != nil || rd == nil || rd.Code != "000.01.02.H26-250303-10002" {
			t.Fatalf("wrong version: %v; right one: %v %v", werr, rd, rerr)
		}
		var count int
		if err := f.db.ReadDB().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&count); err != nil || count != n+1 {
			t.Fatalf("%d dossiers (%v), want %d", count, err, n+1)
		}
	})
}

// recDurable is a submission's files (dossier.Durable): each Sync counts
// the dossiers committed at that moment, then answers err.
type recDurable struct {
	db  *store.DB
	err error

	mu   sync.Mutex
	seen []int // dossiers committed at each Sync
}

func (r *recDurable) Sync(ctx context.Context) error {
	var n int
	if err := r.db.ReadDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, n)
	return r.err
}

// TestGroupSyncsFilesBeforeCommit, on both engines: in one group, the
// submissions carrying files (NewDossier.Durable) have them synced before
// the group's COMMIT (the sync sees none of the group committed), once for
// all the submissions holding the same Durable; a failing sync fails its
// submission with the sync's error and nothing of it is committed, while
// the group's other submissions, with files or without, are committed.
func TestGroupSyncsFilesBeforeCommit(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		f := newFixture(t, e)
		tmpl := f.submitOnline(t, f.citizenA, f.cx.Code)
		newDossier := func(d dossier.Durable) *dossier.NewDossier {
			dd := *tmpl
			dd.ID, dd.Code, dd.Events, dd.Documents = 0, "", nil, nil
			return &dossier.NewDossier{Dossier: &dd, UnitCode: f.cx.Code, Documents: marriageScans(), Durable: d,
				Event: &dossier.Event{At: dd.SubmittedAt, ActorName: "Nguyễn Văn An", Role: "applicant", Action: dossier.ActSubmit, To: dossier.StatusSubmitted}}
		}
		disk := errors.New("disk on fire")
		shared, bad := &recDurable{db: f.db}, &recDurable{db: f.db, err: disk}
		ds, errs := f.db.CommitGroup([]*dossier.NewDossier{newDossier(shared), newDossier(bad), newDossier(nil), newDossier(shared)})
		for i, err := range errs {
			if i == 1 {
				if !errors.Is(err, disk) || ds[i] != nil {
					t.Errorf("submission with failing files: stored %v, error %v; want none stored and the sync's error", ds[i] != nil, err)
				}
			} else if err != nil || ds[i] == nil {
				t.Errorf("submission %d: %v", i, err)
			}
		}
		if !slices.Equal(shared.seen, []int{1}) || !slices.Equal(bad.seen, []int{1}) {
			t.Errorf("syncs saw %v and %v dossiers committed, want one sync each seeing only the first dossier", shared.seen, bad.seen)
		}
		if n := countDossiers(t, f.db); n != 4 {
			t.Errorf("%d dossiers, want 4: the first and the group's three whose files are durable", n)
		}
	})
}
