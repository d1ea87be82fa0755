package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func demo(t *testing.T) []Spec {
	t.Helper()
	specs, err := DemoCatalogue()
	if err != nil {
		t.Fatalf("DemoCatalogue: %v", err)
	}
	return specs
}

func TestDemoCatalogue(t *testing.T) {
	specs := demo(t)
	if len(specs) < 60 {
		t.Fatalf("%d specs, want at least 60", len(specs))
	}
	codes := map[string]bool{}
	classes := map[Class]int{}
	kinds := map[LimitKind]int{}
	offered := map[string]int{}
	sameDay, pause, info2 := 0, 0, 0
	for _, s := range specs {
		if err := s.Check(); err != nil {
			t.Errorf("%s %s: %v", s.Code, s.Name, err)
		}
		if codes[s.Code] {
			t.Errorf("duplicate code %s", s.Code)
		}
		codes[s.Code] = true
		v := s.Version
		classes[v.Class]++
		kinds[v.LimitKind]++
		if v.LimitAmount == 0 && v.SameDayCutoff == "15:00" {
			sameDay++
		}
		if v.SupplementPolicy == SupplementPause {
			pause++
		}
		if v.Class == ClassInfo && v.LegacyLevel == 2 {
			info2++
		}
		for _, o := range s.OfferedBy {
			offered[o]++
		}
		if v.EffectiveFrom.In(vnZone).Year() != 2024 || v.EffectiveTo != nil {
			t.Errorf("%s: effective %v – %v", s.Code, v.EffectiveFrom, v.EffectiveTo)
		}
		if s.Current != nil {
			t.Errorf("%s: Procedure.Current set by parsing", s.Code)
		}
	}
	if classes[ClassFull] < 5 || classes[ClassPartial] < 5 || info2 < 3 {
		t.Errorf("class mix: %v, info level 2: %d", classes, info2)
	}
	if sameDay < 3 || kinds[CalendarDays] < 2 || kinds[WorkingHours] < 1 || pause < 2 {
		t.Errorf("limits: same-day %d, kinds %v, pause %d", sameDay, kinds, pause)
	}
	for _, sel := range []string{OfferAllCommunes, OfferAllDistricts, "Sở Tư pháp", "Sở Xây dựng", "Sở Kế hoạch và Đầu tư",
		"Sở Văn hóa và Thể thao", "Sở Thông tin và Truyền thông", "Sở Tài nguyên và Môi trường", "Sở Giao thông vận tải",
		"Sở Công Thương", "Sở Lao động - Thương binh và Xã hội", "Sở Y tế"} {
		if offered[sel] == 0 {
			t.Errorf("no procedure offered by %q", sel)
		}
	}
}

// TestHanoi2017 checks the 16 procedures Hà Nội named in 2017 are present at
// the right level, found by name.
func TestHanoi2017(t *testing.T) {
	specs := demo(t)
	find := func(level UnitLevel, words ...string) *Spec {
		var found *Spec
		for i, s := range specs {
			if s.UnitLevel != level {
				continue
			}
			ok := true
			for _, w := range words {
				ok = ok && strings.Contains(s.Name, w)
			}
			if ok {
				if found != nil {
					t.Errorf("%v matches both %q and %q", words, found.Name, s.Name)
				}
				found = &specs[i]
			}
		}
		if found == nil {
			t.Errorf("no %s procedure named with %q", level, words)
		}
		return found
	}
	const game = "điểm cung cấp dịch vụ trò chơi điện tử công cộng"
	find(LevelDistrict, "Cấp bản sao Trích lục hộ tịch")
	find(LevelDistrict, "hè phố", "trông giữ xe đạp, xe máy, ô tô có thu phí")
	find(LevelDistrict, "hè phố", "việc cưới, việc tang")
	find(LevelDistrict, "hè phố", "vật liệu xây dựng", "thi công công trình")
	find(LevelDistrict, "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ")
	find(LevelDistrict, "sửa chữa, cải tạo đối với nhà ở riêng lẻ")
	find(LevelDistrict, "Cấp Giấy chứng nhận đủ điều kiện hoạt động "+game)
	find(LevelDistrict, "Sửa đổi, bổ sung Giấy chứng nhận", game)
	find(LevelDistrict, "Gia hạn Giấy chứng nhận", game)
	find(LevelDistrict, "Cấp lại Giấy chứng nhận", game)
	if s := find(LevelCommune, "Đăng ký kết hôn"); s != nil && s.Code != "1.000894" {
		t.Errorf("Đăng ký kết hôn has code %s", s.Code)
	}
	find(LevelCommune, "Đăng ký lại kết hôn")
	for _, name := range []string{"Đăng ký giám hộ", "Đăng ký chấm dứt giám hộ", "Cấp Giấy xác nhận tình trạng hôn nhân", "Cấp bản sao Trích lục hộ tịch"} {
		n := 0
		for _, s := range specs {
			if s.UnitLevel == LevelCommune && s.Name == name {
				n++
			}
		}
		if n != 1 {
			t.Errorf("commune procedure %q found %d times", name, n)
		}
	}
}

func TestDemoValues(t *testing.T) {
	byCode := map[string]Spec{}
	for _, s := range demo(t) {
		byCode[s.Code] = s
	}
	marriage := byCode["1.000894"].Version
	if marriage.FeeVND != 0 || marriage.LimitAmount != 0 || marriage.SameDayCutoff != "15:00" {
		t.Errorf("marriage: fee %d, limit %d, cutoff %q", marriage.FeeVND, marriage.LimitAmount, marriage.SameDayCutoff)
	}
	for _, name := range []string{"husband_full_name", "wife_full_name", "husband_birth_date", "wife_id_number", "phone"} {
		if f, ok := marriage.Form.Field(name); !ok || !f.Required {
			t.Errorf("marriage form: %s missing or optional", name)
		}
	}
	if f, ok := marriage.Form.Field("email"); !ok || f.Required {
		t.Errorf("marriage form: e-mail must be optional")
	}
	if extract := byCode["2.000635"].Version; extract.FeeVND != 8000 {
		t.Errorf("extract fee %d", extract.FeeVND)
	}
	// The demo forms accept a plausible marriage application.
	clean, errs := marriage.Form.Validate(map[string]any{
		"husband_full_name": "Nguyễn Văn An", "husband_birth_date": "02/09/1995", "husband_id_number": "001095012345",
		"husband_residence": "Phường Hàng Bạc, Hà Nội", "wife_full_name": "Trần Thị Bình", "wife_birth_date": "1997-05-19",
		"wife_id_number": "001197012345", "wife_residence": "Phường Hàng Bạc, Hà Nội", "declaration": "on", "phone": "0912345678",
	}, now)
	if errs != nil {
		t.Fatalf("marriage application rejected: %v", errs)
	}
	if clean["husband_birth_date"] != "1995-09-02" || clean["declaration"] != true {
		t.Errorf("clean = %v", clean)
	}
}

func TestDemoJSONRoundTrip(t *testing.T) {
	specs := demo(t)
	b, err := json.Marshal(specs)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSpecs(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("re-parse: %v", err)
	}
	b2, _ := json.Marshal(back)
	if !bytes.Equal(b, b2) {
		t.Errorf("round trip changed the catalogue")
	}
	if !strings.Contains(string(b), `"version":{"number":1`) {
		t.Errorf("Spec.Version not serialised as \"version\"")
	}
}

// goodSpec is a minimal valid spec that the bad cases below break one way.
func goodSpec() Spec {
	return Spec{
		Procedure: Procedure{Code: "1.000894", Name: "Đăng ký kết hôn", Field: "Hộ tịch", UnitLevel: LevelCommune},
		Version: Version{
			Number: 1, EffectiveFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, vnZone),
			LegacyLevel: 3, Class: ClassPartial, LimitAmount: 3, LimitKind: WorkingDays,
			SupplementPolicy: SupplementRestart, SupplementBasis: "Nghị định 61/2018/NĐ-CP",
			Documents: []Document{{Key: "to_khai", Name: "Tờ khai", Originals: 1, Required: true}},
			Form:      Form{Fields: []Field{{Name: "full_name", Label: "Họ và tên", Type: FieldText, Required: true}}},
			Process: []Step{
				{Key: "receive", Name: "Tiếp nhận", Role: RoleReceptionist, Action: StepReceive, BudgetHours: 4},
				{Key: "assign", Name: "Phân công", Role: RoleLeader, Action: StepAssign, BudgetHours: 2},
				{Key: "examine", Name: "Thẩm định", Role: RoleSpecialist, Action: StepDraftResult, BudgetHours: 12},
				{Key: "approve", Name: "Phê duyệt", Role: RoleLeader, Action: StepFinish, BudgetHours: 4},
				{Key: "return", Name: "Trả kết quả", Role: RoleReceptionist, Action: StepDeliver, BudgetHours: 2},
			},
		},
		OfferedBy: []string{OfferAllCommunes},
	}
}

func TestSpecCheckGood(t *testing.T) {
	if err := goodSpec().Check(); err != nil {
		t.Fatal(err)
	}
	ok := map[string]func(*Spec){
		"provincial suffix": func(s *Spec) { s.Code = "1.000948.H38" },
		"info level 1":      func(s *Spec) { s.Version.Class, s.Version.LegacyLevel = ClassInfo, 1 },
		"info without form": func(s *Spec) { s.Version.Class, s.Version.LegacyLevel, s.Version.Form = ClassInfo, 2, Form{} },
		"same day": func(s *Spec) {
			s.Version.LimitAmount, s.Version.SameDayCutoff = 0, "15:00"
			for i, h := range []float64{1, 1, 3, 2, 1} {
				s.Version.Process[i].BudgetHours = h
			}
		},
		"transfer and a review": func(s *Spec) {
			p := s.Version.Process
			p[2].BudgetHours = 6
			s.Version.Process = []Step{p[0], {Key: "transfer", Name: "Chuyển hồ sơ", Role: RoleReceptionist, Action: StepTransfer, BudgetHours: 4},
				p[1], p[2], {Key: "review", Name: "Kiểm tra, trình ký", Role: RoleLeader, BudgetHours: 2}, p[3], p[4]}
		},
		"head of office's review": func(s *Spec) {
			p := s.Version.Process
			p[2].BudgetHours = 8
			s.Version.Process = []Step{p[0], p[1], p[2],
				{Key: "head", Name: "Trưởng phòng duyệt dự thảo", Role: RoleHead, Action: StepApproveDraft, BudgetHours: 4}, p[3], p[4]}
		},
		"calendar days under the bound": func(s *Spec) { s.Version.LimitKind, s.Version.LimitAmount = CalendarDays, 5 },
		"working hours":                 func(s *Spec) { s.Version.LimitKind, s.Version.LimitAmount = WorkingHours, 24 },
		"several levels": func(s *Spec) {
			s.OfferedBy = []string{OfferAllCommunes, OfferAllDistricts}
		},
		"province department": func(s *Spec) { s.UnitLevel, s.OfferedBy = LevelProvince, []string{"Sở Tư pháp"} },
		"pause":               func(s *Spec) { s.Version.SupplementPolicy = SupplementPause },
		"receive anywhere": func(s *Spec) {
			s.Version.ReceiveAnywhere, s.Version.ReceiveAnywhereBasis = true, "Nghị định 118/2025/NĐ-CP"
		},
		"declaration and a paper shown": func(s *Spec) {
			s.Version.Documents[0].Declaration = true
			s.Version.Documents = append(s.Version.Documents, Document{Key: "cccd", Name: "Căn cước (xuất trình)", Originals: 1, Required: true, Present: true})
		},
		"paper shown without form": func(s *Spec) {
			s.Version.Class, s.Version.LegacyLevel, s.Version.Form = ClassInfo, 2, Form{}
			s.Version.Documents[0].Present = true
		},
	}
	for name, mod := range ok {
		s := goodSpec()
		mod(&s)
		if err := s.Check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSpecCheckBad(t *testing.T) {
	bad := map[string]func(*Spec){
		"code format":            func(s *Spec) { s.Code = "1000894" },
		"code suffix":            func(s *Spec) { s.Code = "1.000894.h38" },
		"code short":             func(s *Spec) { s.Code = "1.00089" },
		"empty name":             func(s *Spec) { s.Name = "" },
		"one-word name":          func(s *Spec) { s.Name = "Kết" },
		"lower-case name":        func(s *Spec) { s.Name = "đăng ký kết hôn" },
		"decomposed name":        func(s *Spec) { s.Name = norm.NFD.String("Đăng ký kết hôn") },
		"padded name":            func(s *Spec) { s.Name = " Đăng ký kết hôn" },
		"empty field":            func(s *Spec) { s.Field = "" },
		"unit level":             func(s *Spec) { s.UnitLevel = "ward" },
		"version number":         func(s *Spec) { s.Version.Number = 0 },
		"no effective date":      func(s *Spec) { s.Version.EffectiveFrom = time.Time{} },
		"effective_to before":    func(s *Spec) { e := s.Version.EffectiveFrom.Add(-time.Hour); s.Version.EffectiveTo = &e },
		"full level 3":           func(s *Spec) { s.Version.Class = ClassFull },
		"partial level 4":        func(s *Spec) { s.Version.LegacyLevel = 4 },
		"info level 3":           func(s *Spec) { s.Version.Class = ClassInfo },
		"level 5":                func(s *Spec) { s.Version.LegacyLevel = 5 },
		"unknown class":          func(s *Spec) { s.Version.Class = "online" },
		"unknown limit kind":     func(s *Spec) { s.Version.LimitKind = "months" },
		"negative limit":         func(s *Spec) { s.Version.LimitAmount = -1 },
		"same day calendar":      func(s *Spec) { s.Version.LimitKind, s.Version.LimitAmount = CalendarDays, 0 },
		"cutoff not same day":    func(s *Spec) { s.Version.SameDayCutoff = "15:00" },
		"bad cutoff":             func(s *Spec) { s.Version.LimitAmount, s.Version.SameDayCutoff = 0, "25:00" },
		"supplement policy":      func(s *Spec) { s.Version.SupplementPolicy = "" },
		"no supplement basis":    func(s *Spec) { s.Version.SupplementBasis = " " },
		"negative fee":           func(s *Spec) { s.Version.FeeVND = -1 },
		"anywhere without basis": func(s *Spec) { s.Version.ReceiveAnywhere = true },
		"anywhere blank basis":   func(s *Spec) { s.Version.ReceiveAnywhere, s.Version.ReceiveAnywhereBasis = true, " " },
		"anywhere padded basis":  func(s *Spec) { s.Version.ReceiveAnywhere, s.Version.ReceiveAnywhereBasis = true, " NĐ 118" },
		"basis without anywhere": func(s *Spec) { s.Version.ReceiveAnywhereBasis = "Nghị định 118/2025/NĐ-CP" },
		"no documents":           func(s *Spec) { s.Version.Documents = nil },
		"duplicate document key": func(s *Spec) { s.Version.Documents = append(s.Version.Documents, s.Version.Documents[0]) },
		"bad document key":       func(s *Spec) { s.Version.Documents[0].Key = "Tờ khai" },
		"document no copies":     func(s *Spec) { s.Version.Documents[0].Originals = 0 },
		"negative copies":        func(s *Spec) { s.Version.Documents[0].Copies = -1 },
		"empty document name":    func(s *Spec) { s.Version.Documents[0].Name = "" },
		"present declaration":    func(s *Spec) { s.Version.Documents[0].Present, s.Version.Documents[0].Declaration = true, true },
		"declaration without form": func(s *Spec) {
			s.Version.Class, s.Version.LegacyLevel, s.Version.Form = ClassInfo, 2, Form{}
			s.Version.Documents[0].Declaration = true
		},
		"two declarations": func(s *Spec) {
			s.Version.Documents[0].Declaration = true
			s.Version.Documents = append(s.Version.Documents, Document{Key: "don", Name: "Đơn", Originals: 1, Declaration: true})
		},
		"bad form":            func(s *Spec) { s.Version.Form.Fields[0].Type = "color" },
		"online without form": func(s *Spec) { s.Version.Form = Form{} },
		"no steps":            func(s *Spec) { s.Version.Process = nil },
		"zero budget":         func(s *Spec) { s.Version.Process[0].BudgetHours = 0 },
		"negative budget":     func(s *Spec) { s.Version.Process[0].BudgetHours, s.Version.Process[1].BudgetHours = -4, 24 },
		"unknown role":        func(s *Spec) { s.Version.Process[0].Role = "city_admin" },
		"duplicate step key":  func(s *Spec) { s.Version.Process[1].Key = "receive" },
		"budgets below limit": func(s *Spec) { s.Version.Process[2].BudgetHours = 8 },
		"no assignment step": func(s *Spec) {
			s.Version.Process = append(s.Version.Process[:1:1], s.Version.Process[2:]...)
			s.Version.Process[1].BudgetHours = 14
		},
		"unknown step action":  func(s *Spec) { s.Version.Process[1].Action = "approve" },
		"repeated step action": func(s *Spec) { s.Version.Process[3].Action = StepDraftResult },
		"head review by a leader": func(s *Spec) {
			p := s.Version.Process
			p[2].BudgetHours = 8
			s.Version.Process = []Step{p[0], p[1], p[2], {Key: "head", Name: "Duyệt", Role: RoleLeader, Action: StepApproveDraft, BudgetHours: 4}, p[3], p[4]}
		},
		"head review after the signature": func(s *Spec) {
			p := s.Version.Process
			p[2].BudgetHours = 8
			s.Version.Process = []Step{p[0], p[1], p[2], p[3], {Key: "head", Name: "Duyệt", Role: RoleHead, Action: StepApproveDraft, BudgetHours: 4}, p[4]}
		},
		"step actions reversed": func(s *Spec) { s.Version.Process[1].Action, s.Version.Process[2].Action = StepDraftResult, StepAssign },
		"step after delivery": func(s *Spec) {
			s.Version.Process[4].BudgetHours = 1
			s.Version.Process = append(s.Version.Process, Step{Key: "archive", Name: "Lưu hồ sơ", Role: RoleReceptionist, BudgetHours: 1})
		},
		"budgets above limit":    func(s *Spec) { s.Version.Process[1].BudgetHours = 20 },
		"same day over 8h":       func(s *Spec) { s.Version.LimitAmount = 0 },
		"hours mismatch":         func(s *Spec) { s.Version.LimitKind, s.Version.LimitAmount = WorkingHours, 8 },
		"calendar over bound":    func(s *Spec) { s.Version.LimitKind, s.Version.LimitAmount = CalendarDays, 2 },
		"no offered_by":          func(s *Spec) { s.OfferedBy = nil },
		"offered at wrong level": func(s *Spec) { s.OfferedBy = []string{OfferAllDistricts} },
		"unknown selector":       func(s *Spec) { s.OfferedBy = []string{"all_wards"} },
		"lower-case department":  func(s *Spec) { s.UnitLevel, s.OfferedBy = LevelProvince, []string{"sở tư pháp"} },
		"bad life event":         func(s *Spec) { s.LifeEvents = []string{"Kết hôn"} },
	}
	for name, mod := range bad {
		s := goodSpec()
		mod(&s)
		if err := s.Check(); err == nil {
			t.Errorf("%s: Check accepted the spec", name)
		}
	}
	s := goodSpec()
	s.Code, s.Version.FeeVND, s.Version.Class = "x", -5, "y"
	err := s.Check()
	for _, want := range []string{"code", "fee", "class"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("joined error %v lacks %q", err, want)
		}
	}
}

func TestParseSpecs(t *testing.T) {
	one, _ := json.Marshal([]Spec{goodSpec()})
	if specs, err := ParseSpecs(bytes.NewReader(one)); err != nil || len(specs) != 1 || specs[0].Version.LimitAmount != 3 {
		t.Fatalf("ParseSpecs(good) = %v, %v", specs, err)
	}
	two, _ := json.Marshal([]Spec{goodSpec(), goodSpec()})
	bad := map[string]string{
		"duplicate codes": string(two),
		"unknown key":     strings.Replace(string(one), `"offered_by"`, `"offerd_by":[],"offered_by"`, 1),
		"invalid spec":    strings.Replace(string(one), `"fee":0`, `"fee":-1`, 1),
		"not an array":    `{"code":"1.000894"}`,
		"trailing data":   string(one) + "[]",
		"syntax":          `[{`,
	}
	for name, in := range bad {
		if specs, err := ParseSpecs(strings.NewReader(in)); err == nil || specs != nil {
			t.Errorf("%s: ParseSpecs accepted it", name)
		}
	}
}

// TestImportRefusesMissingHandOver: a catalogue file whose template has no
// step for a hand-over of the lifecycle is refused as a whole, and the
// error names the procedure, the hand-over and the step to add.
func TestImportRefusesMissingHandOver(t *testing.T) {
	for _, c := range []struct {
		drop     string // key of the step removed
		action   string
		stepName string
	}{
		{"receive", StepReceive, "Tiếp nhận hồ sơ"},
		{"assign", StepAssign, "Phân công xử lý"},
		{"examine", StepDraftResult, "Thẩm định, xử lý hồ sơ, dự thảo kết quả"},
		{"approve", StepFinish, "Phê duyệt, ký kết quả"},
	} {
		t.Run(c.drop, func(t *testing.T) {
			s := goodSpec()
			var kept []Step
			var dropped float64
			for _, st := range s.Version.Process {
				if st.Key == c.drop {
					dropped = st.BudgetHours
					continue
				}
				kept = append(kept, st)
			}
			kept[len(kept)-1].BudgetHours += dropped // the budgets still fit: only the hand-over is missing
			s.Version.Process = kept
			file, _ := json.Marshal([]Spec{goodSpec(), s})
			specs, err := ParseSpecs(bytes.NewReader(file))
			if err == nil || specs != nil {
				t.Fatalf("ParseSpecs accepted a template without the %s step", c.drop)
			}
			msg := err.Error()
			for _, want := range []string{"spec 2", "1.000894", "«Đăng ký kết hôn»", `hand-over "` + c.action + `"`, c.stepName} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			if strings.Count(msg, "hand-over") != 1 {
				t.Errorf("error %q names other problems than the missing step", msg)
			}
		})
	}
}

// TestStepEndedBy: each hand-over ends the step that names it, looking
// ahead of the current step only; a template stored before steps named
// their hand-overs gets them from the roles, and one without an
// assignment step has the assignment end none (not the approval).
func TestStepEndedBy(t *testing.T) {
	v := goodSpec().Version
	for _, c := range []struct {
		action string
		from   int
		want   int
	}{
		{StepReceive, 0, 0}, {StepTransfer, 1, -1}, {StepAssign, 1, 1}, {StepAssign, 2, -1},
		{StepDraftResult, 1, 2}, {StepFinish, 3, 3}, {StepDeliver, 4, 4}, {StepDraftResult, 3, -1}, {"consult", 0, -1},
		{StepApproveDraft, 0, -1},
	} {
		if got := v.StepEndedBy(c.action, c.from); got != c.want {
			t.Errorf("StepEndedBy(%s, %d) = %d, want %d", c.action, c.from, got, c.want)
		}
	}
	if v.HasStep(StepApproveDraft) || !v.HasStep(StepFinish) {
		t.Errorf("HasStep: a template without the head's step says it has one, or lacks finish")
	}
	headed := v
	headed.Process = append(append(append([]Step{}, v.Process[:3]...),
		Step{Key: "head", Name: "Trưởng phòng duyệt", Role: RoleHead, Action: StepApproveDraft, BudgetHours: 2}), v.Process[3:]...)
	if !headed.HasStep(StepApproveDraft) {
		t.Errorf("HasStep(approve_draft) = false on a template with the head's step")
	}
	for _, c := range []struct {
		action string
		from   int
		want   int
	}{{StepDraftResult, 2, 2}, {StepApproveDraft, 3, 3}, {StepApproveDraft, 4, -1}, {StepFinish, 3, 4}, {StepFinish, 4, 4}} {
		if got := headed.StepEndedBy(c.action, c.from); got != c.want {
			t.Errorf("headed: StepEndedBy(%s, %d) = %d, want %d", c.action, c.from, got, c.want)
		}
	}
	legacy := func(roles ...string) []Step {
		var out []Step
		for i, r := range roles {
			out = append(out, Step{Key: fmt.Sprint("s", i), Role: r, BudgetHours: 1})
		}
		return out
	}
	const rc, ld, sp = RoleReceptionist, RoleLeader, RoleSpecialist
	for _, c := range []struct {
		name  string
		steps []Step
		want  []string
	}{
		{"five steps", legacy(rc, ld, sp, ld, rc), []string{StepReceive, StepAssign, StepDraftResult, StepFinish, StepDeliver}},
		{"transfer, review", legacy(rc, rc, ld, sp, ld, ld, rc), []string{StepReceive, StepTransfer, StepAssign, StepDraftResult, "", StepFinish, StepDeliver}},
		{"consultation step", legacy(rc, rc, ld, sp, sp, ld, ld, rc), []string{StepReceive, StepTransfer, StepAssign, StepDraftResult, "", "", StepFinish, StepDeliver}},
		{"no assignment", legacy(rc, sp, ld, rc), []string{StepReceive, StepDraftResult, StepFinish, StepDeliver}},
	} {
		v := Version{Process: c.steps}
		if got := v.stepActions(); !slices.Equal(got, c.want) {
			t.Errorf("%s: inferred %q, want %q", c.name, got, c.want)
		}
	}
}

// TestDemoDocumentFlags: the demo marks the papers shown at the desk
// ("xuất trình") and the declarations its online forms stand for.
func TestDemoDocumentFlags(t *testing.T) {
	present, declarations := 0, 0
	for _, s := range demo(t) {
		for _, d := range s.Version.Documents {
			shown := strings.Contains(d.Name, "(xuất trình") && !strings.HasPrefix(d.Name, "Bản sao")
			if d.Present != shown {
				t.Errorf("%s %s: present %v for %q", s.Code, d.Key, d.Present, d.Name)
			}
			if d.Present {
				present++
			}
			if d.Declaration {
				declarations++
			}
		}
		if s.Code == "1.000894" {
			v := s.Version
			if !v.Documents[0].Declaration || !v.Documents[1].Present {
				t.Errorf("Đăng ký kết hôn: documents %+v", v.Documents[:2])
			}
			if m := v.MissingDocuments(func(string) bool { return false }); len(m) != 0 {
				t.Errorf("Đăng ký kết hôn online asks for %+v", m)
			}
		}
	}
	if present < 15 || declarations < 40 {
		t.Errorf("%d documents shown at the desk, %d declarations", present, declarations)
	}
}
