package backoffice

// What left the building about a dossier, shown to staff on its page: the
// notices sent to the citizen (channel, masked recipient, outcome, the
// provider's reference).

import (
	"context"
	"net/http"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

func init() {
	for k, v := range outboundMessages {
		if _, dup := messages[k]; dup {
			panic("backoffice: duplicate message " + k)
		}
		messages[k] = v
	}
}

var outboundMessages = web.Messages{
	"ob.notices":       {"Thông báo đã gửi công dân", "Notices to the citizen"},
	"ob.col.at":        {"Thời điểm", "When"},
	"ob.col.channel":   {"Kênh", "Channel"},
	"ob.col.to":        {"Người nhận", "Recipient"},
	"ob.col.status":    {"Kết quả", "Outcome"},
	"ob.col.ref":       {"Mã của nhà cung cấp", "Provider reference"},
	"ob.channel.email": {"Thư điện tử", "E-mail"},
	"ob.channel.sms":   {"Tin nhắn SMS", "SMS"},
	"ob.channel.zalo":  {"Zalo", "Zalo"},
	"ob.status.queued": {"Đang chờ gửi", "Waiting"},
	"ob.status.sent":   {"Đã gửi", "Sent"},
	"ob.status.failed": {"Gửi không được", "Failed"},
	"ob.attempts":      {"%d lần thử", "%d attempts"},
	"ob.parts":         {"%d tin", "%d parts"},
	"ob.sync":          {"Đồng bộ Cổng Dịch vụ công quốc gia", "National public service portal sync"},
	"ob.sync.none":     {"Chưa đồng bộ: tác vụ đồng bộ đang chờ chạy.", "Not synced yet: the sync job is waiting to run."},
	"ob.sync.done":     {"Đã đồng bộ đến sự kiện %d/%d.", "Synced up to event %d of %d."},
	"ob.sync.behind":   {"Đang chờ đồng bộ: đã gửi %d/%d sự kiện.", "Behind: %d of %d events sent."},
	"ob.sync.created":  {"Cổng quốc gia đã có hồ sơ.", "The national portal holds the dossier."},
	"ob.sync.error":    {"Lỗi lần gửi gần nhất (%d lần thử): %s", "Last attempt failed (%d attempts): %s"},
	"ob.sync.last":     {"Lần gửi gần nhất: %s.", "Last push: %s."},
	"jb.backlog":       {"Đồng bộ Cổng DVC quốc gia đang chậm hoặc lỗi", "National portal sync behind or failing"},
	"jb.backlog.none":  {"Không có hồ sơ nào chậm đồng bộ.", "No dossier is behind."},
	"jb.col.dossier":   {"Hồ sơ", "Dossier"},
	"jb.col.synced":    {"Đã gửi", "Sent"},
}

// SyncReader is the national-portal sync state (store.DB).
type SyncReader interface {
	SyncState(ctx context.Context, dossierID int64) (*store.SyncStatus, error)
	SyncBacklog(ctx context.Context, limit int) ([]store.SyncStatus, error)
}

type noticeRow struct {
	At                       time.Time
	Event                    string
	Channel, To, Status, Ref string
	Error                    string
	Attempts                 int
	Parts                    int
	Failed                   bool
}

// outboundView is the dossier page's outbound section.
type outboundView struct {
	Notices []noticeRow
	// Sync is the national-portal sync state; nil while sync is off.
	Sync *store.SyncStatus
}

// outboundOf reads what left the building about d (the member already
// reads d).
func (h *Handler) outboundOf(r *http.Request, d *dossier.Dossier) (outboundView, error) {
	var v outboundView
	if h.Sync != nil {
		st, err := h.Sync.SyncState(r.Context(), d.ID)
		if err != nil {
			return v, err
		}
		v.Sync = st
	}
	if h.Notices == nil {
		return v, nil
	}
	list, err := h.Notices.DossierNotices(r.Context(), d.ID)
	if err != nil {
		return v, err
	}
	lang := web.LangOf(r)
	for _, n := range list {
		at := n.CreatedAt
		if n.SentAt != nil {
			at = *n.SentAt
		}
		v.Notices = append(v.Notices, noticeRow{At: at, Channel: h.web.T(lang, "ob.channel."+string(n.Channel)), To: n.Masked(),
			Status: h.web.T(lang, "ob.status."+string(n.Status)), Ref: n.ProviderRef, Error: n.Error, Attempts: n.Attempts, Parts: n.Parts,
			Failed: n.Status == "failed"})
	}
	return v, nil
}
