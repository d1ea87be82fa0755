package apptest

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/sandbox/popregistry"
)

// Registry is a sandbox population registry on its own server, holding
// citizen A (residence in Hàng Trống, father and spouse named), behind a
// switch that makes it answer 500 (the platform down).
type Registry struct {
	Server *httptest.Server
	Down   atomic.Bool
}

// RegistryToken is the registry's access token.
const RegistryToken = "tok"

// StartRegistry starts the registry for the test.
func StartRegistry(t testing.TB) *Registry {
	t.Helper()
	reg := popregistry.New(RegistryToken, []popregistry.Person{{Citizen: population.Citizen{IDNumber: CitizenA,
		Name: population.Name{Last: "Nguyễn", Middle: "Văn", First: "An"}, Sex: "Nam",
		PermanentResidence: population.Address{ProvinceName: "Thành phố Hà Nội", DistrictName: "Quận Hoàn Kiếm", WardName: "Phường Hàng Trống", Detail: "Số 5 phố Lý Quốc Sư"},
		Father:             population.Relative{FullName: "Nguyễn Văn Bảo"},
		Spouse:             population.Relative{FullName: "Phạm Thị Hoa"}}, BirthDate: "15/03/1990"}})
	r := &Registry{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.Down.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		reg.ServeHTTP(w, req)
	}))
	t.Cleanup(r.Server.Close)
	return r
}

// Config is the --population-* settings that reach the registry.
func (r *Registry) Config() config.Population {
	return config.Population{URL: r.Server.URL, Token: RegistryToken}
}
