package apptest

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/org"
)

// Units of AddNamesakes: three wards named Quang Trung in three districts
// (as in Hà Nội's 2019 list), and a second ward of Đống Đa.
const (
	DongDa       = "000.00.06.H26"
	QuangTrungDD = "000.30.06.H26"
	TrungLiet    = "000.31.06.H26"
	HaDong       = "000.00.68.H26"
	QuangTrungHD = "000.30.68.H26"
	SonTay       = "000.00.69.H26"
	QuangTrungST = "000.30.69.H26"
)

// AddNamesakes adds Quận Đống Đa (Phường Quang Trung, Phường Trung Liệt),
// Quận Hà Đông (Phường Quang Trung) and Thị xã Sơn Tây (Phường Quang
// Trung) to the fixture, and imports the marriage procedure again so that
// the new wards offer it: the unit pickers' duplicate names.
func (e *Env) AddNamesakes(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	units := []org.Unit{
		{Code: DongDa, Name: "Quận Đống Đa", Kind: org.KindDistrict, ParentCode: City},
		{Code: QuangTrungDD, Name: "Phường Quang Trung", Kind: org.KindCommune, ParentCode: DongDa},
		{Code: TrungLiet, Name: "Phường Trung Liệt", Kind: org.KindCommune, ParentCode: DongDa},
		{Code: HaDong, Name: "Quận Hà Đông", Kind: org.KindDistrict, ParentCode: City},
		{Code: QuangTrungHD, Name: "Phường Quang Trung", Kind: org.KindCommune, ParentCode: HaDong},
		{Code: SonTay, Name: "Thị xã Sơn Tây", Kind: org.KindDistrict, ParentCode: City},
		{Code: QuangTrungST, Name: "Phường Quang Trung", Kind: org.KindCommune, ParentCode: SonTay},
	}
	if err := e.DB.UpsertUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	rep, err := e.DB.ImportCatalogue(ctx, []catalog.Spec{Spec(Marriage, "Đăng ký kết hôn", catalog.LevelCommune, "all_communes", 5)})
	if err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("offering the marriage procedure at the new wards: %v %v", err, rep.Rejected)
	}
}
