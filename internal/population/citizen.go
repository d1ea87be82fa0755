package population

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"
)

// Citizen is one person as the population database answers (CongDan).
// Category values (sex, ethnicity, religion, marital status, blood group,
// nationality) are kept as the platform sends them, codes or names, since
// their catalogues are the platform's, not ours.
type Citizen struct {
	IDNumber      string   `xml:"SoDinhDanh"`
	LegacyID      string   `xml:"SoCMND"` // 9-digit identity card number, if any
	Name          Name     `xml:"HoVaTen"`
	FullName      string   `xml:"-"` // Name joined, filled by the parser
	Sex           string   `xml:"GioiTinh"`
	Ethnicity     string   `xml:"DanToc"`
	Religion      string   `xml:"TonGiao"`
	MaritalStatus string   `xml:"TinhTrangHonNhan"`
	BloodGroup    string   `xml:"NhomMau"`
	Birth         BirthDay `xml:"NgayThangNamSinh"`
	// BirthRegistration is where the birth was registered (NoiDangKyKhaiSinh).
	BirthRegistration Address `xml:"NoiDangKyKhaiSinh"`
	HomeTown          Address `xml:"QueQuan"`
	// PermanentResidence is the registered permanent address (ThuongTru).
	PermanentResidence Address `xml:"ThuongTru"`
	// CurrentResidence is where the person lives now (NoiOHienTai).
	CurrentResidence Address   `xml:"NoiOHienTai"`
	Nationality      string    `xml:"QuocTich"`
	Father           Relative  `xml:"Cha"`
	Mother           Relative  `xml:"Me"`
	Spouse           Relative  `xml:"VoChong"`
	Representative   Relative  `xml:"NguoiDaiDien"`
	HeadOfHousehold  Household `xml:"ChuHo"`
	// HouseholdBook is the household register number (SoSoHoKhau).
	HouseholdBook string `xml:"SoSoHoKhau"`
}

// Name is the name in its parts (HoVaTen).
type Name struct {
	Last   string `xml:"Ho"`
	Middle string `xml:"ChuDem"`
	First  string `xml:"Ten"`
}

// Full joins the parts as Vietnamese writes them: family name, middle
// name(s), given name, skipping empty parts.
func (n Name) Full() string {
	return strings.Join(strings.Fields(n.Last+" "+n.Middle+" "+n.First), " ")
}

// BirthDay is the date of birth (NgayThangNamSinh). Date is kept as sent
// (the platform's format is unverified); Year alone is set for people whose
// full date is unknown.
type BirthDay struct {
	Year string `xml:"Nam"`
	Date string `xml:"NgayThangNam"`
}

// Address is one of the four addresses of a citizen.
type Address struct {
	ProvinceCode string `xml:"MaTinhThanh"`
	DistrictCode string `xml:"MaQuanHuyen"`
	WardCode     string `xml:"MaPhuongXa"`
	ProvinceName string `xml:"TenTinhThanh"`
	DistrictName string `xml:"TenQuanHuyen"`
	WardName     string `xml:"TenPhuongXa"`
	Detail       string `xml:"ChiTiet"` // house number, street, hamlet
	Country      string `xml:"QuocGia"`
}

// Relative is a father, mother, spouse or legal representative.
type Relative struct {
	FullName    string `xml:"HoVaTen"`
	Nationality string `xml:"QuocTich"`
	IDNumber    string `xml:"SoDinhDanh"`
	LegacyID    string `xml:"SoCMND"`
}

// Household is the head of the citizen's household and the citizen's
// relation to them.
type Household struct {
	Relation string `xml:"QuanHe"`
	IDNumber string `xml:"SoDinhDanh"`
	LegacyID string `xml:"SoCMND"`
	FullName string `xml:"HoVaTen"`
}

// envelope is the SOAP answer; tags name local names only, so any namespace
// prefix (soapenv:, ns1:) matches.
type envelope struct {
	XMLName xml.Name `xml:"Envelope"`
	Body    struct {
		Fault      *struct{} `xml:"Fault"`
		Collection struct {
			CongDan []Citizen `xml:"CongDan"`
		} `xml:"CongdanCollection"`
	} `xml:"Body"`
}

// errNoCitizen is the parser's "the answer is well formed and names nobody".
var errNoCitizen = errors.New("population: no CongDan in the answer")

// parseAnswer reads the platform's answer: a JSON string holding the XML
// envelope, or (field != "") a JSON object whose member field holds it. It
// returns the citizens the envelope holds (those with an ID number), or
// errNoCitizen, or another error for an answer that cannot be read. Errors
// name the fault, never the content, since the content is personal data.
func parseAnswer(body []byte, field string) ([]Citizen, error) {
	var raw json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, errors.New("population: answer is not JSON")
	}
	if field != "" && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, errors.New("population: answer is not a JSON object")
		}
		m, ok := obj[field]
		if !ok {
			return nil, errors.New("population: answer has no envelope member")
		}
		raw = m
	}
	var doc string
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, errors.New("population: answer holds no XML string")
	}
	var env envelope
	if err := xml.Unmarshal([]byte(doc), &env); err != nil {
		return nil, errors.New("population: answer XML is malformed")
	}
	if env.Body.Fault != nil {
		return nil, errors.New("population: answer is a SOAP fault")
	}
	var out []Citizen
	for _, c := range env.Body.Collection.CongDan {
		// Some platforms answer an empty CongDan for "not found".
		c.IDNumber = strings.TrimSpace(c.IDNumber)
		if c.IDNumber == "" {
			continue
		}
		c.FullName = c.Name.Full()
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errNoCitizen
	}
	return out, nil
}
