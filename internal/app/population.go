package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/sandbox/popregistry"
	"github.com/motcua/motcua/internal/vn"
)

// sandboxPopulationPath is where --demo serves its sandbox population
// registry.
const sandboxPopulationPath = "/sandbox/dan-cu"

// populationService builds the population lookup service: the platform's
// client when --population-url is set; with --demo and no URL, the same
// client pointed at the sandbox registry this process serves (returned as
// sandbox, to mount at sandboxPopulationPath), with a random token;
// otherwise a service without a registry, which answers "not configured".
func populationService(cfg config.Config, lookups population.LookupLog, log *slog.Logger, now func() time.Time) (*population.Service, http.Handler, error) {
	svc := &population.Service{Log: lookups, Now: now, Slog: log}
	p := cfg.Population
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = config.DefaultPopulationTimeout
	}
	switch {
	case p.URL != "":
		svc.Registry = &population.Client{URL: p.URL, Token: p.Token, Header: p.TokenHeader, Username: p.User, Password: p.Password,
			IntegrationCode: p.IntegrationCode, EnvelopeField: p.EnvelopeField, HTTP: &http.Client{Timeout: timeout}}
		return svc, nil, nil
	case cfg.Demo:
		tok := make([]byte, 16)
		if _, err := rand.Read(tok); err != nil {
			return nil, nil, err
		}
		token := hex.EncodeToString(tok)
		svc.Registry = &population.Client{URL: strings.TrimRight(cfg.BaseURL, "/") + sandboxPopulationPath, Token: token,
			IntegrationCode: "MOTCUA-DEMO", HTTP: &http.Client{Timeout: timeout}}
		return svc, popregistry.New(token, demoPeople()), nil
	}
	return svc, nil, nil
}

// demoBirths are the demo citizens' dates of birth, the same in the
// sandbox e-ID and the sandbox population registry.
var demoBirths = map[string]string{
	demo.Citizens[0].IDNumber: vn.DisplayDate(demo.Citizens[0].BirthDate),
	demo.Citizens[1].IDNumber: vn.DisplayDate(demo.Citizens[1].BirthDate),
	demoNewPerson.IDNumber:    demoNewPerson.BirthDate,
}

// demoNewPerson is the demo person without an account yet, whose first
// e-ID login opens a verified account.
var demoNewPerson = struct{ IDNumber, FullName, BirthDate string }{"001199012345", "Lê Thị Cúc", "02/09/1999"}

// hanoi is an address in Hà Nội (real ward and district names; the house
// numbers are invented).
func hanoi(detail, ward, district, districtCode string) population.Address {
	return population.Address{ProvinceCode: "01", DistrictCode: districtCode, ProvinceName: "Thành phố Hà Nội",
		DistrictName: district, WardName: ward, Detail: detail, Country: "VN"}
}

// demoPeople are the sandbox registry's citizens: the demo's two citizens
// and the new person, with fictitious families and addresses. An is
// married; the others are not.
func demoPeople() []popregistry.Person {
	name := func(last, middle, first string) population.Name {
		return population.Name{Last: last, Middle: middle, First: first}
	}
	an := demo.Citizens[0]
	binh := demo.Citizens[1]
	anHome := hanoi("Số 5 phố Lý Quốc Sư", "Phường Hàng Trống", "Quận Hoàn Kiếm", "002")
	binhHome := hanoi("Số 18 ngõ 68 đường Cầu Giấy", "Phường Quan Hoa", "Quận Cầu Giấy", "005")
	cucHome := hanoi("Số 27 phố Kim Mã", "Phường Kim Mã", "Quận Ba Đình", "001")
	return []popregistry.Person{
		{Citizen: population.Citizen{IDNumber: an.IDNumber, Name: name("Nguyễn", "Văn", "An"),
			Sex: "Nam", Ethnicity: "Kinh", Religion: "Không", Nationality: "Việt Nam", MaritalStatus: "Đã kết hôn",
			BirthRegistration:  hanoi("", "Phường Hàng Trống", "Quận Hoàn Kiếm", "002"),
			HomeTown:           population.Address{ProvinceName: "Tỉnh Nam Định", DistrictName: "Huyện Giao Thủy", WardName: "Xã Giao Tiến", Country: "VN"},
			PermanentResidence: anHome, CurrentResidence: anHome,
			Father:          population.Relative{FullName: "Nguyễn Văn Hùng", Nationality: "Việt Nam", IDNumber: "036062001122"},
			Mother:          population.Relative{FullName: "Đỗ Thị Lan", Nationality: "Việt Nam", IDNumber: "036165003344"},
			Spouse:          population.Relative{FullName: "Phạm Thị Hoa", Nationality: "Việt Nam", IDNumber: "001192007788"},
			HeadOfHousehold: population.Household{Relation: "Chủ hộ", IDNumber: an.IDNumber, FullName: an.FullName},
			HouseholdBook:   "010456789"},
			BirthDate: demoBirths[an.IDNumber]},
		{Citizen: population.Citizen{IDNumber: binh.IDNumber, Name: name("Trần", "Thị", "Bình"),
			Sex: "Nữ", Ethnicity: "Kinh", Religion: "Không", Nationality: "Việt Nam", MaritalStatus: "Chưa kết hôn",
			BirthRegistration:  hanoi("", "Phường Quan Hoa", "Quận Cầu Giấy", "005"),
			HomeTown:           hanoi("", "Phường Quan Hoa", "Quận Cầu Giấy", "005"),
			PermanentResidence: binhHome, CurrentResidence: binhHome,
			Father:          population.Relative{FullName: "Trần Văn Minh", Nationality: "Việt Nam", IDNumber: "001065004455"},
			Mother:          population.Relative{FullName: "Lê Thị Thu", Nationality: "Việt Nam", IDNumber: "001168005566"},
			HeadOfHousehold: population.Household{Relation: "Con", IDNumber: "001065004455", FullName: "Trần Văn Minh"},
			HouseholdBook:   "010567890"},
			BirthDate: demoBirths[binh.IDNumber]},
		{Citizen: population.Citizen{IDNumber: demoNewPerson.IDNumber, Name: name("Lê", "Thị", "Cúc"),
			Sex: "Nữ", Ethnicity: "Kinh", Religion: "Không", Nationality: "Việt Nam", MaritalStatus: "Chưa kết hôn",
			BirthRegistration:  hanoi("", "Phường Kim Mã", "Quận Ba Đình", "001"),
			HomeTown:           population.Address{ProvinceName: "Tỉnh Thanh Hóa", DistrictName: "Huyện Hoằng Hóa", WardName: "Xã Hoằng Đạo", Country: "VN"},
			PermanentResidence: cucHome, CurrentResidence: hanoi("Phòng 1203 tòa nhà 17T5 phố Hoàng Đạo Thúy", "Phường Trung Hòa", "Quận Cầu Giấy", "005"),
			Father:          population.Relative{FullName: "Lê Văn Dũng", Nationality: "Việt Nam", IDNumber: "038070006677"},
			Mother:          population.Relative{FullName: "Hoàng Thị Mai", Nationality: "Việt Nam", IDNumber: "038173008899"},
			HeadOfHousehold: population.Household{Relation: "Con", IDNumber: "038070006677", FullName: "Lê Văn Dũng"},
			HouseholdBook:   "010678901"},
			BirthDate: demoBirths[demoNewPerson.IDNumber]},
	}
}

// citizenPopulation is the portal's view of the lookup service: the
// citizen's own record, for the procedure being filled in (the purpose).
type citizenPopulation struct{ svc *population.Service }

// OwnRecord looks the account's own ID number up; the service refuses an
// account whose identity was not verified, and logs every attempt.
func (c citizenPopulation) OwnRecord(ctx context.Context, a *account.Account, procedure string) (portal.PopulationRecord, error) {
	who := population.Requester{AccountID: a.ID, Name: a.FullName, Kind: population.KindCitizen, IDNumber: a.IDNumber, Verified: a.IsVerified()}
	q := population.Query{IDNumber: a.IDNumber, FullName: a.FullName, ServiceCode: procedure}
	if len(a.BirthDate) >= 4 {
		// The year the e-ID gave; without it the client sends the one
		// the ID number encodes.
		q.BirthYear, _ = strconv.Atoi(a.BirthDate[:4])
	}
	cit, err := c.svc.Lookup(ctx, who, q, "")
	if err != nil {
		return nil, err
	}
	return cit, nil
}
