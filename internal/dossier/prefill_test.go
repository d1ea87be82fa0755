package dossier

import (
	"maps"
	"testing"

	"github.com/motcua/motcua/internal/catalog"
)

func prefillForm() catalog.Form {
	return catalog.Form{Fields: []catalog.Field{
		{Name: "name", Label: "Họ và tên", Type: catalog.FieldText, Source: catalog.SourceFullName},
		{Name: "id", Label: "Số định danh", Type: catalog.FieldIDNumber, Source: catalog.SourceIDNumber},
		{Name: "born", Label: "Ngày sinh", Type: catalog.FieldDate, Source: catalog.SourceBirthDate},
		{Name: "phone", Label: "Điện thoại", Type: catalog.FieldPhone, Source: catalog.SourcePhone},
		{Name: "home", Label: "Nơi thường trú", Type: catalog.FieldText, Source: catalog.SourcePermanentResidence},
		{Name: "father", Label: "Họ tên cha", Type: catalog.FieldText, Source: catalog.SourceFatherName},
		{Name: "note", Label: "Ghi chú", Type: catalog.FieldText},
	}}
}

func TestPrefill(t *testing.T) {
	k := Known{FullName: "Nguyễn Văn An", IDNumber: "001090001234", BirthDate: "1990-03-15", Phone: "0912345678",
		Population: map[string]string{"home": "Số 1 Hàng Trống, Phường Hàng Trống, Quận Hoàn Kiếm, Thành phố Hà Nội"}}
	tests := []struct {
		name     string
		verified bool
		want     map[string]Prefilled
	}{
		{"self-declared account: the identity is the account's", false, map[string]Prefilled{
			"name": {"Nguyễn Văn An", OriginAccount}, "id": {"001090001234", OriginAccount}, "born": {"1990-03-15", OriginAccount},
			"phone": {"0912345678", OriginAccount}, "home": {k.Population["home"], OriginPopulation}}},
		{"verified account: the identity is vouched for", true, map[string]Prefilled{
			"name": {"Nguyễn Văn An", OriginIdentity}, "id": {"001090001234", OriginIdentity}, "born": {"1990-03-15", OriginIdentity},
			"phone": {"0912345678", OriginAccount}, "home": {k.Population["home"], OriginPopulation}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := k
			k.Verified = tt.verified
			got := Prefill(prefillForm(), k)
			if !maps.Equal(got, tt.want) {
				t.Errorf("Prefill =\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
	// At the desk there is no account: the lookup fills the identity.
	desk := Prefill(prefillForm(), Known{Population: map[string]string{"name": "Nguyễn Văn An", "home": "Hà Nội"}})
	if want := map[string]Prefilled{"name": {"Nguyễn Văn An", OriginPopulation}, "home": {"Hà Nội", OriginPopulation}}; !maps.Equal(desk, want) {
		t.Errorf("Prefill at the desk = %v, want %v", desk, want)
	}
	// Nothing known, nothing filled: the father's name has no lookup
	// value and the note no source.
	if got := Prefill(prefillForm(), Known{}); len(got) != 0 {
		t.Errorf("Prefill of nothing = %v", got)
	}
}

func TestSources(t *testing.T) {
	k := Known{FullName: "Nguyễn Văn An", IDNumber: "001090001234", BirthDate: "1990-03-15", Phone: "0912345678", Verified: true,
		Population: map[string]string{"home": "Số 1 Hàng Trống, Hà Nội", "father": "Nguyễn Văn Bố"}}
	tests := []struct {
		name string
		form map[string]any
		want map[string]Origin
	}{
		{"every value kept", map[string]any{"name": "Nguyễn Văn An", "id": "001090001234", "born": "1990-03-15", "phone": "0912345678",
			"home": "Số 1 Hàng Trống, Hà Nội", "father": "Nguyễn Văn Bố", "note": "x"},
			map[string]Origin{"name": OriginIdentity, "id": OriginIdentity, "born": OriginIdentity, "phone": OriginAccount,
				"home": OriginPopulation, "father": OriginPopulation}},
		{"spacing and case are not a change", map[string]any{"name": "  nguyễn  văn AN ", "home": "Số 1 Hàng Trống,  Hà Nội"},
			map[string]Origin{"name": OriginIdentity, "home": OriginPopulation}},
		{"values changed are the citizen's", map[string]any{"name": "Nguyễn Văn Anh", "id": "001090001234", "home": "Số 2 Hàng Bạc, Hà Nội"},
			map[string]Origin{"id": OriginIdentity}},
		{"nothing kept", map[string]any{"note": "x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sources(prefillForm(), tt.form, k); !maps.Equal(got, tt.want) {
				t.Errorf("Sources = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFormSources(t *testing.T) {
	src := map[string]Origin{"name": OriginIdentity}
	tests := []struct {
		name   string
		events []Event
		want   map[string]Origin
	}{
		{"online", []Event{{Action: ActSubmit, Data: SubmitData{Sources: src}}, {Action: ActReceive, From: 1, To: 2, Data: ReceiveData{}}}, src},
		{"online, nothing filled", []Event{{Action: ActSubmit}, {Action: ActReceive, From: 1, To: 2, Data: ReceiveData{Sources: src}}}, nil},
		{"counter", []Event{{Action: ActReceive, From: 0, To: 2, Data: ReceiveData{Sources: src}}}, src},
		{"not loaded", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Dossier{Events: tt.events}
			if got := d.FormSources(); !maps.Equal(got, tt.want) {
				t.Errorf("FormSources = %v, want %v", got, tt.want)
			}
		})
	}
}
