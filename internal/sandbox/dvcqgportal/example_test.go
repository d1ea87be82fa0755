package dvcqgportal_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/motcua/motcua/internal/sandbox/dvcqgportal"
)

// With --demo and no --dvcqg-url, motcua mounts the portal under
// /sandbox/dvcqg/ and gives its dvcqg client URL BASE/sandbox/dvcqg, the
// three paths and the same token.
func ExampleNew() {
	mux := http.NewServeMux()
	mux.Handle("/sandbox/dvcqg/", dvcqgportal.New("demo-dvcqg-token", dvcqgportal.WithLogger(slog.New(slog.DiscardHandler))))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	body := `[{"MaHoSo":"G01.1-261205-0001","TenTTHC":"Đăng ký khai sinh","TrangThaiHoSo":"2","NgayTiepNhan":"20261205083000"}]`
	for range 2 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sandbox/dvcqg"+dvcqgportal.CreatePath, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer demo-dvcqg-token")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		answer, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Print(string(answer))
	}
	// Output:
	// {"error_code":"0","message":"Thêm mới hồ sơ thành công"}
	// {"error_code":"-3","message":"Hồ sơ đã tồn tại"}
}
