package backoffice

// What left the building about a dossier, shown to staff on its page: the
// notices sent to the citizen (channel, masked recipient, outcome, the
// provider's reference).

import (
	"net/http"
	"time"

	"github.com/motcua/motcua/internal/dossier"
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
}

type noticeRow struct {
	At                       time.Time
	Event                    string
	Channel, To, Status, Ref string
	Error                    string
	Attempts                 int
	Failed                   bool
}

// outboundView is the dossier page's outbound section.
type outboundView struct {
	Notices []noticeRow
}

// outboundOf reads what left the building about d (the member already
// reads d).
func (h *Handler) outboundOf(r *http.Request, d *dossier.Dossier) (outboundView, error) {
	var v outboundView
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
			Status: h.web.T(lang, "ob.status."+string(n.Status)), Ref: n.ProviderRef, Error: n.Error, Attempts: n.Attempts,
			Failed: n.Status == "failed"})
	}
	return v, nil
}
