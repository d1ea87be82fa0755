package slips

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the slips as rendered")

// normalise makes pdftotext -layout output comparable: runs of white
// space become one space, lines are trimmed and empty lines dropped.
func normalise(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// golden compares text with testdata/golden/name.txt, or rewrites it
// under -update.
func golden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/slips/ -run TestGolden -update)", err)
	}
	if string(want) != text {
		wl, gl := strings.Split(string(want), "\n"), strings.Split(text, "\n")
		for i := 0; i < max(len(wl), len(gl)); i++ {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Errorf("%s differs from %s at line %d:\nwant %q\ngot  %q\n(run with -update if the change is intended)", name, path, i+1, w, g)
				return
			}
		}
	}
}

// firstPage renders the first page of file to PNG at 50 dpi (kept beside
// it) and returns the image and how many of its pixels are dark.
func firstPage(t *testing.T, file string) (img image.Image, dark int) {
	t.Helper()
	prefix := strings.TrimSuffix(file, ".pdf")
	run(t, "pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", file, prefix)
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if img, err = png.Decode(f); err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xC000 || g < 0xC000 || bl < 0xC000 {
				dark++
			}
		}
	}
	return img, dark
}

// notBlank fails if the first page of file is nearly white. SLIPS_OUT
// keeps the PNG for a look.
func notBlank(t *testing.T, file string) {
	t.Helper()
	img, dark := firstPage(t, file)
	b := img.Bounds()
	if dark < b.Dx()*b.Dy()/100 {
		t.Errorf("%s: page is nearly blank: %d of %d pixels are dark", filepath.Base(file), dark, b.Dx()*b.Dy())
	}
	if out := os.Getenv("SLIPS_OUT"); out != "" {
		prefix := strings.TrimSuffix(file, ".pdf")
		if data, err := os.ReadFile(prefix + ".png"); err == nil {
			_ = os.WriteFile(filepath.Join(out, filepath.Base(prefix)+".png"), data, 0o644)
		}
	}
}

// TestGolden renders every slip, checks that its first page is not blank
// as PNG and compares its laid-out text with testdata/golden/slipNN.txt.
func TestGolden(t *testing.T) {
	cases := []struct {
		name, no string
		d        *dossier.Dossier
	}{
		{"slip01", "01", base()},
		{"slip02", "02", supplemented()},
		{"slip03", "03", refused()},
		{"slip04", "04", rescheduled()},
		{"slip05", "05", stopped()},
		{"slip06", "06", processed()},
		{"slip06consult", "06", consulted()},
		{"slip08", "08", notGranted()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			file, _, layout := render(t, dir, c.no, input(c.d))
			notBlank(t, file)
			golden(t, c.name, normalise(layout))
		})
	}
	t.Run("slip07", func(t *testing.T) {
		rows := []*dossier.Dossier{processed(), base(), rescheduled()}
		rows[1].Code = "000.17.22.H56-250305-0002"
		rows[2].Code = "000.17.22.H56-250305-0003"
		var buf bytes.Buffer
		if err := Register(&buf, RegisterInput{Issuer: input(nil).Issuer, From: ict(2025, 3, 1, 0, 0), To: ict(2025, 4, 1, 0, 0),
			Rows: rows, Now: ict(2025, 4, 1, 8, 0)}); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "slip07.pdf")
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		notBlank(t, file)
		text := run(t, "pdftotext", "-layout", file, "-")
		for _, w := range []string{"Số lượng hồ sơ (bộ)", "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Ký nhận",
			"0912 345 678", "UBND phường Láng"} {
			if !strings.Contains(flat(run(t, "pdftotext", "-raw", file, "-")), w) {
				t.Errorf("register lacks %q", w)
			}
		}
		// Row 1: received 05/03, due 19/03, sent to the deciding agency
		// 05/03 (transfer), result back 20/03, delivered 20/03.
		found := false
		for _, line := range strings.Split(text, "\n") {
			if strings.Contains(line, "250305-0001") && strings.Count(line, "05/03/2025") == 2 &&
				strings.Contains(line, "19/03/2025") && strings.Count(line, "20/03/2025") == 2 {
				found = true
			}
		}
		if !found {
			t.Errorf("register row 1 lacks its five dates\n%s", text)
		}
		golden(t, "slip07", normalise(text))
	})
}

// TestAgency names agencies, not places, and the desk in force on the
// slip's date.
func TestAgency(t *testing.T) {
	for _, c := range []struct {
		name string
		kind org.Kind
		want string
	}{
		{"Phường Hàng Trống", org.KindCommune, "UBND phường Hàng Trống"},
		{"Phường Hàng Trống", "", "UBND phường Hàng Trống"},
		{"Quận Hoàn Kiếm", org.KindDistrict, "UBND quận Hoàn Kiếm"},
		{"Thành phố Hà Nội", org.KindCity, "UBND thành phố Hà Nội"},
		{"Ủy ban nhân dân phường Láng", "", "UBND phường Láng"},
		{"UBND xã Sóc Sơn", org.KindCommune, "UBND xã Sóc Sơn"},
		{"Sở Tư pháp", org.KindDepartment, "Sở Tư pháp"},
		{"Văn phòng Đăng ký đất đai", "", "Văn phòng Đăng ký đất đai"},
	} {
		if got := agencyOf(c.name, c.kind); got != c.want {
			t.Errorf("agencyOf(%q, %q) = %q, want %q", c.name, c.kind, got, c.want)
		}
	}
	vi := lang{}
	ward := Issuer{UnitName: "Phường Hàng Trống", Kind: org.KindCommune}
	if got := ward.desk(ict(2025, 6, 30, 16, 0), vi); got != "Bộ phận Tiếp nhận và Trả kết quả" {
		t.Errorf("desk before 1/7/2025 = %q", got)
	}
	if got := ward.desk(ict(2025, 7, 1, 8, 0), vi); got != "Trung tâm Phục vụ hành chính công" {
		t.Errorf("commune desk from 1/7/2025 = %q", got)
	}
	dept := Issuer{UnitName: "Sở Tư pháp", Kind: org.KindDepartment, ParentName: "Thành phố Hà Nội"}
	if got := dept.desk(ict(2025, 7, 1, 8, 0), vi); got != "Bộ phận Tiếp nhận và Trả kết quả" {
		t.Errorf("department desk = %q", got)
	}
	if m := agencyHead(dept, vi); m.top != "UBND THÀNH PHỐ HÀ NỘI" || m.main != "SỞ TƯ PHÁP" {
		t.Errorf("department letterhead = %+v", m)
	}
	if m := agencyHead(ward, vi); m.top != "" || m.main != "UBND PHƯỜNG HÀNG TRỐNG" {
		t.Errorf("commune letterhead = %+v", m)
	}
	if m := deskHead(ward, ict(2025, 3, 5, 8, 0), vi, code); m.top != "UBND PHƯỜNG HÀNG TRỐNG" || m.main != "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" {
		t.Errorf("desk masthead = %+v", m)
	}
}

// TestIssuerInForce follows a unit merged on 1/7/2025 to its successor for
// slips dated after its last day, in the tree and in the slip.
func TestIssuerInForce(t *testing.T) {
	last := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	from := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	units := fakeUnits{
		"C":   {Code: "C", Name: "Thành phố Hà Nội", Kind: org.KindCity},
		"D":   {Code: "D", Name: "Quận Hoàn Kiếm", Kind: org.KindDistrict, ParentCode: "C", ValidTo: &last},
		"W":   {Code: "W", Name: "Phường Hàng Trống", Kind: org.KindCommune, ParentCode: "D", ValidTo: &last, Successor: "W25"},
		"W25": {Code: "W25", Name: "Phường Hoàn Kiếm", Kind: org.KindCommune, ParentCode: "C", ValidFrom: &from},
	}
	is := IssuerOf(context.Background(), units, "W")
	if is.UnitName != "Phường Hàng Trống" || is.Kind != org.KindCommune || is.ParentName != "Quận Hoàn Kiếm" || is.Place != "Hà Nội" {
		t.Fatalf("IssuerOf(W) = %+v", is)
	}
	if got := is.At(ict(2025, 6, 30, 23, 59)).UnitName; got != "Phường Hàng Trống" {
		t.Errorf("on its last day: %q", got)
	}
	if got := is.At(ict(2025, 7, 1, 0, 0)); got.UnitName != "Phường Hoàn Kiếm" || got.ParentName != "Thành phố Hà Nội" {
		t.Errorf("after the merger: %+v", got)
	}
	// A dossier received by the old ward and rescheduled after the merger:
	// slip 01 names the old ward's desk, slip 04 the new ward.
	d := rescheduled()
	d.Events[len(d.Events)-1].At = ict(2025, 7, 2, 9, 0)
	in := input(d)
	in.Issuer = is
	_, text01, _ := render(t, t.TempDir(), "01", in)
	_, text04, _ := render(t, t.TempDir(), "04", in)
	if !strings.Contains(flat(text01), "UBND PHƯỜNG HÀNG TRỐNG") || !strings.Contains(flat(text01), "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ") {
		t.Errorf("slip 01 of 05/03/2025 does not name the old ward\n%s", text01)
	}
	if !strings.Contains(flat(text04), "UBND PHƯỜNG HOÀN KIẾM") || strings.Contains(flat(text04), "HÀNG TRỐNG") {
		t.Errorf("slip 04 of 02/07/2025 does not name the ward in force\n%s", text04)
	}
}

// TestReasons gives each requested document its reason when the request
// states one per document.
func TestReasons(t *testing.T) {
	each, whole := reasons([]string{"a", "b"}, "Thiếu chữ ký;\nẢnh bị mờ.")
	if whole != "" || len(each) != 2 || each[0] != "Thiếu chữ ký" || each[1] != "Ảnh bị mờ" {
		t.Errorf("two reasons: %q, %q", each, whole)
	}
	each, whole = reasons([]string{"a"}, "Thiếu chữ ký; ảnh bị mờ")
	if whole != "" || each[0] != "Thiếu chữ ký; ảnh bị mờ" {
		t.Errorf("one document: %q, %q", each, whole)
	}
	each, whole = reasons([]string{"a", "b", "c"}, "Thiếu chữ ký; ảnh bị mờ")
	if whole != "Thiếu chữ ký; ảnh bị mờ" || each[0] != "" {
		t.Errorf("ambiguous: %q, %q", each, whole)
	}
}

// TestOnlineAddress prints the address the applicant declared in the form
// of an online dossier, and the delivery the applicant chose.
func TestOnlineAddress(t *testing.T) {
	d := base()
	d.Channel = dossier.ChannelOnline
	d.Applicant.Address = ""
	d.Form = map[string]any{"applicant_residence": "Số 5 phố Hàng Trống, phường Hoàn Kiếm, Hà Nội", "sets": float64(2)}
	d.Delivery = dossier.Delivery{Method: dossier.DeliverOnline}
	_, text, _ := render(t, t.TempDir(), "01", input(d))
	for _, w := range []string{"Địa chỉ: Số 5 phố Hàng Trống, phường Hoàn Kiếm, Hà Nội", "2. Số lượng hồ sơ: 02 (bộ)",
		"8. Đăng ký nhận kết quả tại: Trực tuyến trên Cổng Dịch vụ công (bản điện tử)"} {
		if !strings.Contains(flat(text), w) {
			t.Errorf("online slip 01 lacks %q\n%s", w, text)
		}
	}
}

// TestDeliveryOnSlip01: the applicant's choice of delivery is item 8.
func TestDeliveryOnSlip01(t *testing.T) {
	d := base()
	d.Delivery = dossier.Delivery{Method: dossier.DeliverPost, Address: "Số 5 phố Hàng Trống, Hà Nội"}
	_, text, _ := render(t, t.TempDir(), "01", input(d))
	if w := "8. Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích, tại địa chỉ: Số 5 phố Hàng Trống, Hà Nội"; !strings.Contains(flat(text), w) {
		t.Errorf("slip 01 lacks %q\n%s", w, text)
	}
}

// TestRegisterEntryOnSlip01: slip 01 names the register's book and entry
// when the store numbered the dossier; dots otherwise.
func TestRegisterEntryOnSlip01(t *testing.T) {
	in := input(base())
	_, text, _ := render(t, t.TempDir(), "01", in)
	if !strings.Contains(flat(text), "Quyển số: ………… Số thứ tự: …………") {
		t.Errorf("slip 01 without an entry lacks the dots\n%s", text)
	}
	in.RegisterBook, in.RegisterEntry = "2025", 7
	_, text, _ = render(t, t.TempDir(), "01", in)
	if !strings.Contains(flat(text), "Vào Sổ theo dõi hồ sơ, Quyển số: 2025 Số thứ tự: 07") {
		t.Errorf("slip 01 lacks its register entry\n%s", text)
	}
}
