package backoffice

// The city administrators' page of the job queue (/can-bo/quan-tri/tac-vu):
// what did not leave the building — jobs that ran out of attempts or that a
// provider refused for good — with a button to try again, and the jobs
// waiting for their next attempt while an outside system is down.

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

func init() {
	for k, v := range jobsMessages {
		if _, dup := messages[k]; dup {
			panic("backoffice: duplicate message " + k)
		}
		messages[k] = v
	}
}

var jobsMessages = web.Messages{
	"bo.nav.jobs":             {"Tác vụ gửi đi", "Outgoing jobs"},
	"jb.title":                {"Tác vụ gửi ra ngoài (thông báo, đồng bộ, webhook)", "Outgoing jobs (notices, sync, webhooks)"},
	"jb.hint":                 {"Mỗi thay đổi của hồ sơ tạo các tác vụ gửi thông báo, đồng bộ lên Cổng Dịch vụ công quốc gia và webhook trong cùng giao dịch. Tác vụ lỗi được thử lại tự động; tác vụ dưới đây đã hết lượt thử hoặc bị bên nhận từ chối.", "Every change of a dossier creates, in the same transaction, the jobs that send notices, sync with the national portal and call webhooks. Failing jobs are retried automatically; the jobs below ran out of attempts or were refused by the other side."},
	"jb.failed":               {"Tác vụ thất bại", "Failed jobs"},
	"jb.failed.none":          {"Không có tác vụ thất bại.", "No failed jobs."},
	"jb.retrying":             {"Đang chờ thử lại", "Waiting for a retry"},
	"jb.retrying.none":        {"Không có tác vụ đang chờ thử lại.", "No job is waiting for a retry."},
	"jb.col.id":               {"Mã", "Id"},
	"jb.col.kind":             {"Loại", "Kind"},
	"jb.col.args":             {"Tham số", "Arguments"},
	"jb.col.attempts":         {"Lần thử", "Attempts"},
	"jb.col.error":            {"Lỗi gần nhất", "Last error"},
	"jb.col.at":               {"Thời điểm", "When"},
	"jb.col.next":             {"Thử lại lúc", "Next attempt"},
	"jb.state.discarded":      {"hết lượt thử", "out of attempts"},
	"jb.state.cancelled":      {"bị từ chối", "refused"},
	"jb.retry":                {"Thử lại ngay", "Retry now"},
	"jb.retried":              {"Đã đưa tác vụ %s vào hàng đợi để chạy lại.", "Job %s was queued to run again."},
	"jb.kind.notice_send":     {"Gửi thông báo cho công dân", "Notice to a citizen"},
	"jb.kind.dossier_event":   {"Phân phối sự kiện hồ sơ", "Dossier event fan-out"},
	"jb.kind.dvcqg_sync":      {"Đồng bộ Cổng DVC quốc gia", "National portal sync"},
	"jb.kind.webhook_deliver": {"Gửi webhook", "Webhook delivery"},
	"jb.kind.officer_digest":  {"Tổng hợp hồ sơ đến hạn", "Officers' digest"},
	"jb.kind.housekeeping":    {"Dọn dẹp định kỳ", "Housekeeping"},
}

// JobQueue is what the page reads and does (jobs.Queue).
type JobQueue interface {
	Failed(ctx context.Context, limit int) ([]*rivertype.JobRow, error)
	Retrying(ctx context.Context, limit int) ([]*rivertype.JobRow, error)
	Retry(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

const jobsPath = "/can-bo/quan-tri/tac-vu"

// registerJobs adds the page.
func (h *Handler) registerJobs(mux *http.ServeMux) {
	mux.Handle("GET "+jobsPath, h.page(h.jobsPage))
	mux.Handle("POST "+jobsPath, h.cop.Handler(h.page(h.jobsPost)))
}

// JobsAdmin reports whether the navigation links the page.
func (f Frame) JobsAdmin() bool { return f.Staff.cityAdmin() }

var errJobsForbidden = apperr.New(apperr.Forbidden, "jobs_admin_only",
	"Chỉ quản trị viên thành phố được xem tác vụ gửi đi.", "Only city administrators may see the outgoing jobs.")

type jobRow struct {
	ID int64
	// Kind names the job, with its state for a failed one.
	Kind     string
	Args     string
	Attempts string
	Error    string
	// When is when a failed job ended, or when a retrying one runs next.
	When time.Time
}

// jobTable is one of the page's tables: its id ("failed", "retrying"),
// the heading of its time column, and its rows.
type jobTable struct {
	ID, WhenKey string
	Rows        []jobRow
}

type jobsView struct {
	Frame
	Failed, Retrying jobTable
	Retried          string
	// Backlog lists the dossiers behind at the national portal; Sync is
	// false while sync is off.
	Sync    bool
	Backlog []store.SyncStatus
}

// jobRows lists jobs for a table; failed says they ended (their state
// and end are shown) rather than wait for a retry (their next run).
func (h *Handler) jobRows(r *http.Request, list []*rivertype.JobRow, failed bool) []jobRow {
	lang := web.LangOf(r)
	out := make([]jobRow, 0, len(list))
	for _, j := range list {
		row := jobRow{ID: j.ID, Kind: j.Kind, Args: string(j.EncodedArgs), Attempts: strconv.Itoa(j.Attempt) + "/" + strconv.Itoa(j.MaxAttempts),
			When: j.ScheduledAt}
		if h.web.Has("jb.kind." + j.Kind) {
			row.Kind = h.web.T(lang, "jb.kind."+j.Kind)
		}
		if n := len(j.Errors); n > 0 {
			row.Error = j.Errors[n-1].Error
		}
		if failed {
			state := string(j.State)
			if h.web.Has("jb.state." + state) {
				state = h.web.T(lang, "jb.state."+state)
			}
			row.Kind += " (" + state + ")"
			row.When = time.Time{}
			if n := len(j.Errors); n > 0 {
				row.When = j.Errors[n-1].At
			}
			if j.FinalizedAt != nil {
				row.When = *j.FinalizedAt
			}
		}
		out = append(out, row)
	}
	return out
}

// jobsPage serves the page: failed jobs, then those waiting for a retry.
func (h *Handler) jobsPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	if !s.cityAdmin() {
		return errJobsForbidden
	}
	if h.Jobs == nil {
		return apperr.ErrNotFound
	}
	failed, err := h.Jobs.Failed(r.Context(), 200)
	if err != nil {
		return err
	}
	retrying, err := h.Jobs.Retrying(r.Context(), 200)
	if err != nil {
		return err
	}
	v := &jobsView{Frame: Frame{s, jobsPath}, Retried: r.URL.Query().Get("xong"),
		Failed:   jobTable{ID: "failed", WhenKey: "jb.col.at", Rows: h.jobRows(r, failed, true)},
		Retrying: jobTable{ID: "retrying", WhenKey: "jb.col.next", Rows: h.jobRows(r, retrying, false)}}
	if h.Sync != nil {
		v.Sync = true
		if v.Backlog, err = h.Sync.SyncBacklog(r.Context(), 200); err != nil {
			return err
		}
	}
	h.web.Render(w, r, web.View{Name: "jobs", NoIndex: true, Data: v})
	return nil
}

// jobsPost retries one job (form field id) and goes back to the page.
func (h *Handler) jobsPost(w http.ResponseWriter, r *http.Request, s *staff) error {
	if !s.cityAdmin() {
		return errJobsForbidden
	}
	if h.Jobs == nil {
		return apperr.ErrNotFound
	}
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.New(apperr.Invalid, "bad_job", "Mã tác vụ không hợp lệ.", "The job id is not valid.")
	}
	if _, err := h.Jobs.Retry(r.Context(), id); err != nil {
		return err
	}
	h.Log.InfoContext(r.Context(), "job retried by an administrator", "job", id, "by", s.Account.ID)
	http.Redirect(w, r, jobsPath+"?xong="+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
