// Package demo loads the Hà Nội demonstration data: the real units (2019
// structure) and city departments, the procedure catalogue, staff for every
// role in three units, demo citizens and several hundred dossiers driven
// through the real lifecycle over the last 90 days.
package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

// The unit lists are copies of shared/data (GSO 2019 list and the 2025
// reorganisation; public facts, compiled from MIT-licensed npm packages).
//
//go:embed data/*.csv
var data embed.FS

// Options tune the demo load.
type Options struct {
	Scheme org.CodeScheme
	Log    *slog.Logger
	// Dossiers is how many demo dossiers to create (default 600).
	Dossiers int
	// Now is the end of the 90-day window (default time.Now()).
	Now time.Time
	// Seed makes the dossier mix reproducible.
	Seed uint64
	// direct writes every submission and action to the store as it
	// happens, as in use, instead of in one batch at the end; the tests
	// check that both give the same data.
	direct bool
	// Files stores the sample scans the online dossiers carry (one per
	// required document); needed when dossiers are loaded.
	Files files.Store
}

// Report says what was loaded.
type Report struct {
	Skipped   bool
	Units     int
	Rejected  int
	Catalogue store.ImportReport
	Accounts  int
	Dossiers  int
}

// Password is the password of every demo account (README lists them).
const Password = "motcua-demo"

// Staff lists the demo staff accounts: username, full name, unit name, role.
var Staff = []struct {
	Username, FullName, Unit string
	Role                     org.Role
}{
	{"hangtrong.tiepnhan", "Nguyễn Thị Hoa", "Phường Hàng Trống", org.RoleReceptionist},
	{"hangtrong.chuyenvien", "Trần Văn Minh", "Phường Hàng Trống", org.RoleSpecialist},
	{"hangtrong.truongphong", "Nguyễn Thanh Hà", "Phường Hàng Trống", org.RoleHead},
	{"hangtrong.lanhdao", "Lê Quang Huy", "Phường Hàng Trống", org.RoleLeader},
	{"hangtrong.quantri", "Phạm Thu Trang", "Phường Hàng Trống", org.RoleUnitAdmin},
	{"hoankiem.tiepnhan", "Đỗ Thị Lan", "Quận Hoàn Kiếm", org.RoleReceptionist},
	{"hoankiem.chuyenvien", "Vũ Đức Thắng", "Quận Hoàn Kiếm", org.RoleSpecialist},
	{"hoankiem.truongphong", "Phạm Quốc Việt", "Quận Hoàn Kiếm", org.RoleHead},
	{"hoankiem.lanhdao", "Hoàng Minh Tuấn", "Quận Hoàn Kiếm", org.RoleLeader},
	{"hoankiem.quantri", "Bùi Thị Ngọc", "Quận Hoàn Kiếm", org.RoleUnitAdmin},
	{"sotuphap.tiepnhan", "Ngô Thị Mai", "Sở Tư pháp", org.RoleReceptionist},
	{"sotuphap.chuyenvien", "Đặng Văn Long", "Sở Tư pháp", org.RoleSpecialist},
	{"sotuphap.truongphong", "Đinh Thị Thu Thủy", "Sở Tư pháp", org.RoleHead},
	{"sotuphap.lanhdao", "Trịnh Xuân Bách", "Sở Tư pháp", org.RoleLeader},
	{"sotuphap.quantri", "Lý Thị Hằng", "Sở Tư pháp", org.RoleUnitAdmin},
	{"hanoi.quantri", "Phan Văn Khải", "Thành phố Hà Nội", org.RoleCityAdmin},
}

// passwordHash hashes Password once for every demo account: the hash is
// made slow on purpose, and the demo needs only the one.
var passwordHash = sync.OnceValues(func() (string, error) { return account.HashPassword(Password) })

// Citizens lists the demo citizens: ID number (login), full name, phone,
// e-mail, date of birth (YYYY-MM-DD, as the sandbox e-ID and population
// registry know it), and whether the desk of Phường Hàng Trống verified
// the identity (An follows his counter dossiers too; Bình's account is
// self-declared).
var Citizens = []struct {
	IDNumber, FullName, Phone, Email, BirthDate string
	Verified                                    bool
}{
	{"001090001234", "Nguyễn Văn An", "0912345678", "an.nguyen@example.vn", "1990-03-15", true},
	{"001195004321", "Trần Thị Bình", "0987654321", "binh.tran@example.vn", "1995-11-20", false},
}

// Load fills an empty store with the demo data; a store that already has
// units is left alone (Report.Skipped).
func Load(ctx context.Context, db *store.DB, opts Options) (Report, error) {
	var rep Report
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	counts, err := db.CountUnits(ctx)
	if err != nil {
		return rep, err
	}
	for _, n := range counts {
		if n > 0 {
			rep.Skipped = true
			return rep, nil
		}
	}
	if err := loadUnits(ctx, db, opts.Scheme, &rep); err != nil {
		return rep, err
	}
	specs, err := catalog.DemoCatalogue()
	if err != nil {
		return rep, fmt.Errorf("reading demo catalogue: %w", err)
	}
	if rep.Catalogue, err = db.ImportCatalogue(ctx, specs); err != nil {
		return rep, fmt.Errorf("importing demo catalogue: %w", err)
	}
	if err := loadAccounts(ctx, db, opts.Scheme, &rep); err != nil {
		return rep, err
	}
	n := opts.Dossiers
	if n == 0 {
		n = 600
	}
	if n > 0 {
		if rep.Dossiers, err = loadDossiers(ctx, db, opts, n); err != nil {
			return rep, fmt.Errorf("creating demo dossiers: %w", err)
		}
	}
	opts.Log.InfoContext(ctx, "demo data loaded", "units", rep.Units, "procedures", rep.Catalogue.Procedures,
		"accounts", rep.Accounts, "dossiers", rep.Dossiers)
	return rep, nil
}

func loadUnits(ctx context.Context, db *store.DB, scheme org.CodeScheme, rep *Report) error {
	b, err := data.ReadFile("data/hanoi-units-2019.csv")
	if err != nil {
		return err
	}
	res, err := org.Import2019(bytes.NewReader(b), scheme)
	if err != nil {
		return fmt.Errorf("reading 2019 units: %w", err)
	}
	units := res.Units
	// The demo plays the 2017–2019 scenario of the seeds, so its 2019 units
	// are kept in force; "units import --format 2025" moves a deployment on.
	for i := range units {
		units[i].ValidTo = nil
	}
	// Departments hang under the city, which comes first in the 2019 list.
	units = append(units[:1], append(org.Departments(scheme), units[1:]...)...)
	if err := db.UpsertUnits(ctx, units); err != nil {
		return err
	}
	rep.Units, rep.Rejected = len(units), len(res.Rejected)
	return nil
}

func loadAccounts(ctx context.Context, db *store.DB, scheme org.CodeScheme, rep *Report) error {
	hash, err := passwordHash()
	if err != nil {
		return err
	}
	for _, s := range Staff {
		us, err := db.Units(ctx, store.UnitFilter{Q: s.Unit, Limit: 50})
		if err != nil {
			return err
		}
		code := ""
		for _, u := range us {
			if u.Name == s.Unit {
				code = u.Code
				break
			}
		}
		if code == "" {
			return fmt.Errorf("demo unit %q not found", s.Unit)
		}
		a := &account.Account{Kind: account.KindStaff, Username: s.Username, FullName: s.FullName, PasswordHash: hash}
		if err := db.CreateStaff(ctx, a, code, s.Role); err != nil {
			return fmt.Errorf("creating demo staff %s: %w", s.Username, err)
		}
		rep.Accounts++
	}
	desk, err := db.AccountByUsername(ctx, "hangtrong.tiepnhan")
	if err != nil {
		return fmt.Errorf("reading the demo receptionist: %w", err)
	}
	for _, c := range Citizens {
		a := &account.Account{Kind: account.KindCitizen, Username: c.IDNumber, FullName: c.FullName, Phone: c.Phone, Email: c.Email, PasswordHash: hash}
		if c.Verified {
			// The desk read the date of birth off the card with the rest.
			a.BirthDate = c.BirthDate
			at := time.Now()
			a.Assurance, a.VerifiedAt, a.VerifiedBy, a.VerifiedHow = account.Verified, &at, desk.ID, account.VerifiedAtDesk
		}
		if err := db.CreateAccount(ctx, a); err != nil {
			return fmt.Errorf("creating demo citizen: %w", err)
		}
		rep.Accounts++
		if !c.Verified {
			// Bình chose to hear of everything by e-mail and SMS (An keeps
			// the defaults: e-mail, and SMS for results).
			choices := []account.Choice{{Kind: account.NoticeProgress, Channel: account.ChannelEmail}, {Kind: account.NoticeProgress, Channel: account.ChannelSMS},
				{Kind: account.NoticeResult, Channel: account.ChannelEmail}, {Kind: account.NoticeResult, Channel: account.ChannelSMS}}
			if err := db.UpdateContact(ctx, a.ID, account.Contact{Phone: a.Phone, Email: a.Email, Choices: &choices}, time.Now(), dossier.Actor{AccountID: a.ID, Name: a.FullName}); err != nil {
				return fmt.Errorf("saving the demo citizen's notification choices: %w", err)
			}
		}
	}
	return nil
}
