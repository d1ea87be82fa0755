package population_test

import (
	"slices"
	"testing"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/population"
)

func fullCitizen() *population.Citizen {
	home := population.Address{ProvinceName: "Thành phố Hà Nội", DistrictName: "Quận Cầu Giấy", WardName: "Phường Dịch Vọng",
		Detail: "Số 12 ngõ 34 phố Trần Thái Tông", Country: "VN"}
	return &population.Citizen{
		IDNumber: "001090012345", Name: population.Name{Last: "Nguyễn", Middle: "Văn", First: "Đức"}, FullName: "Nguyễn Văn Đức",
		Sex: "Nam", Ethnicity: "Kinh", Nationality: "Việt Nam", MaritalStatus: "Đã kết hôn",
		Birth:              population.BirthDay{Year: "1990", Date: "19900315"},
		PermanentResidence: home,
		CurrentResidence:   population.Address{ProvinceName: "Thành phố Hà Nội", DistrictName: "Quận Hoàn Kiếm", WardName: "Phường Hàng Trống"},
		HomeTown:           population.Address{ProvinceName: "Tỉnh Nam Định", DistrictName: "Huyện Giao Thủy", WardName: "", Detail: "Xóm 3"},
		Father:             population.Relative{FullName: "Nguyễn Văn Bình", IDNumber: "036060001111"},
		Mother:             population.Relative{FullName: "Trần Thị Cúc", IDNumber: "036162002222"},
		Spouse:             population.Relative{FullName: "Lê Thị Dung", IDNumber: "001192003333"},
		HeadOfHousehold:    population.Household{Relation: "Chủ hộ", FullName: "Nguyễn Văn Đức"},
		HouseholdBook:      "010123456",
	}
}

// TestAttribute reads each attribute of a full record.
func TestAttribute(t *testing.T) {
	c := fullCitizen()
	for _, tc := range []struct{ attr, want string }{
		{"full_name", "Nguyễn Văn Đức"},
		{"id_number", "001090012345"},
		{"birth_date", "1990-03-15"},
		{"sex", "Nam"},
		{"ethnicity", "Kinh"},
		{"nationality", "Việt Nam"},
		{"marital_status", "Đã kết hôn"},
		{"permanent_residence", "Số 12 ngõ 34 phố Trần Thái Tông, Phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà Nội"},
		{"current_residence", "Phường Hàng Trống, Quận Hoàn Kiếm, Thành phố Hà Nội"},
		{"home_town", "Xóm 3, Huyện Giao Thủy, Tỉnh Nam Định"},
		{"father.full_name", "Nguyễn Văn Bình"},
		{"father.id_number", "036060001111"},
		{"mother.full_name", "Trần Thị Cúc"},
		{"mother.id_number", "036162002222"},
		{"spouse.full_name", "Lê Thị Dung"},
		{"spouse.id_number", "001192003333"},
		{"household.full_name", "Nguyễn Văn Đức"},
		{"household.relation", "Chủ hộ"},
		{"household_book", "010123456"},
	} {
		got, ok := c.Attribute(tc.attr)
		if !ok || got != tc.want {
			t.Errorf("Attribute(%q) = %q, %v; want %q", tc.attr, got, ok, tc.want)
		}
	}
	for _, attr := range []string{"", "religion", "father", "population.sex", "FULL_NAME"} {
		if v, ok := c.Attribute(attr); ok {
			t.Errorf("Attribute(%q) = %q, want unknown", attr, v)
		}
	}
	// Empty in the record: not "found".
	empty := &population.Citizen{IDNumber: "001090012345"}
	for _, attr := range []string{"spouse.full_name", "permanent_residence", "birth_date", "full_name"} {
		if v, ok := empty.Attribute(attr); ok {
			t.Errorf("empty record: Attribute(%q) = %q", attr, v)
		}
	}
	var none *population.Citizen
	if _, ok := none.Attribute("sex"); ok {
		t.Error("nil citizen has an attribute")
	}
}

// TestBirthDayISO covers the date shapes a platform may send.
func TestBirthDayISO(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"19900315", "1990-03-15"},
		{"15031990", "1990-03-15"},
		{"15/03/1990", "1990-03-15"},
		{"1990-03-15", "1990-03-15"},
		{"1990-03-15T00:00:00+07:00", "1990-03-15"},
		{" 02/09/1999 ", "1999-09-02"},
		{"", ""},
		{"1990", ""},
		{"31/02/1990", ""},
		{"x", ""},
	} {
		if got := (population.BirthDay{Date: tc.in}).ISO(); got != tc.want {
			t.Errorf("ISO(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestEveryPopulationSourceHasAnAttribute keeps catalog.Sources and
// Citizen.Attribute in step: a source a form may name that the citizen
// cannot answer would never be filled.
func TestEveryPopulationSourceHasAnAttribute(t *testing.T) {
	c := fullCitizen()
	identity := map[catalog.Source]string{catalog.SourceFullName: "full_name", catalog.SourceIDNumber: "id_number", catalog.SourceBirthDate: "birth_date"}
	n := 0
	for _, s := range catalog.Sources {
		attr, ok := s.Population()
		if !ok {
			attr, ok = identity[s]
		}
		if !ok {
			continue
		}
		n++
		if !slices.Contains(population.Attributes, attr) {
			t.Errorf("source %s: %q is not in population.Attributes", s, attr)
		}
		if _, ok := c.Attribute(attr); !ok {
			t.Errorf("source %s: Attribute(%q) unknown", s, attr)
		}
	}
	if n != len(population.Attributes) {
		t.Errorf("%d sources map to attributes, population.Attributes has %d", n, len(population.Attributes))
	}
}
